// The page step of an ingest run against the loopback fixture server: teasers become complete stories, refusals keep the teaser.
import { mkdirSync, mkdtempSync } from 'node:fs';
import iconv from 'iconv-lite';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULLTEXT_DEFAULTS, type Config } from '../../src/config.js';
import type { Agency, Story } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/store.js';
import { runIngest, type IngestPlan } from '../../src/worker/ingest.js';
import { createParsePool, type ParseRunner } from '../../src/worker/parse-pool.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const PAGES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const silent = { info() {}, warn() {}, error() {} };

const NATO_TEASER =
  'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks on deterrence and defence, support for Ukr…';
const EUROPOL_TEASER =
  'Europol worked closely with Latvian partners to identify and track the criminal network responsible for the production and distribution of synthetic substances, including synthetic cathinones and other high-risk drugs.The operation…';
const EUROJUST_TEASER =
  'Judicial and law enforcement authorities from four countries have taken action against a criminal network that defrauded victims across Europe through fake online investment platforms.';

const item = (title: string, link: string, teaser: string, guid: string) =>
  `<item><title>${title}</title><link>${link}</link><description>${teaser}</description><pubDate>Thu, 17 Oct 2024 09:30:00 +0200</pubDate><guid isPermaLink="false">${guid}</guid></item>`;
const rss = (items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>http://public.test/</link><description>d</description>${items.join('')}</channel></rss>`;

const agency = (id: string, name: string, urls: string[], extra: Partial<Agency> = {}): Agency => ({
  id,
  name,
  aliases: [],
  timezone: 'UTC',
  feeds: urls.map((url) => ({ url, schedule: '*/15 * * * *' })),
  configured: true,
  ...extra,
});

let server: FixtureServer;
let port: string;
beforeAll(async () => {
  server = await start({ dir: PAGES });
  port = new URL(server.url).port;
});
afterAll(async () => {
  await server.close();
});

describe('completing teasers from their pages', () => {
  let root: string;
  let store: Store;
  let config: Config;
  // Story links use a public-looking name that resolves to the loopback server; 127.0.0.1 itself stays private.
  const pub = (p: string) => `http://news.public.test:${port}${p}`;
  const ingest = (plan: IngestPlan, now: Date, parser?: ParseRunner) =>
    runIngest(
      {
        ...(parser ? { parser } : {}),
        config,
        store,
        log: silent,
        now: () => now,
        userAgent: 'Pressroom/test (+http://127.0.0.1/)',
        pageFetch: {
          resolve: async () => [{ address: '127.0.0.1', family: 4 }],
          isPublicAddress: (_a, h) => h.endsWith('public.test'),
        },
      },
      plan,
    );
  const byTitle = (t: string): Story => store.data.stories.find((s) => s.title === t)!;

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pressroom-fulltext-'));
    mkdirSync(path.join(root, 'feeds', 'bulletins'), { recursive: true });
    server.setFile(
      'teasers.rss',
      rss([
        item('Defence Ministers meet', pub('/nato-news.html'), NATO_TEASER, 'n1'),
        item('Cookie wall', pub('/cookie-wall.html'), NATO_TEASER.replace('Rutte', 'Rutte also'), 'n2'),
        item('Gone page', pub('/status/404'), NATO_TEASER.replace('Brussels', 'Mons'), 'n3'),
        item('Another release', pub('/other-release.html'), NATO_TEASER.replace('Thursday', 'Friday'), 'n4'),
        item('Redirected to an internal host', pub(`/to?location=${encodeURIComponent(`http://127.0.0.1:${port}/nato-news.html`)}`), NATO_TEASER.replace('two days', 'three days'), 'n5'),
      ]),
    );
    server.setFile('europol.rss', rss([item('Eight arrested in Latvia', pub(`/to?location=${encodeURIComponent(`http://www.public.test:${port}/europol-newsroom.html`)}`), EUROPOL_TEASER, 'e1')]));
    server.setFile('eurojust.rss', rss([item('Action day against investment fraud', pub('/eurojust-press.html'), EUROJUST_TEASER, 'j1')]));
    config = {
      port: 0,
      feedsDir: path.join(root, 'feeds'),
      dataDir: path.join(root, 'data'),
      bulletinsDir: path.join(root, 'feeds', 'bulletins'),
      logLevel: 'silent',
      bulletinSchedule: '*/5 * * * *',
      fetch: { timeoutMs: 3000, maxBytes: 512 * 1024, maxRedirects: 5, concurrency: 4 },
      parse: { budgetMs: 10_000, threads: 1 },
      fulltext: { ...FULLTEXT_DEFAULTS },
      agencies: [
        agency('nato', 'NATO', [`${server.url}/teasers.rss`]),
        agency('europol', 'Europol', [`${server.url}/europol.rss`]),
        agency('eurojust', 'Eurojust', [`${server.url}/eurojust.rss`], { fulltext: false }),
      ],
    };
    store = await openStore(config.dataDir, { writable: true });
    return async () => store.close();
  });

  it('replaces a teaser in place, records the page, and refuses what a reader would refuse', async () => {
    const t1 = new Date('2024-10-17T10:00:00Z');
    await ingest({ bulletins: false, feeds: 'all', force: true, fulltext: false }, t1);
    const before = byTitle('Defence Ministers meet');
    expect(before.teaser).toBe(true);

    const t2 = new Date('2024-10-17T10:15:00Z');
    server.requests.length = 0;
    const r = await ingest({ bulletins: false, feeds: 'all', force: true }, t2);
    const outcomes = Object.fromEntries((r.pages ?? []).map((p) => [p.url.replace(/^http:\/\/[^/]+/, ''), `${p.outcome}${p.reason ? `:${p.reason}` : ''}`]));
    expect(outcomes).toEqual({
      '/nato-news.html': 'accepted',
      '/cookie-wall.html': 'refused:no-article',
      '/status/404': 'failed:not-found',
      '/other-release.html': 'refused:teaser-not-found',
      [`/to?location=${encodeURIComponent(`http://127.0.0.1:${port}/nato-news.html`)}`]: 'failed:refused-address',
      [`/to?location=${encodeURIComponent(`http://www.public.test:${port}/europol-newsroom.html`)}`]: 'accepted',
    });
    // Eurojust has `fulltext: false`: its teaser-length story was never fetched.
    expect(server.requests.some((q) => q.path.includes('eurojust-press'))).toBe(false);
    expect(server.requests.filter((q) => q.path.endsWith('.html')).every((q) => q.userAgent === 'Pressroom/test (+http://127.0.0.1/)')).toBe(true);

    const after = byTitle('Defence Ministers meet');
    expect(after.id).toBe(before.id);
    expect(after.teaser).toBe(false);
    expect(after.contentHtml).toContain('Since the Washington Summit, Allies have signed contracts for more than 700,000 artillery rounds');
    expect(after.contentHtml).not.toContain('Accept all cookies');
    expect(after.updated).toBe(t2.toISOString());
    expect(after.published).toBe(before.published); // a feed's date is not the page's to change
    expect(after.sources).toContainEqual({ kind: 'page', url: pub('/nato-news.html'), fetchedAt: t2.toISOString() });
    // After the redirect the page read is the one recorded.
    expect(byTitle('Eight arrested in Latvia').sources).toContainEqual({ kind: 'page', url: `http://www.public.test:${port}/europol-newsroom.html`, fetchedAt: t2.toISOString() });

    for (const t of ['Cookie wall', 'Gone page', 'Another release', 'Redirected to an internal host']) {
      const s = byTitle(t);
      expect(s.teaser, t).toBe(true);
      expect(s.sources.some((x) => x.kind === 'page'), t).toBe(false);
      const p = store.data.fulltext!.pages[s.id]!;
      expect(p.outcome === 'refused' || p.outcome === 'failed', t).toBe(true);
      expect(p.nextAttempt, t).toBeDefined();
    }
    expect(store.data.fulltext!.pages[byTitle('Cookie wall').id]).toMatchObject({ reason: 'no-article', attempts: 1 });
    expect(store.data.fulltext!.counts).toEqual({
      nato: { fetches: 5, accepted: 1, refused: 2, failed: 2 },
      europol: { fetches: 1, accepted: 1, refused: 0, failed: 0 },
    });

    // The feed still carries the teaser: the page text stays.
    const t3 = new Date('2024-10-17T10:20:00Z');
    server.requests.length = 0;
    const r3 = await ingest({ bulletins: false, feeds: 'all', force: true }, t3);
    expect(byTitle('Defence Ministers meet').contentHtml).toBe(after.contentHtml);
    // Once accepted, never again; refused and failed ones wait for their back-off (15 min ± 20 %).
    expect(r3.pages ?? []).toEqual([]);
    expect(server.requests.filter((q) => q.path.endsWith('.html') || q.path.startsWith('/status/'))).toEqual([]);

    // After the back-off: retried, the refused page with a conditional GET (it answers 304, still refused).
    const t4 = new Date('2024-10-17T11:00:00Z');
    server.requests.length = 0;
    const r4 = await ingest({ bulletins: false, feeds: [], fulltext: {} }, t4);
    expect((r4.pages ?? []).map((p) => p.outcome).sort()).toEqual(['failed', 'failed', 'refused', 'refused']);
    const wall = server.requests.find((q) => q.path === '/cookie-wall.html')!;
    expect(wall.ifNoneMatch).toBeDefined();
    expect(wall.status).toBe(304);
    expect(store.data.fulltext!.pages[byTitle('Cookie wall').id]).toMatchObject({ outcome: 'refused', reason: 'no-article', attempts: 2 });
  });

  it('keeps a page’s charset guess per host, with the source that linked it, until a page of the host reads clean', async () => {
    const page = (charset: string) =>
      `<!DOCTYPE html><html><head>${charset}<title>Ministers</title></head><body><article><h1>Defence Ministers meet</h1><p>${NATO_TEASER.replace('Ukr…', 'Ukraine and NATO’s partnerships across the world.')}</p><p>Ministers took stock of progress on the defence production pledge and of the 2 % guideline – “a floor, not a ceiling”.</p></article></body></html>`;
    // Served as bare text/html, no <meta charset>: the bytes of “ – ’ are windows-1252's.
    server.setFile('legacy.html', iconv.encode(page(''), 'windows-1252'));
    server.setFile('clean.html', page('<meta charset="utf-8">'));
    server.setFile('teasers.rss', rss([item('Defence Ministers meet', pub('/legacy.html?type=text/html'), NATO_TEASER, 'n1')]));
    await ingest({ bulletins: false, feeds: 'all', force: true }, new Date('2024-10-17T10:00:00Z'));
    expect(store.data.fulltext!.charsetWarnings).toEqual({
      [`news.public.test:${port}`]: {
        agency: 'nato',
        page: pub('/legacy.html?type=text/html'),
        source: `feed:${server.url}/teasers.rss`,
        warning: 'not valid UTF-8 and no charset declared: read as windows-1252',
        encoding: 'windows-1252',
        at: '2024-10-17T10:00:00.000Z',
      },
    });
    expect(byTitle('Defence Ministers meet').contentHtml).toContain('“a floor, not a ceiling”');
    // Another story's page on the same host, declared and valid (whatever its verdict): the host's warning goes.
    server.setFile('teasers.rss', rss([item('Defence Ministers meet', pub('/legacy.html?type=text/html'), NATO_TEASER, 'n1'), item('Ministers meet again', pub('/clean.html'), NATO_TEASER.replace('Thursday', 'Friday'), 'n9')]));
    await ingest({ bulletins: false, feeds: 'all', force: true }, new Date('2024-10-17T10:15:00Z'));
    expect(store.data.fulltext!.pages[byTitle('Ministers meet again').id]).toBeDefined();
    expect(store.data.fulltext!.charsetWarnings).toBeUndefined();
  });

  it('extracts on the parse pool: a page past PARSE_BUDGET_MS fails as too-slow and keeps the teaser, and is read again after the back-off', async () => {
    await ingest({ bulletins: false, feeds: [`${server.url}/teasers.rss`], force: true, fulltext: false }, new Date('2024-10-17T10:00:00Z'));
    const nato = (r: Awaited<ReturnType<typeof ingest>>) => (r.pages ?? []).find((p) => p.url === pub('/nato-news.html'));
    // A budget no page can be parsed in: every extraction is stopped on its thread.
    const tight = createParsePool({ threads: 1, budgetMs: 1 });
    try {
      const r = await ingest({ bulletins: false, feeds: [], fulltext: {} }, new Date('2024-10-17T10:15:00Z'), tight);
      expect(nato(r)).toMatchObject({ outcome: 'failed', reason: 'too-slow' });
      expect(byTitle('Defence Ministers meet').teaser).toBe(true);
      expect(store.data.fulltext!.pages[byTitle('Defence Ministers meet').id]).toMatchObject({ outcome: 'failed', reason: 'too-slow', message: 'processing took longer than 1 ms; stopped' });
    } finally {
      await tight.close();
    }
    const pool = createParsePool({ threads: 1, budgetMs: 10_000 });
    try {
      server.requests.length = 0;
      const r = await ingest({ bulletins: false, feeds: [], fulltext: {} }, new Date('2024-10-17T11:00:00Z'), pool);
      expect(nato(r)).toMatchObject({ outcome: 'accepted' });
      // Read whole again, not revalidated: the page was never parsed.
      expect(server.requests.find((q) => q.path === '/nato-news.html')).toMatchObject({ status: 200 });
      expect(byTitle('Defence Ministers meet').contentHtml).toContain('Since the Washington Summit, Allies have signed contracts for more than 700,000 artillery rounds');
    } finally {
      await pool.close();
    }
  });

  it("commits what the feeds brought before it fetches any page: a hanging agency site holds back nothing", async () => {
    server.setFile('teasers.rss', rss([item('Chiefs of Defence meet in Brussels', pub('/hang'), NATO_TEASER.replace('Defence Ministers', 'Chiefs of Defence').replace('two days', 'four days'), 'h1')]));
    const commits: { at: number; titles: string[]; pageAsked: boolean }[] = [];
    const commit = store.commit.bind(store);
    store.commit = async (d) => {
      commits.push({ at: performance.now(), titles: d.stories.map((s) => s.title), pageAsked: server.requests.some((q) => q.path === '/hang') });
      return commit(d);
    };
    const r = await ingest({ bulletins: false, feeds: [`${server.url}/teasers.rss`], force: true }, new Date('2024-10-17T10:15:00Z'));
    expect((r.pages ?? []).map((p) => `${p.outcome}:${p.reason}`)).toEqual(['failed:timeout']);
    expect(commits).toHaveLength(2);
    // The feed's story was stored before the page was even asked for, and the page's failure (after the 3 s time
    // limit) only in a second commit, that limit after the first. Order and the limit only, no absolute deadline:
    // a loaded machine can delay the first commit, never reorder it.
    expect(commits[0]!.titles).toContain('Chiefs of Defence meet in Brussels');
    expect(commits.map((c) => c.pageAsked)).toEqual([false, true]);
    expect(commits[1]!.at - commits[0]!.at).toBeGreaterThan(2900);
    expect(store.data.fulltext!.pages[byTitle('Chiefs of Defence meet in Brussels').id]).toMatchObject({ outcome: 'failed', reason: 'timeout' });
  });

  it('a later, longer complete text from the feed still wins over the page', async () => {
    await ingest({ bulletins: false, feeds: 'all', force: true }, new Date('2024-10-17T10:00:00Z'));
    const page = byTitle('Defence Ministers meet');
    expect(page.bodyFrom.startsWith('page:')).toBe(true);
    const full = `<p>${NATO_TEASER.replace('…', 'ine.')}</p>${'<p>Ministers also discussed the readiness of forces across the Alliance in detail.</p>'.repeat(40)}`;
    server.setFile('teasers.rss', rss([item('Defence Ministers meet', pub('/nato-news.html'), full.replace(/</g, '&lt;'), 'n1')]));
    await ingest({ bulletins: false, feeds: 'all', force: true }, new Date('2024-10-17T12:00:00Z'));
    const s = byTitle('Defence Ministers meet');
    expect(s.id).toBe(page.id);
    expect(s.contentHtml).toContain('readiness of forces across the Alliance');
    expect(s.bodyFrom.startsWith('feed:')).toBe(true);
  });

  it('leaves stories older than FULLTEXT_MAX_AGE_DAYS alone unless backfilling', async () => {
    const later = new Date('2024-11-30T00:00:00Z');
    await ingest({ bulletins: false, feeds: 'all', force: true, fulltext: false }, later);
    server.requests.length = 0;
    expect((await ingest({ bulletins: false, feeds: [] }, later)).pages ?? []).toEqual([]);
    const r = await ingest({ bulletins: false, feeds: [], fulltext: { backfill: true } }, later);
    expect((r.pages ?? []).filter((p) => p.outcome === 'accepted').length).toBe(2);
  });

  it('a teaser too short to recognise the page by is not fetched at all', async () => {
    server.setFile('teasers.rss', rss([item('Short', pub('/nato-news.html'), 'NATO Defence Ministers meet…', 'n9')]));
    server.requests.length = 0;
    const r = await ingest({ bulletins: false, feeds: [`${server.url}/teasers.rss`], force: true }, new Date('2024-10-17T10:00:00Z'));
    expect(r.pages?.map((p) => p.reason)).toEqual(['no-teaser-text']);
    expect(server.requests.filter((q) => q.path.endsWith('.html'))).toEqual([]);
    expect(store.data.fulltext!.pages[byTitle('Short').id]).toMatchObject({ outcome: 'refused', reason: 'no-teaser-text' });
    expect(store.data.fulltext!.pages[byTitle('Short').id]!.nextAttempt).toBeUndefined();
    expect(store.data.fulltext!.counts).toEqual({});
  });

  it('without a test DNS, a link to a private address is refused at connect time', async () => {
    server.setFile('teasers.rss', rss([item('Defence Ministers meet', `${server.url}/nato-news.html`, NATO_TEASER, 'n1')]));
    const r = await runIngest({ config, store, log: silent, now: () => new Date('2024-10-17T10:00:00Z'), userAgent: 'Pressroom/test' }, { bulletins: false, feeds: [`${server.url}/teasers.rss`], force: true });
    expect(r.pages?.map((p) => p.reason)).toEqual(['refused-address']);
    expect(byTitle('Defence Ministers meet').teaser).toBe(true);
  });
});
