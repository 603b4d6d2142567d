// A source whose processing is slow, against the real daemon: in `start` mode (worker and web in one process)
// and as PM2 runs it (one `worker`, one `web`, one data folder). Parsing runs on a thread under PARSE_BUDGET_MS,
// so /healthz and a polled feed keep answering fast, the source is reported failing with its reason, and the
// stored stories do not change. A SIGTERM during such a source ends the daemon at once.
//
// The hostile input is legal and costly by nature, not by a bug a fix could remove: an RSS feed of 200,000 tiny
// items (~8 MB, under the 10 MB fetch cap) takes rss-parser and the normaliser 2.8–5.5 s here (a thread whose
// JIT the ordinary feeds warmed is the fastest). The budget is set well under that, so that every hostile
// source is stopped: at 3 s, one in two runs had the first of them finish in time.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { get, getJson, latencySummary as summary, percentile, pollLatency, round, sleep, spawnDaemon, stopDaemon, until, type DaemonProc, type JsonFeed, type StatusDoc } from './helpers.js';

const HOSTILE = ['slow-a', 'slow-b', 'slow-c'] as const;
const GOOD = ['nato', 'europol', 'eurojust'] as const;
/** Each hostile source is stopped after this; three of them keep the daemon busy for ~3 × this long. */
const BUDGET_MS = 1200;
/** Polls every 10 ms: ~3 × BUDGET_MS of polling then gives the p99 some 300 samples. */
const POLL_MS = 10;

function hostileFeed(items: number): string {
  const parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Slow</title><link>https://slow.example.org/</link><description>d</description>\n'];
  for (let i = 0; i < items; i++) parts.push(`<item><title>Hostile ${i}</title></item>\n`);
  parts.push('</channel></rss>\n');
  return parts.join('');
}

const smallFeed = (name: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${name}</title><link>https://${name}.example.org/</link><description>d</description>` +
  `<item><title>First release of ${name}</title><link>https://${name}.example.org/1</link><guid>${name}-1</guid><pubDate>Wed, 09 Oct 2024 10:00:00 GMT</pubDate><description>Text of the first release.</description></item></channel></rss>\n`;

/** What a reader sees of the stored stories. */
const visible = (f: JsonFeed) => f.items.map((i) => ({ id: i.id, title: i.title, url: i.url, content_html: i.content_html })).sort((a, b) => a.id.localeCompare(b.id));

describe('a source whose processing is slow', () => {
  let fx: FixtureServer;
  let ws: ReturnType<typeof makeWorkspace>;
  let before: ReturnType<typeof visible>;
  const daemons: DaemonProc[] = [];
  const env = () => ({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PUBLIC_URL: 'http://pressroom.test', PARSE_BUDGET_MS: String(BUDGET_MS) });
  const big = hostileFeed(200_000);

  beforeAll(async () => {
    fx = await startFixtures();
    // Hourly schedules: only the start-up run polls, so each mode sees one run over every source.
    const feeds = (name: string) => [{ url: `${fx.url}/${name}.rss`, schedule: '0 * * * *' }];
    ws = makeWorkspace(Object.fromEntries([...GOOD, ...HOSTILE].map((a) => [a, { name: a.toUpperCase(), timezone: 'UTC', feeds: feeds(a) }])));
    // First the hostile feeds are small and fine: the store then holds stories of every source.
    for (const h of HOSTILE) fx.setFile(`${h}.rss`, smallFeed(h));
    const d = spawnDaemon(env());
    daemons.push(d);
    const base = await d.listening;
    expect(base, d.logs()).toBeDefined();
    const status = await until(async () => {
      const s = await getJson<StatusDoc>(`${base}/status`);
      return s.sources.filter((x) => x.kind === 'feed' && x.lastSuccess).length === GOOD.length + HOSTILE.length ? s : undefined;
    }, 60_000, 'every feed ingested once');
    expect(status.stories).toBeGreaterThan(HOSTILE.length);
    before = visible(await getJson<JsonFeed>(`${base}/feeds/all.json?limit=500`));
    expect((await stopDaemon(d)).code).toBe(0);
    for (const h of HOSTILE) fx.setFile(`${h}.rss`, big);
    process.stdout.write(`[reliability] slow source: hostile feed of 200,000 items, ${round(big.length / 1024 / 1024)} MB, PARSE_BUDGET_MS=${BUDGET_MS}, ${HOSTILE.length} such sources\n`);
  });

  // A test that failed half-way leaves its daemon holding the store's lock: the next test must not inherit it.
  afterEach(async () => {
    for (const d of daemons) if (d.alive()) await stopDaemon(d, 'SIGKILL');
  });

  afterAll(async () => {
    for (const d of daemons) if (d.alive()) await stopDaemon(d, 'SIGKILL');
    await fx?.close();
    if (ws) rmSync(ws.root, { recursive: true, force: true });
  });

  /**
   * The run before left the hostile sources backing off: one forced run (`ingest --once`, on its own parse
   * pool) over the small feeds again makes them succeed, and the stories must still be the same.
   */
  async function recoverHostile(): Promise<void> {
    for (const h of HOSTILE) fx.setFile(`${h}.rss`, smallFeed(h));
    const once = spawnDaemon(env(), ['ingest', '--once']);
    expect((await once.exited).code, once.logs()).toBe(0);
    expect(once.logs()).toMatch(/ingest: 0 new/);
    expect(visible(await storiesVia(env()))).toEqual(before);
    for (const h of HOSTILE) fx.setFile(`${h}.rss`, big);
  }

  /** Waits until every hostile source is reported too slow, polling meanwhile; checks what the reader sees. */
  async function underHostileRun(base: string, mode: string, daemon: DaemonProc): Promise<void> {
    const sampler = pollLatency(base, ['/healthz', '/feeds/all.atom'], POLL_MS);
    const t0 = Date.now();
    const hostile = (s: StatusDoc) => s.sources.filter((x) => HOSTILE.some((h) => x.key === `${fx.url}/${h}.rss`));
    let last: StatusDoc | undefined;
    // Until each hostile source has been attempted by this daemon and has an outcome, whatever it is: the
    // assertions below then say which outcome, rather than a time-out.
    const status = await until(async () => {
      const s = (last = await getJson<StatusDoc>(`${base}/status`));
      const done = hostile(s).filter((x) => x.lastAttempt && Date.parse(x.lastAttempt) >= daemon.spawnedAt - 1000 && (x.errorCode !== undefined || x.lastSuccess === x.lastAttempt));
      return done.length === HOSTILE.length ? s : undefined;
    }, 120_000, 'every hostile source processed', 250).catch((e: Error) => {
      const states = last ? hostile(last).map(({ key, lastAttempt, lastSuccess, errorCode, errorMessage }) => ({ key, lastAttempt, lastSuccess, errorCode, errorMessage })) : [];
      throw new Error(`${e.message}; hostile sources: ${JSON.stringify(states)}; daemon log: ${daemon.logs().slice(-4000)}`);
    });
    const wallMs = Date.now() - t0;
    const polled = await sampler.stop();
    const s = { healthz: polled.ms['/healthz']!, feed: polled.ms['/feeds/all.atom']!, errors: polled.errors };
    const outcomes = hostile(status).map((x) => `${x.key.slice(x.key.lastIndexOf('/') + 1)}: ${x.errorCode ?? `ok, ${x.itemsLastFetch} items`}`);
    process.stdout.write(`[reliability] slow source, ${mode}: ${Math.round(wallMs / 1000)} s of hostile processing (${outcomes.join(', ')}); /healthz ${summary(s.healthz)}; /feeds/all.atom ${summary(s.feed)}; ${s.errors.length} errors\n`);

    for (const h of HOSTILE) {
      const src = status.sources.find((x) => x.key === `${fx.url}/${h}.rss`)!;
      expect(src).toMatchObject({ errorCode: 'too-slow', errorMessage: `processing took longer than ${BUDGET_MS / 1000} s; stopped`, consecutiveFailures: 1 });
      expect(Date.parse(src.nextAttempt!)).toBeGreaterThan(Date.now());
    }
    // The good sources were polled in the same run, after the hostile ones had had their budget.
    for (const g of GOOD) expect(status.sources.find((x) => x.key === `${fx.url}/${g}.rss`)!.errorCode).toBeUndefined();
    const html = (await get(`${base}/status.html`)).body.toString('utf8');
    expect(html).toContain(`processing took longer than ${BUDGET_MS / 1000} s; stopped`);
    const atom = (await get(`${base}/feeds/status.atom`)).body.toString('utf8');
    expect(atom).toContain(`processing took longer than ${BUDGET_MS / 1000} s; stopped`);
    expect(visible(await getJson<JsonFeed>(`${base}/feeds/all.json?limit=500`))).toEqual(before);

    expect(s.errors).toEqual([]);
    // Enough samples for a p99 to mean something: ~3 × BUDGET_MS of polling every ~10 ms.
    expect(s.healthz.length).toBeGreaterThan(200);
    expect(s.feed.length).toBeGreaterThan(200);
    expect(percentile(s.healthz, 99)).toBeLessThan(100);
    expect(percentile(s.feed, 99)).toBeLessThan(100);
  }

  it('in start mode: /healthz and a feed answer in < 100 ms p99, the sources are reported too slow, no story changes', async () => {
    const d = spawnDaemon(env());
    daemons.push(d);
    const base = await d.listening;
    expect(base, d.logs()).toBeDefined();
    await underHostileRun(base!, 'start', d);
    expect((await stopDaemon(d)).code).toBe(0);
  });

  it('as PM2 runs it (worker + web): the same, and the worker polls the other sources in the same run', async () => {
    await recoverHostile();

    const web = spawnDaemon(env(), ['web']);
    daemons.push(web);
    const base = await web.listening;
    expect(base, web.logs()).toBeDefined();
    const worker = spawnDaemon(env(), ['worker']);
    daemons.push(worker);
    await underHostileRun(base!, 'worker + web', worker);
    expect((await stopDaemon(worker)).code).toBe(0);
    expect((await stopDaemon(web)).code).toBe(0);
  });

  it.each([['start'], ['worker']])('in %s mode, a SIGTERM while a source is on its thread ends the daemon at once', async (mode) => {
    await recoverHostile();
    const served = fx.requests.length;
    // A budget far past the parse: only the shutdown can end this task.
    const d = spawnDaemon({ ...env(), PARSE_BUDGET_MS: '120000' }, [mode]);
    daemons.push(d);
    // Once a hostile body has been served, give the thread a moment to be deep in it.
    await until(async () => (fx.requests.slice(served).some((r) => HOSTILE.some((h) => r.path === `/${h}.rss` && r.status === 200)) ? true : undefined), 60_000, 'a hostile feed fetched');
    await sleep(1500);
    const stop = await stopDaemon(d, 'SIGTERM', 20_000);
    process.stdout.write(`[reliability] slow source, ${mode}: SIGTERM during a hostile parse → exit ${stop.code} in ${stop.ms} ms\n`);
    expect(stop.code).toBe(0);
    // start mode drains HTTP keep-alive connections for 1.5 s (main.ts DRAIN_MS); nothing waits for the parse (~10 s+).
    expect(stop.ms).toBeLessThan(mode === 'start' ? 4000 : 2500);
  });
});

/** The stored stories as a `web` instance serves them. */
async function storiesVia(env: Record<string, string>): Promise<JsonFeed> {
  const web = spawnDaemon(env, ['web']);
  try {
    const base = await web.listening;
    if (!base) throw new Error(web.logs());
    return await getJson<JsonFeed>(`${base}/feeds/all.json?limit=500`);
  } finally {
    await stopDaemon(web);
  }
}
