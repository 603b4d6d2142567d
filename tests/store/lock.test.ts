// One writer, for sure, and never none: racing processes admit exactly one; a writer killed into a zombie (its
// parent never reaps it, as under a container init that does not) or a PID named by a stale lock file blocks no
// one. The lock is an abstract Unix socket (src/store/lock.ts): Linux only, as is this file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { askHolder } from '../../src/store/lock.js';
import { openStore } from '../../src/store/store.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

const CHILD = path.join(ROOT, 'tests/helpers/lock-child.mjs');
const dirs: string[] = [];
const children: ChildProcess[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pressroom-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs a would-be writer; resolves with its first line of output and its exit. */
function contender(dir: string, holdMs: number | 'stdin', startAt: number): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [CHILD, dir, String(holdMs), String(startAt)], { stdio: [holdMs === 'stdin' ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d) => (out += d));
    c.stderr!.on('data', (d) => (out += d));
    // 'close', not 'exit': a child can exit before its output has been read, and its line would then be ''.
    c.on('close', (code) => resolve({ line: out.split('\n')[0] ?? '', code }));
  });
}

/** The state letter of /proc/<pid>/stat: R, S, Z (zombie) … */
const procState = (pid: number) => {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
};

describe.skipIf(process.platform !== 'linux')('the store lock', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('admits exactly one of 20 writers started at once over a stale lock file, and names it to the others', { timeout: 60_000 }, async () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'pressroom.lock'), `${dead.stdout}\n`);
    // Each contender that gets the lock holds it until its stdin ends, which the test does once every other has
    // been refused: however slowly a loaded machine starts twenty processes, all try while one holds.
    const startAt = Date.now() + 3000;
    const runs = Array.from({ length: 20 }, () => contender(dir, 'stdin', startAt));
    const spawned = children.slice(-20);
    // Wait until 19 have exited (refused); then release the holder.
    const deadline = Date.now() + 50_000;
    while (spawned.filter((c) => c.exitCode !== null).length < 19 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const c of spawned) c.stdin?.end();
    const results = await Promise.all(runs);
    const got = results.filter((r) => r.line.startsWith('got '));
    expect(got, results.map((r) => r.line).join('\n')).toHaveLength(1);
    const holder = got[0]!.line.slice(4);
    for (const r of results.filter((x) => !x.line.startsWith('got '))) {
      expect(r.code).toBe(3);
      expect(r.line).toMatch(new RegExp(`^locked store .* is locked by process ${holder}\\b`));
    }
    // Released at exit: nothing is left that blocks the next writer.
    expect(existsSync(path.join(dir, 'pressroom.lock'))).toBe(false);
    const next = await openStore(dir, { writable: true });
    await next.close();
  });

  it('is free again when its writer is SIGKILLed into a zombie that nobody reaps', { timeout: 60_000 }, async () => {
    const dir = tmp();
    // A parent that forks the writer and never waits for it: the killed writer stays a zombie, its PID taken.
    const parent = spawn(
      'python3',
      ['-c', 'import os,sys,time\npid=os.fork()\nif pid==0:\n  os.execv(sys.argv[1],[sys.argv[1]]+sys.argv[2:])\nprint(pid,flush=True)\ntime.sleep(120)\n', process.execPath, CHILD, dir, '600000', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(parent);
    let out = '';
    parent.stdout!.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!/got \d+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const writer = Number(/got (\d+)/.exec(out)?.[1]);
    expect(writer, out).toBeGreaterThan(0);
    await expect(openStore(dir, { writable: true })).rejects.toMatchObject({ code: 'locked', message: expect.stringContaining(`process ${writer}`) });
    expect((await askHolder(dir))?.pid).toBe(writer);

    process.kill(writer, 'SIGKILL');
    while (procState(writer) !== 'Z' && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(procState(writer)).toBe('Z');
    // What the old lock trusted: the PID still "exists", and pressroom.lock still names it.
    expect(() => process.kill(writer, 0)).not.toThrow();
    expect(readFileSync(path.join(dir, 'pressroom.lock'), 'utf8')).toMatch(new RegExp(`^${writer}\\n`));

    const store = await openStore(dir, { writable: true });
    expect(readFileSync(path.join(dir, 'pressroom.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
    expect((await askHolder(dir))?.pid).toBe(process.pid);
    await store.close();
    expect(await askHolder(dir)).toBeUndefined();
    parent.kill('SIGKILL');
  });

  it('still excludes a second writer while the holder\'s event loop is stalled (it cannot answer)', { timeout: 60_000 }, async () => {
    const dir = tmp();
    // The holder takes the lock, says so, then blocks its event loop for 12 s: no timer, no socket answer.
    const script = `const { openStore } = await import(${JSON.stringify(path.join(ROOT, 'dist/store/store.js'))}); const s = await openStore(process.argv[1], { writable: true }); console.log('got ' + process.pid); const t = Date.now() + 12000; while (Date.now() < t); await s.close();`;
    const holder = spawn(process.execPath, ['--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(holder);
    let out = '';
    holder.stdout!.on('data', (d) => (out += d));
    const deadline = Date.now() + 20_000;
    while (!/got \d+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const pid = /got (\d+)/.exec(out)?.[1];
    const r = await contender(dir, 0, 0);
    expect(r.code).toBe(3);
    expect(r.line).toMatch(new RegExp(`^locked store .* is locked by process ${pid}: only one Pressroom worker may write it \\(as pressroom.lock says; it did not answer`));
  });

  it('is one lock for every spelling of the data folder (a link to it, a trailing slash)', async () => {
    const dir = tmp();
    const link = path.join(tmp(), 'data-link');
    spawnSync('ln', ['-s', dir, link]);
    const store = await openStore(dir, { writable: true });
    await expect(openStore(`${link}/`, { writable: true })).rejects.toMatchObject({ code: 'locked' });
    await store.close();
    const again = await openStore(link, { writable: true });
    await again.close();
  });
});
