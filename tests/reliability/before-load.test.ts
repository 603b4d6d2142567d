// Before its store is loaded a process already answers: a large store takes seconds to read, and a check or a
// reader arriving then gets `503` with `Retry-After` (and `/readyz` `503 not ready`, `/healthz` `200`), not a refused
// connection; once loaded, the same port serves. The operator paths stay a 404 on the public port meanwhile.
// (Under PM2's cluster mode the ports open only once loaded: src/main.ts openPortsEarly.)
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_AGENCIES, syntheticStore } from '../../src/bench/synthetic-store.js';
import { openStore } from '../../src/store/store.js';
import { MAIN, makeWorkspace, NO_PAGE_FETCHES, waitFor } from '../helpers/daemon.js';

const STORIES = Number(process.env.BEFORE_LOAD_STORIES ?? 40_000);
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  ws = makeWorkspace(Object.fromEntries(BENCH_AGENCIES.map((a) => [a.id, { name: a.name }])), []);
  const store = await openStore(ws.dataDir, { writable: true });
  await store.commit(syntheticStore(STORIES, 600));
  await store.close();
}, 120_000);
afterAll(() => rmSync(ws.root, { recursive: true, force: true }));

interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
}
const get = async (url: string): Promise<Answer> => {
  const r = await fetch(url);
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() };
};

describe('the ports before the store is loaded', () => {
  it.each(['web', 'start'] as const)('%s answers 503 with Retry-After until loaded, then serves on the same port', async (command) => {
    const child = spawn(process.execPath, [MAIN, command], {
      env: { PATH: process.env.PATH ?? '', ...NO_PAGE_FETCHES, FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PORT: '0', HOST: '127.0.0.1', OPERATOR_PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    try {
      await waitFor(async () => /port \d+ \(operator port \d+\) open/.test(out), 20_000, 'the early ports');
      const [, port, opPort] = /port (\d+) \(operator port (\d+)\) open/.exec(out)!;
      const base = `http://127.0.0.1:${port}`;
      const op = `http://127.0.0.1:${opPort}`;
      const t0 = Date.now();
      const early = {
        readyz: await get(`${base}/readyz`),
        healthz: await get(`${base}/healthz`),
        feed: await get(`${base}/feeds/all.atom`),
        front: await get(`${base}/`),
        metrics: await get(`${base}/metrics`),
        opReadyz: await get(`${op}/readyz`),
        opMetrics: await get(`${op}/metrics`),
      };
      const loadedMeanwhile = /listening on http/.test(out);
      // The answers above took this long; the store took longer to load (else the test proves nothing: say so).
      expect(loadedMeanwhile, `the store of ${STORIES} stories loaded within ${Date.now() - t0} ms: raise BEFORE_LOAD_STORIES`).toBe(false);
      expect(early.readyz).toEqual({ status: 503, retryAfter: '5', body: 'not ready: the store is not loaded yet\n' });
      expect(early.healthz).toMatchObject({ status: 200, body: 'ok\n' });
      for (const a of [early.feed, early.front, early.opMetrics]) expect(a).toMatchObject({ status: 503, retryAfter: '5', body: expect.stringMatching(/^starting: the store is not loaded yet/) });
      expect(early.metrics.status).toBe(404);
      expect(early.opReadyz).toMatchObject({ status: 503, body: 'not ready: the store is not loaded yet\n' });

      // Loaded: the same ports serve.
      await waitFor(async () => /listening on http/.test(out), 60_000, 'the store loaded');
      const windowMs = Date.now() - t0;
      console.log(`[reliability] before-load (${command}, ${STORIES} stories): answered 503 for about ${windowMs} ms (from the ports opening to 'listening on', as the test saw it)`);
      expect(out).toContain(`listening on http://127.0.0.1:${port}`);
      expect((await get(`${base}/readyz`)).status).toBe(200);
      const feed = await get(`${base}/feeds/all.atom`);
      expect(feed.status).toBe(200);
      expect(feed.body).toContain('<feed');
      expect((await get(`${op}/metrics`)).body).toMatch(/^pressroom_/m);
      expect((await get(`${base}/metrics`)).status).toBe(404);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
