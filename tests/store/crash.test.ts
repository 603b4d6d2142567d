// A writer killed with SIGKILL at random moments, over and over: the store always opens, nothing committed is lost.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

const CHILD = path.join(ROOT, 'tests/helpers/store-crash-child.mjs');
const KILLS = 32;

interface Life {
  committed: Map<string, string>;
  runs: number;
  stderr: string;
}

/** Starts a writer, lets it commit for a random moment after it is ready, and SIGKILLs it. */
function liveAndDie(dir: string, n: number, delayMs: number): Promise<Life> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const committed = new Map<string, string>();
    let runs = 0;
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
        const m = /^committed (\S+) (.*)$/.exec(line);
        if (m) {
          runs++;
          for (const [guid, id] of JSON.parse(m[2]!) as [string, string][]) committed.set(guid, id);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
      // A partial last line is a commit whose report was cut: it may or may not be in the store.
      else resolve({ committed, runs, stderr });
    });
  });
}

describe('a writer killed at random moments', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-crash-'));
  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`leaves a store that opens with every committed story, ${KILLS} times over`, { timeout: 120_000 }, async () => {
    const expected = new Map<string, string>();
    let runs = 0;
    // Deterministic "random" delays spread over a few commits' worth of time.
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 150;
    for (let n = 0; n < KILLS; n++) {
      const life = await liveAndDie(dir, n, next());
      runs += life.runs;
      for (const [g, id] of life.committed) expected.set(g, id);

      const errors: string[] = [];
      const log = { warn: (_o: object, msg: string) => void errors.push(msg), error: (_o: object, msg: string) => void errors.push(msg), info() {} };
      const store = await openStore(dir, { writable: false, log });
      const byGuid = new Map(store.data.stories.map((s) => [(s.sources[0] as { guid: string }).guid, s.id]));
      for (const [guid, id] of expected) expect(byGuid.get(guid), `kill ${n}: ${guid}`).toBe(id);
      expect(new Set(store.data.stories.map((s) => s.id)).size).toBe(store.data.stories.length);
      expect(errors).toEqual([]);
      await store.close();
    }
    expect(runs).toBeGreaterThan(KILLS); // the kills did land between and during commits, not only before the first

    // Every file the manifest names parses as JSON; no recovery was ever needed.
    const manifest = JSON.parse(readFileSync(path.join(dir, 'pressroom.json'), 'utf8')) as { partitions: Record<string, { file: string }> };
    for (const { file } of Object.values(manifest.partitions)) JSON.parse(readFileSync(path.join(dir, 'stories', file), 'utf8'));
    expect(readdirSync(dir).filter((f) => f.includes('corrupt') || f === 'quarantine')).toEqual([]);

    // And the next writer takes over the dead one's lock and carries on.
    const store = await openStore(dir, { writable: true });
    expect(store.data.stories.length).toBeGreaterThanOrEqual(expected.size);
    await store.close();
  });
});
