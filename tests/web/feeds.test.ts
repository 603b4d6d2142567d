// Every feed endpoint in every format, judged by xmllint, the RFC 4287 schema and python3-feedparser; the same
// stories and ids everywhere; query parameters; RFC 5005 archive chains; the status feed.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { sortStories } from '../../src/web/publication.js';
import { feedparserMany, xmllintMany, xpathString } from '../helpers/feed-tools.js';
import { AGENCIES, makeStory, rawRequest, SAMPLE_STORIES, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const ATOM_RNG = fileURLToPath(new URL('../fixtures/atom.rng', import.meta.url));
const KEYS = ['all', 'nato', 'europol', 'eurojust', 'frontex'];
const FORMATS = ['rss', 'atom', 'json'] as const;
const TYPES = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' };
const MONTHS = ['2024-06', '2024-07', '2024-09', '2024-10'];

let s: TestServer;
const bodies = new Map<string, string>();
const sorted = sortStories(sampleStore().stories);
const storiesOf = (key: string): Story[] => (key === 'all' ? sorted : sorted.filter((x) => x.agency === key));

async function body(path: string): Promise<string> {
  const r = await rawRequest(s.url, path);
  expect(r.status, `${path}: ${r.body}`).toBe(200);
  return r.body;
}

const atomIds = (xml: string): string[] => [...xml.matchAll(/<entry>\s*<id>([^<]*)<\/id>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
/** RSS guids as written; the conformance test checks that feedparser reads the same ids. */
const rssIds = (xml: string): string[] => [...xml.matchAll(/<guid isPermaLink="false">([^<]*)<\/guid>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
const jsonIds = (json: string): string[] => (JSON.parse(json) as { items: { id: string }[] }).items.map((i) => i.id);
/** Every `<link rel=… href=…/>` directly under the Atom feed element, as rel → href. */
function feedLinks(xml: string): Record<string, string> {
  const head = xml.slice(0, xml.indexOf('<entry>') < 0 ? xml.length : xml.indexOf('<entry>'));
  return Object.fromEntries([...head.matchAll(/<link rel="([^"]+)" type="[^"]*" href="([^"]+)"\/>/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
}

const VARIANTS = [
  '/feeds/all.atom?q=CYBER',
  '/feeds/all.rss?category=Europol&limit=3',
  '/feeds/all.json?since=2024-10-01',
  '/feeds/nato.atom?category=drugs',
  '/feeds/all.atom?limit=500',
  '/feeds/europol.rss?q=no-such-text',
];

beforeAll(async () => {
  s = await serveApp(sampleStore());
  const paths = [
    ...KEYS.flatMap((k) => FORMATS.map((f) => `/feeds/${k}.${f}`)),
    '/feeds/status.atom',
    ...KEYS.flatMap((k) => MONTHS.map((m) => `/feeds/${k}/archive/${m}.atom`)),
    ...VARIANTS,
  ];
  for (const p of paths) bodies.set(p, await body(p));
});
afterAll(() => s.close());

describe('conformance of every document', () => {
  it('XML documents: well-formed (xmllint), Atom ones valid against RFC 4287, feedparser not bozo', () => {
    const xml = [...bodies].filter(([p]) => !p.includes('.json'));
    const atom = xml.filter(([p]) => p.includes('.atom'));
    expect(xml.length).toBeGreaterThan(30);
    const wellFormed = xmllintMany(xml.map(([, b]) => b));
    xml.forEach(([p], i) => expect(wellFormed[i], p).toBe(''));
    const valid = xmllintMany(atom.map(([, b]) => b), ATOM_RNG);
    atom.forEach(([p], i) => expect(valid[i], p).toBe(''));
    const fp = feedparserMany(xml.map(([, b]) => b));
    xml.forEach(([p, b], i) => {
      expect(fp[i]!.bozoException ?? '', p).toBe('');
      const ids = p.includes('.atom') ? atomIds(b) : rssIds(b);
      expect(fp[i]!.ids, p).toEqual(ids);
    });
  });

  it.each(KEYS.flatMap((key) => FORMATS.map((format) => ({ key, format }))))('$key.$format: content type, the 50 newest stories, absolute self link', async ({ key, format }) => {
    const r = await rawRequest(s.url, `/feeds/${key}.${format}`);
    expect(r.headers['content-type']).toBe(TYPES[format]);
    const expected = storiesOf(key).slice(0, 50).map((x) => x.id);
    const b = bodies.get(`/feeds/${key}.${format}`)!;
    const ids = format === 'json' ? jsonIds(b) : format === 'atom' ? atomIds(b) : rssIds(b);
    expect(ids).toEqual(expected);
    expect(b).toContain(`${s.url}/feeds/${key}.${format}`);
  });

  it('the same ids in all three formats, and the merged feed is the union of the agency feeds', () => {
    const all = jsonIds(bodies.get('/feeds/all.json')!);
    expect(atomIds(bodies.get('/feeds/all.atom')!)).toEqual(all);
    expect(feedparserMany([bodies.get('/feeds/all.rss')!])[0]!.ids).toEqual(all);
    const perAgency = KEYS.slice(1).flatMap((k) => jsonIds(bodies.get(`/feeds/${k}.json`)!));
    for (const id of all) expect(perAgency).toContain(id);
  });

  it('RSS: channel title, link, description, self link, ttl; items with guid, RFC 822 date, dc:creator, agency category; <source> when merged', () => {
    const rss = bodies.get('/feeds/all.rss')!;
    expect(xpathString(rss, '/rss/channel/title')).toBe('All agencies: press releases (Pressroom)');
    expect(xpathString(rss, '/rss/channel/link')).toBe(`${s.url}/`);
    expect(xpathString(rss, '/rss/channel/description')).not.toBe('');
    expect(xpathString(rss, '/rss/channel/ttl')).toBe('15');
    expect(xpathString(rss, '/rss/channel/*[local-name()="link"][@rel="self"]/@href')).toBe(`${s.url}/feeds/all.rss`);
    expect(xpathString(rss, '/rss/channel/item[1]/guid/@isPermaLink')).toBe('false');
    expect(xpathString(rss, '/rss/channel/item[1]/pubDate')).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const first = storiesOf('all')[0]!;
    const name = AGENCIES.find((a) => a.id === first.agency)?.name ?? 'Frontex';
    expect(xpathString(rss, '/rss/channel/item[1]/*[local-name()="creator"]')).toBe(name);
    expect(xpathString(rss, '/rss/channel/item[1]/category[1]')).toBe(name);
    expect(xpathString(rss, '/rss/channel/item[1]/source/@url')).toBe(`${s.url}/feeds/${first.agency}.rss`);
    expect(xpathString(rss, 'count(/rss/channel/item/source)')).toBe('50');
    expect(bodies.get('/feeds/nato.rss')!).not.toContain('<source');
  });

  it('Atom: merged entries carry atom:source; agency entries do not; every entry has the required elements', () => {
    const all = bodies.get('/feeds/all.atom')!;
    expect(xpathString(all, 'count(//*[local-name()="entry"]/*[local-name()="source"])')).toBe('50');
    expect(bodies.get('/feeds/nato.atom')!).not.toContain('<source>');
    for (const el of ['id', 'title', 'updated', 'published', 'author', 'link']) expect(xpathString(all, `count(//*[local-name()="entry"]/*[local-name()="${el}"])`), el).not.toBe('0');
    expect(xpathString(all, 'count(//*[local-name()="entry"][not(*[local-name()="content"]) and not(*[local-name()="summary"])])')).toBe('0');
  });

  it('JSON Feed 1.1: authors, language, feed_url, home_page_url, items with the _pressroom extension', () => {
    const doc = JSON.parse(bodies.get('/feeds/nato.json')!);
    expect(doc).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', language: 'en', feed_url: `${s.url}/feeds/nato.json`, home_page_url: 'https://www.nato.int/', authors: [{ name: 'Pressroom' }] });
    for (const item of doc.items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['id', 'url', 'title', 'content_html', 'date_published', 'date_modified', '_pressroom']));
      expect(item._pressroom.agency).toEqual({ id: 'nato', name: 'NATO' });
      expect(item._pressroom.sources.length).toBeGreaterThan(0);
    }
  });

  it('the hostile title reaches every format intact', () => {
    const hostile = 'Cyber <defence> & “resilience” 🚀 ]]> exercise';
    expect(feedparserMany([bodies.get('/feeds/frontex.rss')!, bodies.get('/feeds/frontex.atom')!]).map((i) => i.titles.includes(hostile))).toEqual([true, true]);
    expect((JSON.parse(bodies.get('/feeds/frontex.json')!) as { items: { title: string }[] }).items.map((i) => i.title)).toContain(hostile);
  });

  it('content feeds never carry status items', () => {
    for (const [p, b] of bodies) if (!p.includes('status')) expect(b, p).not.toContain('status/incident');
  });
});

describe('query parameters', () => {
  const ids = (path: string) => {
    const b = bodies.get(path)!;
    return path.includes('.json') ? jsonIds(b) : path.includes('.atom') ? atomIds(b) : rssIds(b);
  };

  it('q: case-insensitive text in title or summary', () => {
    const expected = sorted.filter((x) => /cyber/i.test(`${x.title} ${x.summary}`)).map((x) => x.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(ids('/feeds/all.atom?q=CYBER')).toEqual(expected);
    expect(ids('/feeds/europol.rss?q=no-such-text')).toEqual([]);
  });

  it('category: an agency name (any case) or a story category; limit caps the result', () => {
    expect(ids('/feeds/all.rss?category=Europol&limit=3')).toEqual(storiesOf('europol').slice(0, 3).map((x) => x.id));
    expect(ids('/feeds/nato.atom?category=drugs')).toEqual(storiesOf('nato').filter((x) => x.categories.includes('Drugs')).map((x) => x.id));
  });

  it('since: stories published or updated at or after the instant', () => {
    const since = Date.parse('2024-10-01T00:00:00Z');
    expect(ids('/feeds/all.json?since=2024-10-01')).toEqual(sorted.filter((x) => Date.parse(x.updated) >= since || Date.parse(x.published) >= since).slice(0, 50).map((x) => x.id));
  });

  it('limit: up to 500 stories', () => {
    expect(ids('/feeds/all.atom?limit=500')).toHaveLength(SAMPLE_STORIES);
  });

  it('a variant is a feed of its own: self link and id carry the normalised query, the title says what it holds', () => {
    const b = bodies.get('/feeds/all.atom?q=CYBER')!;
    expect(feedLinks(b).self).toBe(`${s.url}/feeds/all.atom?q=CYBER`);
    expect(xpathString(b, '/*/*[local-name()="id"]')).toBe(`${s.url}/feeds/all.atom?q=CYBER`);
    expect(xpathString(b, '/*/*[local-name()="title"]')).toContain('matching “CYBER”');
    expect(feedLinks(b)['prev-archive']).toBeUndefined();
    expect(JSON.parse(bodies.get('/feeds/all.json?since=2024-10-01')!).feed_url).toBe(`${s.url}/feeds/all.json?since=2024-10-01T00%3A00%3A00.000Z`);
  });

  it('the default parameters give the default document', async () => {
    const d = await rawRequest(s.url, '/feeds/all.atom');
    for (const p of ['/feeds/all.atom?limit=50', '/feeds/all.atom?', '/feeds/al%6C.atom']) expect((await rawRequest(s.url, p)).headers.etag, p).toBe(d.headers.etag);
  });

  it('parameter order and spelling do not make a new variant', async () => {
    const a = await rawRequest(s.url, '/feeds/all.rss?q=cyber&limit=5');
    const b = await rawRequest(s.url, '/feeds/all.rss?limit=05&q=%20cyber%20');
    expect(b.headers.etag).toBe(a.headers.etag);
  });
});

describe('archives (RFC 5005 §4)', () => {
  it.each(KEYS)('%s: the subscription feed links the newest month; the chain walks every month with stories and back', async (key) => {
    const sub = bodies.get(`/feeds/${key}.atom`)!;
    let next = feedLinks(sub)['prev-archive'];
    expect(next).toBe(`${s.url}/feeds/${key}/archive/2024-10.atom`);
    const seen: string[] = [];
    const entries = new Set<string>();
    let newer: string | undefined;
    while (next !== undefined) {
      const path = next.slice(s.url.length);
      const doc = bodies.get(path) ?? (await body(path));
      const links = feedLinks(doc);
      expect(doc).toContain('<fh:archive/>');
      expect(doc).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
      expect(links.self).toBe(next);
      expect(links.current).toBe(`${s.url}/feeds/${key}.atom`);
      // No next-archive: it would change a closed month's bytes when the next month closes.
      expect(links['next-archive']).toBeUndefined();
      for (const id of atomIds(doc)) entries.add(id);
      seen.push(path.slice(-12, -5));
      newer = next;
      next = links['prev-archive'];
      expect(seen.length).toBeLessThan(10);
    }
    // August has no stories: the chain skips it.
    expect(seen).toEqual(['2024-10', '2024-09', '2024-07', '2024-06']);
    expect([...entries].sort()).toEqual(storiesOf(key).map((x) => x.id).sort());
  });

  it('an archive holds exactly the stories published in its month, merged ones with atom:source', () => {
    const july = bodies.get('/feeds/all/archive/2024-07.atom')!;
    expect(atomIds(july)).toEqual(sorted.filter((x) => x.published.startsWith('2024-07')).map((x) => x.id));
    expect(xpathString(july, 'count(//*[local-name()="entry"]/*[local-name()="source"])')).toBe(String(atomIds(july).length));
    expect(xpathString(july, '/*/*[local-name()="title"]')).toBe('All agencies: press releases of July 2024 (Pressroom archive)');
  });

  it.each([
    { path: '/feeds/all/archive/2024-08.atom', status: 404, says: /no stories of "all" were published in 2024-08/ },
    { path: '/feeds/nato/archive/2023-01.atom', status: 404, says: /no stories/ },
    { path: '/feeds/nato/archive/2024-13.atom', status: 404, says: /YYYY-MM/ },
    { path: '/feeds/nato/archive/latest.atom', status: 404, says: /YYYY-MM/ },
    { path: '/feeds/nato/archive/2024-10.rss', status: 404, says: /Atom documents/ },
    { path: '/feeds/nobody/archive/2024-10.atom', status: 404, says: /no agency "nobody"/ },
  ])('$path → $status', async ({ path, status, says }) => {
    const r = await rawRequest(s.url, path);
    expect(r.status).toBe(status);
    expect(r.body).toMatch(says);
  });

  it('archives answer conditional requests too', async () => {
    const r = await rawRequest(s.url, '/feeds/nato/archive/2024-06.atom');
    expect(r.headers['last-modified']).toBeDefined();
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-06.atom', { headers: { 'If-None-Match': r.headers.etag! } })).status).toBe(304);
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-06.atom', { headers: { 'If-Modified-Since': r.headers['last-modified']! } })).status).toBe(304);
  });
});

describe('the status feed', () => {
  it('one entry per incident: failing, recovered, moved', () => {
    const b = bodies.get('/feeds/status.atom')!;
    const titles = feedparserMany([b])[0]!.titles;
    expect(titles).toEqual([
      'NATO feed https://example.org/nato.rss is failing since 2024-10-19 08:15 UTC',
      'Europol feed https://example.org/europol.rss recovered at 2024-10-18 06:00 UTC',
      'Eurojust feed https://example.org/eurojust.rss has moved to https://example.org/eurojust-new.rss',
    ]);
    expect(xpathString(b, '/*/*[local-name()="updated"]')).toBe('2024-10-19T08:15:00.000Z');
  });

  it('an incident keeps its id from failing to recovered; a new failure is a new incident', async () => {
    const own = await serveApp(sampleStore());
    try {
      const failing = atomIds((await rawRequest(own.url, '/feeds/status.atom')).body)[0]!;
      const data = sampleStore();
      const nato = data.sources['feed:https://example.org/nato.rss']!;
      // Another failed attempt: same incident, same id.
      data.sources['feed:https://example.org/nato.rss'] = { ...nato, consecutiveFailures: 4, lastAttempt: '2024-10-20T11:00:00.000Z' };
      own.setData(data);
      expect(atomIds((await rawRequest(own.url, '/feeds/status.atom')).body)[0]).toBe(failing);
      // It recovers: the same id, now recovered, updated at the recovery.
      const { failingSince: _f, errorCode: _c, errorMessage: _m, ...rest } = nato;
      data.sources['feed:https://example.org/nato.rss'] = {
        ...rest,
        consecutiveFailures: 0,
        lastSuccess: '2024-10-21T00:00:00.000Z',
        recovered: { since: nato.failingSince!, at: '2024-10-21T00:00:00.000Z', failures: 4, errorCode: 'http-503' },
      };
      own.setData({ ...data });
      const after = (await rawRequest(own.url, '/feeds/status.atom')).body;
      expect(atomIds(after)[0]).toBe(failing);
      expect(after).toContain('NATO feed https://example.org/nato.rss recovered at 2024-10-21 00:00 UTC');
      // It fails again later: a new incident with a new id, the recovered one stays.
      data.sources['feed:https://example.org/nato.rss'] = { ...data.sources['feed:https://example.org/nato.rss']!, consecutiveFailures: 1, errorCode: 'timeout', failingSince: '2024-10-22T00:00:00.000Z' };
      own.setData({ ...data });
      const again = atomIds((await rawRequest(own.url, '/feeds/status.atom')).body);
      expect(again[0]).not.toBe(failing);
      expect(again).toContain(failing);
    } finally {
      await own.close();
    }
  });
});

describe('a story with an unusual id', () => {
  it('is served at its percent-encoded and its raw URL', async () => {
    const data = sampleStore();
    data.stories.push(makeStory({ id: 'tag:pressroom,2024-06-01:nato/a b&c', seq: 500, agency: 'nato', title: 'Odd id', published: '2024-10-02T00:00:00.000Z' }));
    const own = await serveApp(data);
    try {
      const enc = await rawRequest(own.url, `/stories/${encodeURIComponent('tag:pressroom,2024-06-01:nato/a b&c')}`);
      expect(enc.status).toBe(200);
      expect(enc.body).toContain('Odd id');
      expect((await rawRequest(own.url, '/stories/tag:pressroom,2024-06-01:nato/a%20b&c')).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
