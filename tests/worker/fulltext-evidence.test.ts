// Issue 16 through the real fetch path: which page is the release (captions, read-more links, another release
// quoting ours), what is no page (a PDF), and a site that answers with a bot challenge (blocked, host backs off).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FULLTEXT_DEFAULTS, type Config } from '../../src/config.js';
import type { Story } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/store.js';
import { runIngest, type IngestPlan } from '../../src/worker/ingest.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const PAGES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const silent = { info() {}, warn() {}, error() {} };

const P1 =
  'Law enforcement authorities from Spain and Belgium, supported by Europol, have dismantled a criminal network that smuggled cocaine from South America into Europe hidden in shipments of bananas. Eleven suspects were arrested in coordinated raids on 15 October.';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const item = (title: string, link: string, descriptionHtml: string, guid: string) =>
  `<item><title>${title}</title><link>${esc(link)}</link><description>${esc(descriptionHtml)}</description><pubDate>Mon, 21 Oct 2024 10:15:00 +0200</pubDate><guid isPermaLink="false">${guid}</guid></item>`;
const rss = (items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>http://public.test/</link><description>d</description>${items.join('')}</channel></rss>`;

let server: FixtureServer;
let port: string;
beforeAll(async () => {
  server = await start({ dir: PAGES });
  port = new URL(server.url).port;
});
afterAll(async () => {
  await server.close();
});

describe('full text only from the right release', () => {
  let store: Store;
  let config: Config;
  const on = (host: string, p: string) => `http://${host}:${port}${p}`;
  const ingest = (plan: IngestPlan, now: Date) =>
    runIngest(
      {
        config,
        store,
        log: silent,
        now: () => now,
        userAgent: 'Pressroom/test',
        pageFetch: { resolve: async () => [{ address: '127.0.0.1', family: 4 }], isPublicAddress: (_a, h) => h.endsWith('public.test') },
      },
      plan,
    );
  const byTitle = (t: string): Story => store.data.stories.find((s) => s.title === t)!;

  beforeEach(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'pressroom-evidence-'));
    mkdirSync(path.join(root, 'feeds', 'bulletins'), { recursive: true });
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
      agencies: [{ id: 'europol', name: 'Europol', aliases: [], timezone: 'UTC', feeds: [{ url: `${server.url}/europol.rss`, schedule: '*/15 * * * *' }], configured: true }],
    };
    store = await openStore(config.dataDir, { writable: true });
    return async () => store.close();
  });

  it('takes the page whose article opens with the teaser, past captions and a Read more link; refuses a page quoting it, a PDF', async () => {
    const readMore = (link: string) => `<p>${P1}</p><p><a href="${link}">Read more</a></p>`;
    const captions = on('www.public.test', '/europol-captions.html');
    const quoting = on('news.public.test', '/europol-quotes-teaser.html');
    const pdf = on('docs.public.test', '/release.pdf');
    server.setFile(
      'europol.rss',
      rss([
        item('Cocaine network dismantled', captions, readMore(captions), 'c1'),
        // One feed lists three items: never one story, whatever their texts.
        item('Cocaine network: the follow-up link', quoting, readMore(quoting), 'c2'),
        item('Cocaine network (PDF)', pdf, readMore(pdf), 'c3'),
      ]),
    );
    server.requests.length = 0;
    const r = await ingest({ bulletins: false, feeds: 'all', force: true }, new Date('2024-10-21T12:00:00Z'));
    const outcome = Object.fromEntries((r.pages ?? []).map((p) => [new URL(p.url).pathname, `${p.outcome}:${p.reason ?? ''}`]));
    expect(outcome).toEqual({
      '/europol-captions.html': 'accepted:',
      '/europol-quotes-teaser.html': 'refused:teaser-not-at-opening',
      '/release.pdf': 'refused:not-html',
    });
    const s = byTitle('Cocaine network dismantled');
    expect(s.teaser).toBe(false);
    expect(s.contentHtml).toContain('Bank accounts and real estate worth EUR 6 million were frozen.');
    for (const furniture of ['Related news', 'Share:', 'Tags:', '38 arrested']) expect(s.contentHtml).not.toContain(furniture);
    // Another release's page is not ours: the teaser stays, and its body is nowhere in our story.
    const q = byTitle('Cocaine network: the follow-up link');
    expect(q.bodyFrom.startsWith('feed:')).toBe(true);
    expect(q.contentHtml).not.toContain('container terminal');
    // The PDF is refused by its type, not tried again.
    const p = store.data.fulltext!.pages[byTitle('Cocaine network (PDF)').id]!;
    expect(p).toMatchObject({ outcome: 'refused', reason: 'not-html', message: 'not a web page (application/octet-stream): not read' });
    expect(p.nextAttempt).toBeUndefined();
  });

  it('a bot challenge is `blocked`: the teaser stays, the host is not asked again until its back-off ends, /status counts it', async () => {
    const challenge = (n: number) => on('www.public.test', `/challenge.html?status=403&header=cf-mitigated:challenge&n=${n}`);
    const waf = on('waf.public.test', '/waf-block.html?status=403');
    server.setFile(
      'europol.rss',
      rss([
        item('Challenged one', challenge(1), `<p>${P1}</p>`, 'b1'),
        item('Challenged two', challenge(2), `<p>${P1}</p>`, 'b2'),
        item('Firewalled', waf, `<p>${P1}</p>`, 'b3'),
      ]),
    );
    server.requests.length = 0;
    const t1 = new Date('2024-10-21T12:00:00Z');
    const r = await ingest({ bulletins: false, feeds: 'all', force: true }, t1);
    // One request to the challenging host: its second page was not asked for.
    expect(server.requests.filter((q) => q.path.startsWith('/challenge.html'))).toHaveLength(1);
    expect((r.pages ?? []).map((p) => `${p.outcome}:${p.reason}`).sort()).toEqual(['blocked:blocked', 'blocked:blocked']);
    for (const t of ['Challenged one', 'Challenged two', 'Firewalled']) expect(byTitle(t).bodyFrom.startsWith('feed:'), t).toBe(true);
    const hosts = store.data.fulltext!.blockedHosts!;
    expect(hosts[`www.public.test:${port}`]).toMatchObject({ what: 'Cloudflare challenge (HTTP 403): the site wants a browser', blocks: 1, since: t1.toISOString(), until: '2024-10-21T13:00:00.000Z' });
    expect(hosts[`waf.public.test:${port}`]).toMatchObject({ what: 'F5 firewall block (HTTP 403): the site wants a browser' });
    expect(store.data.fulltext!.counts.europol).toMatchObject({ fetches: 2, blocked: 2 });

    // Within the host's back-off: not asked at all.
    server.requests.length = 0;
    expect((await ingest({ bulletins: false, feeds: [] }, new Date('2024-10-21T12:40:00Z'))).pages ?? []).toEqual([]);
    expect(server.requests).toEqual([]);

    // After it, asked again; a second block doubles the wait.
    server.requests.length = 0;
    const t3 = new Date('2024-10-21T13:30:00Z');
    await ingest({ bulletins: false, feeds: [] }, t3);
    expect(store.data.fulltext!.blockedHosts![`www.public.test:${port}`]).toMatchObject({ blocks: 2, since: t1.toISOString(), until: '2024-10-21T15:30:00.000Z' });

    // The challenge lifted: the page is read and the host's back-off forgotten.
    server.setFile(
      'europol.rss',
      rss([
        item('Challenged one', on('www.public.test', '/europol-captions.html?n=1'), `<p>${P1}</p>`, 'b1'),
        item('Challenged two', on('www.public.test', '/europol-captions.html?n=2'), `<p>${P1}</p>`, 'b2'),
      ]),
    );
    await ingest({ bulletins: false, feeds: 'all', force: true, fulltext: false }, new Date('2024-10-21T16:00:00Z'));
    const r4 = await ingest({ bulletins: false, feeds: [] }, new Date('2024-10-21T17:00:00Z'));
    expect((r4.pages ?? []).filter((p) => p.url.includes('europol-captions')).map((p) => p.outcome)).toEqual(['accepted', 'accepted']);
    expect(store.data.fulltext!.blockedHosts?.[`www.public.test:${port}`]).toBeUndefined();
  });
});
