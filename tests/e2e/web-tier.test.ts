// The read-only web tier (`pressroom web`, what PM2 runs in cluster mode) keeps only each story's listing fields in
// memory and reads the rest from the store's files when it renders (src/store/reader-stories.ts). Whatever it
// serves must be byte for byte what the writer process serves from whole stories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';

let upstream: FixtureServer;
let ws: ReturnType<typeof makeWorkspace>;
// Runs only at start-up (and once a year): nothing changes the store while the two processes are compared.
const RARELY = '0 0 1 1 *';
const env = () => ({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PUBLIC_URL: 'https://press.example.org', LOG_LEVEL: 'info', BULLETIN_SCHEDULE: RARELY });

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
}

/** Every default document, then the pages those link to: each story, each archive month, two query variants. */
async function crawl(d: Daemon): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const fetchAll = async (paths: string[]) => {
    for (const p of paths) {
      const r = await get(`${d.url}${p}`);
      expect(r.status, p).toBe(200);
      out.set(p, r.body);
    }
  };
  const keys = ['all', 'nato', 'europol', 'eurojust'];
  await fetchAll(['/', '/feeds.opml', '/feeds/status.atom', ...keys.flatMap((k) => ['rss', 'atom', 'json'].map((f) => `/feeds/${k}.${f}`))]);
  const json = JSON.parse(out.get('/feeds/all.json')!) as { items: { id: string }[] };
  await fetchAll(json.items.map((i) => `/stories/${encodeURIComponent(i.id)}`));
  const months = [...new Set([...out.get('/feeds/all.atom')!.matchAll(/\/feeds\/all\/archive\/(\d{4}-\d{2})\.atom/g)].map((m) => m[1]!))];
  await fetchAll([...months.map((m) => `/feeds/all/archive/${m}.atom`), '/feeds/all.atom?q=operation', '/feeds/all.json?category=Europol&limit=3']);
  return out;
}

beforeAll(async () => {
  upstream = await startFixtures();
  ws = makeWorkspace({
    nato: { name: 'NATO', homepage: 'https://www.nato.int/', timezone: 'Europe/Brussels', feeds: [{ url: `${upstream.url}/nato.rss`, schedule: RARELY }] },
    europol: { name: 'Europol', homepage: 'https://www.europol.europa.eu/', feeds: [{ url: `${upstream.url}/europol.rss`, schedule: RARELY }] },
    eurojust: { name: 'Eurojust', feeds: [{ url: `${upstream.url}/eurojust.rss`, schedule: RARELY }] },
  });
  const r = await runCli(['ingest', '--once'], env());
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => upstream?.close());

describe('the read-only web tier', () => {
  it('serves the same bytes as the writer for every feed, page, story, archive and query', async () => {
    // Both at once on one data folder, as in production: the writer's start-up run commits (every source is
    // checked again), and the web tier picks that commit up.
    const t0 = new Date().toISOString();
    const writer = await startDaemon(env());
    const web = await startDaemon(env(), 15_000, 'web');
    let fromWriter: Map<string, string>;
    let fromWeb: Map<string, string>;
    try {
      await waitFor(async () => {
        const a = await get(`${writer.url}/status`);
        const b = await get(`${web.url}/status`);
        const feeds = (JSON.parse(a.body) as { sources: { kind: string; lastAttempt?: string }[] }).sources.filter((x) => x.kind === 'feed');
        return feeds.length === 3 && feeds.every((x) => (x.lastAttempt ?? '') > t0) && a.body === b.body;
      }, 15_000, 'the web tier to serve the writer’s start-up run');
      fromWriter = await crawl(writer);
      fromWeb = await crawl(web);
    } finally {
      await writer.stop();
      await web.stop();
    }
    expect(fromWriter.size).toBeGreaterThan(30);
    expect([...fromWeb.keys()]).toEqual([...fromWriter.keys()]);
    for (const [p, body] of fromWriter) expect(fromWeb.get(p), p).toBe(body);
    // Bodies, links and sources really are in what was compared.
    const story = [...fromWeb].find(([p]) => p.startsWith('/stories/') && p.includes('nato'))![1];
    expect(story).toMatch(/<article>[\s\S]*<p>/);
    expect(fromWeb.get('/feeds/all.atom')).toMatch(/<content type="html">/);
  });
});
