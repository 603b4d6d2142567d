// Child processes in the store tests, and parse threads, run the compiled modules: compile when dist/ is older than their sources.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : e.name.endsWith('.ts') ? statSync(path.join(dir, e.name)).mtimeMs : 0)));

const builtAt = (f: string) => {
  try {
    return statSync(path.join(ROOT, 'dist', f)).mtimeMs;
  } catch {
    return 0;
  }
};

/** `npm test` compiles first (pretest); a lone `npx vitest run tests/store` may find dist/ stale. */
export function ensureBuilt(): void {
  // The parse threads run dist/worker/parse-thread.js and what it imports (sources/, stories/) even under vitest.
  const src = Math.max(...['src/store', 'src/stories', 'src/sources', 'src/worker'].map((d) => newest(path.join(ROOT, d))), statSync(path.join(ROOT, 'src/model.ts')).mtimeMs);
  if (Math.min(builtAt('store/store.js'), builtAt('stories/merge.js'), builtAt('stories/identity.js'), builtAt('worker/parse-thread.js'), builtAt('worker/parse-task.js')) < src) {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { stdio: 'pipe' });
    } catch {
      // A type error elsewhere in the tree still emits JavaScript; the stat below is what matters.
    }
  }
  statSync(path.join(ROOT, 'dist/store/store.js'));
}
