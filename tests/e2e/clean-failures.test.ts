// Failures an operator meets at the command line end in one line, not a stack trace: a port in use (exit 1, and
// no lock left behind for the next start), and CLI output into a pipe whose reader went away (`status | head`).
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, makeWorkspace, NO_PAGE_FETCHES, runCli } from '../helpers/daemon.js';
import { ensureBuilt } from '../helpers/build.js';
import { askHolder } from '../../src/store/lock.js';
import { openStore } from '../../src/store/store.js';

const AGENCIES = { nato: { name: 'NATO' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } };

describe('clean failures', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    ensureBuilt();
    taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    port = (taken.address() as { port: number }).port;
  }, 120_000);
  afterAll(() => new Promise<void>((r) => taken.close(() => r())));

  it.each(['start', 'web'])('`%s` on a port in use: one line, exit 1, no lock left behind', async (command) => {
    const ws = makeWorkspace(AGENCIES);
    const r = await runCli([command], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pressroom: port ${port} is in use on 127.0.0.1\n`);
    expect(existsSync(path.join(ws.dataDir, 'pressroom.lock'))).toBe(false);
    expect(await askHolder(ws.dataDir)).toBeUndefined();
    // The next writer starts at once.
    const store = await openStore(ws.dataDir, { writable: true });
    await store.close();
  });

  it('`status` into a pipe closed by its reader ends quietly', async () => {
    const ws = makeWorkspace(AGENCIES);
    const env = { PATH: process.env.PATH ?? '', ...NO_PAGE_FETCHES, FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir };
    expect((await runCli(['ingest', '--once'], env)).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      // The reader is gone before the first line is written, as `pressroom status | head -0` would be.
      const child = spawn(process.execPath, [MAIN, 'status'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    }
    // And through a real shell pipeline with head.
    const sh = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} status | head -c 1 >/dev/null`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    sh.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => sh.on('exit', r))).toBe(0);
    expect(err).toBe('');
  });
});
