// The HTML lists, searches, month archives and subscribe pages over HTTP: every story reachable by rel=next,
// the same stories as the feeds, page URLs that keep their stories while new ones arrive, caching and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData, Story } from '../../src/model.js';
import { datesAsPublished, sortStories } from '../../src/web/publication.js';
import { AGENCIES, atomIds, feedLinks, makeStory, rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';


/** `n` more stories, one every 7 hours from mid-2024, spread over the agencies, a few of them teasers. */
function withStories(data: StoreData, n: number, from = Date.parse('2024-05-01T06:00:00Z'), seq0 = 1000): StoreData {
  const agencies = ['nato', 'europol', 'eurojust', 'frontex'];
  const extra: Story[] = [];
  for (let i = 0; i < n; i++) {
    const agency = agencies[i % 4]!;
    const published = new Date(from + i * 7 * 3_600_000).toISOString();
    extra.push(
      makeStory({
        id: `tag:pressroom,2024-05-01:${agency}/m${seq0 + i}`,
        seq: seq0 + i,
        agency,
        title: `${agency} bulk release ${seq0 + i}${i % 7 === 0 ? ' ransomware takedown' : ''}`,
        published,
        summary: `First line of ${seq0 + i}.\nSecond line that lists never show.`,
        teaser: i % 9 === 0,
        categories: i % 5 === 0 ? ['Cybercrime'] : [],
      }),
    );
  }
  return { ...data, stories: [...data.stories, ...extra], nextSeq: seq0 + n };
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');

/** Story ids linked from a page's list items, in order. */
const listedIds = (html: string) =>
  [...html.matchAll(/<li><h[23]><a href="[^"]*\/stories\/([^"]+)">/g)].map((m) => decodeURIComponent(unescape(m[1]!)));

const relLink = (html: string, rel: 'next' | 'prev') => {
  const m = new RegExp(`<link rel="${rel}" href="([^"]+)">`).exec(html);
  return m ? unescape(m[1]!) : undefined;
};

let s: TestServer;
const data = withStories(sampleStore(), 400);
// In the order published: Frontex's bulletin stories are day-only, so at noon of their day (publish/story-day.ts).
const sorted = sortStories(data.stories, datesAsPublished(AGENCIES));

beforeAll(async () => {
  s = await serveApp(data);
});
afterAll(() => s.close());

const get = (path: string, headers: Record<string, string> = {}) => rawRequest(s.url, path, { headers });

/** Every page of a list from its first, by rel=next: the ids in order and the URLs visited. */
async function walk(first: string): Promise<{ ids: string[]; urls: string[] }> {
  const ids: string[] = [];
  const urls: string[] = [];
  for (let url: string | undefined = first; url !== undefined; ) {
    const r = await get(url);
    expect(r.status, url).toBe(200);
    urls.push(url);
    ids.push(...listedIds(r.body));
    const next = relLink(r.body, 'next');
    url = next === undefined ? undefined : next.slice(s.url.length);
    expect(urls.length).toBeLessThan(100);
  }
  return { ids, urls };
}

describe('lists', () => {
  it('pages every story of the merged list, newest first, fifty to a page, with rel=next and rel=prev', async () => {
    const { ids, urls } = await walk('/news/all');
    expect(ids).toEqual(sorted.map((x) => x.id));
    expect(urls.length).toBe(Math.ceil(sorted.length / 50));
    // Back from the last page by rel=prev ends on the first page.
    let back: string | undefined = urls[urls.length - 1];
    const seen: string[] = [];
    while (back !== undefined) {
      seen.push(back);
      const prev = relLink((await get(back)).body, 'prev');
      back = prev === undefined ? undefined : prev.slice(s.url.length);
    }
    expect(seen.reverse()).toEqual(urls);
  });

  it.each(['nato', 'europol', 'eurojust', 'frontex'])('pages every story of %s', async (agency) => {
    const { ids } = await walk(`/news/${agency}`);
    expect(ids).toEqual(sorted.filter((x) => x.agency === agency).map((x) => x.id));
  });

  it('shows each item’s title, agency, day in the agency’s zone, teaser or full-text mark and summary’s first line', async () => {
    const teaser = sorted.find((x) => x.teaser)!;
    expect(teaser).toBeDefined();
    const { ids } = await walk('/news/all');
    expect(ids).toContain(teaser.id);
    const first = sorted.find((x) => x.id.includes('/m'))!;
    const html = (await get('/news/all')).body;
    const item = html.slice(html.indexOf(encodeURIComponent(first.id)), html.indexOf('</li>', html.indexOf(encodeURIComponent(first.id))));
    expect(item).toContain(`>${first.title}</a>`);
    expect(item).toMatch(/<p class="meta">(NATO|Europol|Eurojust|Frontex) · <time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} [A-Z][a-z]+ \d{4}<\/time> · <span class="mark( teaser)?">/);
    expect(item).toContain(`<p class="summary">First line of`);
    expect(item).not.toContain('Second line');
    // Stories of the teaser's page carry the teaser mark.
    let url: string | undefined = '/news/all';
    let found = false;
    while (url && !found) {
      const page: string = (await get(url)).body;
      const at = page.indexOf(encodeURIComponent(teaser.id));
      if (at >= 0) {
        expect(page.slice(at, page.indexOf('</li>', at))).toContain('<span class="mark teaser">Teaser');
        found = true;
      }
      url = relLink(page, 'next')?.slice(s.url.length);
    }
    expect(found).toBe(true);
  });

  it('shows a story’s day in its agency’s zone: 23:30 UTC in Brussels is the next day', async () => {
    const late = makeStory({ id: 'tag:pressroom,2024-10-09:nato/late', seq: 5000, agency: 'nato', title: 'Late evening release', published: '2030-01-09T23:30:00.000Z' });
    const t = await serveApp({ ...data, stories: [...data.stories, late] }, { agencies: [{ id: 'nato', name: 'NATO', timezone: 'Europe/Brussels' }] });
    try {
      const html = (await rawRequest(t.url, '/news/nato')).body;
      expect(html).toContain('<time datetime="2030-01-10">10 January 2030</time>');
    } finally {
      await t.close();
    }
  });

  it('has a title, a description and a search form on every list page', async () => {
    for (const path of ['/news/all', '/news/nato', '/news/nato/archive/2024-10', '/news/all?q=ransomware']) {
      const html = (await get(path)).body;
      expect(html, path).toMatch(/<title>[^<]{10,}— Pressroom<\/title>/);
      expect(html, path).toMatch(/<meta name="description" content="[^"]{20,}">/);
      expect(html, path).toMatch(/<form class="search" role="search" method="get" action="[^"]+\/news\/(all|nato)">/);
      expect(html, path).toContain('<input type="search" id="q" name="q"');
      expect(html, path).not.toMatch(/<script/);
    }
  });
});

describe('page URLs do not shift when stories arrive', () => {
  it('an older page keeps its stories, the first page gains the new ones', async () => {
    const t = await serveApp(data);
    try {
      const page1 = (await rawRequest(t.url, '/news/all')).body;
      const next = relLink(page1, 'next')!.slice(t.url.length);
      const page2 = listedIds((await rawRequest(t.url, next)).body);
      const nextNext = relLink((await rawRequest(t.url, next)).body, 'next')!.slice(t.url.length);
      const page3 = listedIds((await rawRequest(t.url, nextNext)).body);
      // Ten new stories, newer than everything.
      t.setData(withStories(data, 10, Date.parse('2025-01-01T00:00:00Z'), 9000));
      expect(listedIds((await rawRequest(t.url, next)).body)).toEqual(page2);
      expect(listedIds((await rawRequest(t.url, nextNext)).body)).toEqual(page3);
      const fresh = listedIds((await rawRequest(t.url, '/news/all')).body);
      expect(fresh.slice(0, 10).every((id) => id.includes('/m90'))).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('search', () => {
  // The feed of the same query (with the largest limit) and every page of the search list: the same stories.
  it.each([
    { query: 'q=ransomware' },
    { query: 'q=CYBER' },
    { query: 'category=Cybercrime' },
    { query: 'category=europol&q=release' },
    { query: 'since=2024-09-01' },
    { query: 'q=no-such-words-anywhere' },
  ])('finds what the feed finds: $query', async ({ query }) => {
    for (const key of ['all', 'nato']) {
      const feed = await get(`/feeds/${key}.atom?${query}&limit=500`);
      expect(feed.status).toBe(200);
      const { ids } = await walk(`/news/${key}?${query}`);
      expect(ids, `${key}?${query}`).toEqual(atomIds(feed.body));
    }
  });

  it('ignores the filters a form leaves empty, and offers the search’s feed as a subscription', async () => {
    const plain = await get('/news/all?q=ransomware');
    const form = await get('/news/all?q=ransomware&category=&since=');
    expect(listedIds(form.body)).toEqual(listedIds(plain.body));
    expect(plain.body).toContain(`<a href="${s.url}/subscribe/all?q=ransomware">Subscribe to this search</a>`);
    expect(plain.body).toContain(`<link rel="alternate" type="application/atom+xml" title="`);
    expect(plain.body).toContain(`href="${s.url}/feeds/all.atom?q=ransomware">`);
    expect(plain.body).toContain('value="ransomware"');
    const none = await get('/news/all?q=no-such-words-anywhere');
    expect(none.body).toContain('No story matches.');
  });

  it.each([
    ['/news/all?limit=10', 400, /limit is for feeds/],
    ['/news/all?page=2', 400, /unknown parameter "page"/],
    ['/news/all?before=garbage', 400, /before must be a page cursor/],
    ['/news/all?q=a&q=b', 400, /more than once/],
    ['/news/all?since=yesterday', 400, /since must be an ISO 8601 date/],
    ['/news/nowhere', 404, /no agency "nowhere"/],
    ['/news/nato/archive/2023-08', 404, /no stories/],
    ['/news/nato/archive/October', 404, /YYYY-MM/],
    ['/news/nato/archive?q=x', 400, /takes no parameters/],
    ['/subscribe/nowhere', 404, /no agency/],
    ['/assets/nothing.css', 404, /no asset/],
  ])('%s is a %i', async (path, status, message) => {
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body).toMatch(message);
  });
});

describe('month archives', () => {
  it('mirror the Atom archives: the months index and each month’s stories', async () => {
    for (const key of ['all', 'nato', 'frontex']) {
      const index = (await get(`/news/${key}/archive`)).body;
      const months = [...index.matchAll(/href="[^"]*\/news\/[^/]+\/archive\/(\d{4}-\d{2})"/g)].map((m) => m[1]!);
      expect(months.length).toBeGreaterThan(3);
      // The Atom chain: the subscription feed's prev-archive, then each archive's.
      const chain: string[] = [];
      for (let href = feedLinks((await get(`/feeds/${key}.atom`)).body)['prev-archive']; href !== undefined; ) {
        chain.push(/(\d{4}-\d{2})\.atom$/.exec(href)![1]!);
        href = feedLinks((await get(href.slice(s.url.length))).body)['prev-archive'];
      }
      expect(months).toEqual(chain);
      for (const month of months) {
        const atom = await get(`/feeds/${key}/archive/${month}.atom`);
        expect(atom.status).toBe(200);
        const { ids } = await walk(`/news/${key}/archive/${month}`);
        expect(ids, `${key} ${month}`).toEqual(atomIds(atom.body));
        const page = (await get(`/news/${key}/archive/${month}`)).body;
        expect(page).toContain(`href="${s.url}/feeds/${key}/archive/${month}.atom"`);
      }
    }
  });
});

describe('days of a long month', () => {
  it('link the page that starts with each day’s newest story', async () => {
    const html = (await get('/news/all/archive/2024-06')).body;
    const days = [...html.matchAll(/<li><a href="([^"]+)" aria-label="(\d+) June 2024">(\d+)<\/a><\/li>/g)].map((m) => ({ href: unescape(m[1]!), day: Number(m[3]) }));
    const june = sorted.filter((x) => x.published.startsWith('2024-06'));
    expect(june.length).toBeGreaterThan(50);
    expect(days.map((d) => d.day)).toEqual([...new Set(june.map((x) => Number(x.published.slice(8, 10))))]);
    for (const d of days) {
      const first = listedIds((await get(d.href.slice(s.url.length))).body)[0];
      expect(first, d.href).toBe(june.find((x) => Number(x.published.slice(8, 10)) === d.day)!.id);
    }
    // A month that fits one page has no row of days.
    expect((await get('/news/nato/archive/2024-10')).body).not.toContain('class="days"');
  });
});

describe('subscribe pages', () => {
  it('one block per feed: the Atom address in a field with a copy button, the other formats, the OPML', async () => {
    const r = await get('/subscribe');
    expect(r.status).toBe(200);
    for (const key of ['all', 'nato', 'europol', 'eurojust', 'frontex']) {
      expect(r.body).toContain(`<input id="feed-${key}" type="text" readonly value="${s.url}/feeds/${key}.atom">`);
      expect(r.body).toContain(`<button type="button" data-copy="feed-${key}" hidden>Copy address</button>`);
      expect(r.body).toContain(`href="${s.url}/feeds/${key}.rss"`);
      expect(r.body).toContain(`href="${s.url}/feeds/${key}.json"`);
    }
    expect(r.body).toContain(`href="${s.url}/feeds.opml"`);
    expect(r.body).toContain('Paste this address into your feed reader');
    expect(r.body).toMatch(/<script src="[^"]+\/assets\/copy\.js\?v=[\w-]+" defer><\/script>/);
  });

  it('a search’s subscribe page offers that search’s feed, which serves the same stories', async () => {
    const r = await get('/subscribe/nato?q=ransomware');
    const atom = /<input id="feed-nato" type="text" readonly value="([^"]+)">/.exec(r.body)![1]!;
    expect(unescape(atom)).toBe(`${s.url}/feeds/nato.atom?q=ransomware`);
    const feed = await get(unescape(atom).slice(s.url.length));
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atomIds(feed.body)).toEqual(listedIds((await get('/news/nato?q=ransomware')).body));
    expect(r.body).toContain('NATO matching “ransomware”');
  });
});

describe('caching and headers', () => {
  it.each(['/news/all', '/news/nato/archive', '/news/nato/archive/2024-10', '/news/all?q=cyber', '/subscribe', '/subscribe/all?q=cyber'])(
    '%s: ETag, 304, Cache-Control, CSP allowing only this origin’s script, style and form target',
    async (path) => {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('public, max-age=60');
      expect(r.headers.etag).toMatch(/^"/);
      expect(r.headers['last-modified']).toMatch(/GMT$/);
      const csp = r.headers['content-security-policy']!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(r.body).not.toMatch(/<style|style="|<script>|\son[a-z]+=/i);
      expect((await get(path, { 'If-None-Match': r.headers.etag! })).status).toBe(304);
    },
  );

  it('renders a page once per store version, for every Host', async () => {
    const t = await serveApp(data);
    try {
      const a = await rawRequest(t.url, '/news/all?q=cyber');
      const b = await rawRequest(t.url, '/news/all?q=cyber', { headers: { Host: 'press.example.org' } });
      expect(a.body).toContain(`${t.url}/stories/`);
      expect(b.body).toContain('http://press.example.org/stories/');
      expect(b.body).not.toContain(t.url);
      expect(b.body.replaceAll('http://press.example.org', t.url)).toBe(a.body);
      expect(t.renders()).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('serves the stylesheet and the script as files, immutable under their versioned URL', async () => {
    const html = (await get('/subscribe')).body;
    const css = /<link rel="stylesheet" href="[^"]+(\/assets\/site\.css\?v=[\w-]+)">/.exec(html)![1]!;
    const js = /<script src="[^"]+(\/assets\/copy\.js\?v=[\w-]+)"/.exec(html)![1]!;
    const c = await get(css);
    expect(c.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(c.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(c.body).toContain('prefers-color-scheme:dark');
    const j = await get(js);
    expect(j.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(j.body).toContain('data-copy');
    expect((await get('/assets/site.css')).headers['cache-control']).toBe('public, max-age=3600');
    expect((await get(css, { 'If-None-Match': c.headers.etag! })).status).toBe(304);
  });
});

