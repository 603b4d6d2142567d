// The real daemon (npm start mode, no PUBLIC_URL) against clients that send a new Host on every request, bad
// Hosts, headers one byte a second, and keep-alive connections left idle.
//
// Before the fix, each new Host re-rendered every default document on the serving thread; now the documents are
// rendered once per store change and each Host's origin is spliced in. The daemon logs each rendering at debug
// level ("rendered the default documents"): the test counts them, and measures /healthz while Hosts cycle.
import http from 'node:http';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { get, getJson, logLine, percentile, round, rssFeed, seededRng, seedFromEnv, sleep, spawnDaemon, stopDaemon, title, until, type DaemonProc, type GenItem, type StatusDoc } from './helpers.js';

const AGENCIES = ['nato', 'europol', 'eurojust'] as const;
const ITEMS = 300;
const CYCLE_MS = 8_000;
const HEADERS_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_MS = 1_500;

/** Milliseconds until the server ends the connection, after writing `head` and then one byte a second of `drip`. */
function timeToClose(port: number, head: string, drip = ''): Promise<{ ms: number; got: string }> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let got = '';
    let t0 = 0;
    let timer: NodeJS.Timeout | undefined;
    c.setEncoding('utf8');
    c.on('connect', () => {
      t0 = performance.now();
      c.write(head);
      let i = 0;
      if (drip) timer = setInterval(() => c.writable && c.write(drip[i++ % drip.length]!), 1000);
    });
    c.on('data', (d: string) => (got += d));
    c.on('close', () => {
      clearInterval(timer);
      resolve({ ms: performance.now() - t0, got });
    });
    c.on('error', (e) => (e as NodeJS.ErrnoException).code === 'ECONNRESET' || reject(e));
    setTimeout(() => c.destroy(), 30_000).unref(); // a hang shows as ~30 s, far past any bound below
  });
}

describe('Host cycling and slow clients against the real daemon', () => {
  let fx: FixtureServer | undefined;
  let d: DaemonProc | undefined;
  let root: string | undefined;

  afterAll(async () => {
    if (d?.alive()) await stopDaemon(d, 'SIGKILL');
    await fx?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('cycling Host values renders nothing more, /healthz p99 < 100 ms, bad ports get 400, no error logged; slow clients are cut off', async () => {
    const seed = seedFromEnv();
    const rng = seededRng(seed);
    fx = await startFixtures();
    for (const a of AGENCIES) {
      const items: GenItem[] = Array.from({ length: ITEMS }, (_, k) => ({
        guid: `${a}-${k}`,
        title: title(rng, k),
        link: `https://${a}.example.org/news/${k}`,
        pubDate: new Date(Date.parse('2024-10-01T00:00:00Z') + k * 3_600_000),
        description: `Release ${k} of ${a}. `.repeat(60),
      }));
      fx.setFile(`${a}.rss`, rssFeed(a, items));
    }
    // Schedules that never fire during the test: the start-up run is the only ingest, so any rendering during the
    // cycling would be one a Host caused.
    const NEVER = '0 0 1 1 *';
    const ws = makeWorkspace(Object.fromEntries(AGENCIES.map((a) => [a, { name: a.toUpperCase(), feeds: [{ url: `${fx!.url}/${a}.rss`, schedule: NEVER }] }])));
    root = ws.root;
    d = spawnDaemon({
      FEEDS_DIR: ws.feedsDir,
      DATA_DIR: ws.dataDir,
      LOG_LEVEL: 'debug',
      BULLETIN_SCHEDULE: NEVER,
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS * 2),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    });
    let renders = 0;
    d.onLine((line) => {
      if (logLine(line)?.msg === 'rendered the default documents') renders++;
    });
    const base = await d.listening;
    expect(base, d.logs()).toBeDefined();
    await until(async () => ((await getJson<StatusDoc>(`${base}/status`)).stories >= AGENCIES.length * ITEMS ? true : undefined), 60_000, 'the first ingest');
    const { port } = new URL(base!);
    await get(`${base}/feeds/all.atom`, { headers: { Host: 'warm.example' } });
    await sleep(500);
    const rendersBefore = renders;

    // Four keep-alive clients, a new Host on every request, over the default documents; one more polls /healthz.
    const paths = ['/feeds/all.atom', '/feeds/nato.rss', '/feeds/europol.json', '/', '/feeds.opml', '/feeds/status.atom', '/feeds/all.atom?q=release'];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const end = Date.now() + CYCLE_MS;
    let n = 0;
    const wrong: string[] = [];
    const cycler = async () => {
      while (Date.now() < end) {
        const i = n++;
        const host = i % 2 ? `r${i}.example:${1024 + (i % 60000)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`;
        const r = await get(`${base}${paths[i % paths.length]}`, { agent, headers: { Host: host, 'Accept-Encoding': i % 3 ? 'gzip, br' : 'identity' } });
        if (r.status !== 200 || (r.headers['content-encoding'] === undefined && !r.body.includes(`http://${host}/`))) wrong.push(`${host}: ${r.status}`);
      }
    };
    const health: number[] = [];
    const poller = async () => {
      const hAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (Date.now() < end) {
        const r = await get(`${base}/healthz`, { agent: hAgent, timeoutMs: 10_000 });
        if (r.status === 200) health.push(r.ms);
        await sleep(20);
      }
      hAgent.destroy();
    };
    await Promise.all([cycler(), cycler(), cycler(), cycler(), poller()]);
    agent.destroy();
    const p99 = percentile(health, 99);
    console.log(`seed ${seed}: ${n} requests with ${n} distinct Hosts in ${CYCLE_MS} ms; renders ${renders - rendersBefore}; /healthz p50 ${round(percentile(health, 50))} ms p99 ${round(p99)} ms max ${round(Math.max(...health))} ms over ${health.length} polls`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(n).toBeGreaterThan(500);
    // No store change happens during the cycling: no rendering.
    expect(renders - rendersBefore).toBe(0);
    expect(health.length).toBeGreaterThan(50);
    expect(p99).toBeLessThan(100);

    for (const host of ['a:99999', '[::1]:99999', 'localhost:0', 'localhost:65536', '[::1', '[zz]', '[::1]x', 'user@localhost']) {
      const r = await get(`${base}/feeds/all.atom`, { headers: { Host: host } });
      expect(r.status, host).toBe(400);
      expect(r.body.toString('utf8'), host).toMatch(/^bad request: /);
    }
    // node:http's client replaces an empty Host with its own: write these requests by hand.
    for (const head of ['Host: \r\n', 'Host: a.example\r\nHost: b.example\r\n']) {
      const r = await timeToClose(Number(port), `GET /feeds/all.atom HTTP/1.1\r\n${head}Connection: close\r\n\r\n`);
      expect(r.got, head).toMatch(/^HTTP\/1\.1 400 /);
    }

    // Slowloris: a request line, then a header one byte a second; cut off at the headers bound (checked each second).
    const slow = await timeToClose(Number(port), 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'abcdefghijklmnopqrstuvwxyz');
    console.log(`slow headers cut off after ${round(slow.ms)} ms (HTTP_HEADERS_TIMEOUT_MS=${HEADERS_TIMEOUT_MS})`);
    expect(slow.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(slow.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 3_000);
    expect(slow.got).toMatch(/^(HTTP\/1\.1 408 |$)/);

    // An idle keep-alive connection after one answer: closed after the keep-alive bound (Node waits about 1 s
    // more than it announces in Keep-Alive: timeout=, so that a client trusting the header never races the close).
    const idle = await timeToClose(Number(port), 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    console.log(`idle keep-alive connection closed after ${round(idle.ms)} ms (HTTP_KEEP_ALIVE_TIMEOUT_MS=${KEEP_ALIVE_MS})`);
    expect(idle.got).toMatch(/^HTTP\/1\.1 200 /);
    expect(idle.got).toMatch(/Keep-Alive: timeout=\d+/i);
    expect(idle.ms).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100);
    expect(idle.ms).toBeLessThan(KEEP_ALIVE_MS + 3_000);

    const errors = d.logs().split('\n').map(logLine).filter((l) => l !== undefined && Number(l.level) >= 50);
    expect(errors).toEqual([]);
    expect(d.alive()).toBe(true);
  });
});
