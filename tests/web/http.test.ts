// The HTTP rules every feed answers by: validators, 304s, HEAD, compression, CORS, caching, and short errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastChange } from '../../src/web/publication.js';
import { parseHttpDate } from '../../src/web/prepared.js';
import { makeStory, rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

let s: TestServer;
beforeAll(async () => {
  s = await serveApp(sampleStore());
});
afterAll(() => s.close());

const get = (path: string, headers: Record<string, string | null> = {}, method = 'GET') => rawRequest(s.url, path, { method, headers });

const FEEDS = ['/feeds/all.atom', '/feeds/nato.rss', '/feeds/europol.json', '/feeds/status.atom', '/feeds/all/archive/2024-07.atom', '/feeds/all.atom?q=cyber', '/feeds.opml', '/'];

describe('validators', () => {
  it.each(FEEDS)('%s: strong ETag of the bytes, Cache-Control, Vary, nosniff', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(200);
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(r.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    expect(r.headers.vary).toBe('Accept-Encoding');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    const again = await get(path);
    expect(again.headers.etag).toBe(r.headers.etag);
    expect(again.raw.equals(r.raw)).toBe(true);
  });

  it('feeds say Cache-Control max-age from the shortest schedule and allow any origin', async () => {
    for (const path of FEEDS.filter((p) => p.startsWith('/feeds'))) {
      const r = await get(path);
      expect(r.headers['cache-control'], path).toBe('public, max-age=900');
      expect(r.headers['access-control-allow-origin'], path).toBe('*');
      expect(r.headers['access-control-expose-headers'], path).toBe('ETag');
    }
    expect((await get('/')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('Last-Modified is the newest change of the stories shown (updated, or first seen when later)', async () => {
    const data = sampleStore();
    const nato = data.stories.filter((x) => x.agency === 'nato').sort((a, b) => (a.published < b.published ? 1 : -1)).slice(0, 50);
    const r = await get('/feeds/nato.atom');
    expect(r.headers['last-modified']).toBe(lastChange(nato)!.toUTCString());
    expect(r.headers['last-modified']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    // The feed's own <updated> is the newest story's updated, never "now".
    expect(r.body).toContain(`<updated>${nato.map((x) => x.updated).sort().at(-1)}</updated>`);
  });

  it('an empty feed is dated by the store’s newest change (never 1970, never now) and is byte-stable', async () => {
    const empty = await serveApp({ ...sampleStore(), stories: [] });
    try {
      const r = await rawRequest(empty.url, '/feeds/nato.atom');
      expect(r.status).toBe(200);
      // No story: the newest attempt at a source is the store's last change.
      expect(r.headers['last-modified']).toBe('Sun, 20 Oct 2024 10:00:00 GMT');
      expect(r.body).toContain('<updated>2024-10-20T10:00:00.000Z</updated>');
      expect((await rawRequest(empty.url, '/feeds/status.atom')).body).not.toContain('1970');
      expect((await rawRequest(empty.url, '/feeds.opml')).body).not.toContain('1970');
      expect((await rawRequest(empty.url, '/feeds/nato.atom', { headers: { 'If-None-Match': r.headers.etag! } })).status).toBe(304);
    } finally {
      await empty.close();
    }
  });
});

describe('conditional requests (RFC 9110 §13)', () => {
  it.each(FEEDS)('%s: If-None-Match with the ETag → 304, empty body, same validators', async (path) => {
    const first = await get(path);
    const r = await get(path, { 'If-None-Match': first.headers.etag! });
    expect(r.status).toBe(304);
    expect(r.raw.length).toBe(0);
    expect(r.headers.etag).toBe(first.headers.etag);
    expect(r.headers['last-modified']).toBe(first.headers['last-modified']);
    expect(r.headers['cache-control']).toBe(first.headers['cache-control']);
    expect(r.headers.vary).toBe('Accept-Encoding');
  });

  it('If-None-Match: a list, a weak form of the tag, and * all match; another tag does not', async () => {
    const { headers } = await get('/feeds/all.rss');
    const etag = headers.etag!;
    expect((await get('/feeds/all.rss', { 'If-None-Match': `"other", ${etag}` })).status).toBe(304);
    expect((await get('/feeds/all.rss', { 'If-None-Match': `W/${etag}` })).status).toBe(304);
    expect((await get('/feeds/all.rss', { 'If-None-Match': '*' })).status).toBe(304);
    expect((await get('/feeds/all.rss', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('If-Modified-Since: at or after Last-Modified → 304; before → 200', async () => {
    const { headers } = await get('/feeds/europol.atom');
    const lm = Date.parse(headers['last-modified']!);
    expect((await get('/feeds/europol.atom', { 'If-Modified-Since': headers['last-modified']! })).status).toBe(304);
    expect((await get('/feeds/europol.atom', { 'If-Modified-Since': new Date(lm + 3_600_000).toUTCString() })).status).toBe(304);
    expect((await get('/feeds/europol.atom', { 'If-Modified-Since': new Date(lm - 1000).toUTCString() })).status).toBe(200);
    // Not an HTTP-date: ignored (§13.1.3), so the full feed.
    expect((await get('/feeds/europol.atom', { 'If-Modified-Since': '2099' })).status).toBe(200);
  });

  it('If-None-Match takes precedence over If-Modified-Since, both ways', async () => {
    const { headers } = await get('/feeds/nato.json');
    // A stale tag with a current date: the tag decides → 200.
    expect((await get('/feeds/nato.json', { 'If-None-Match': '"stale"', 'If-Modified-Since': headers['last-modified']! })).status).toBe(200);
    // A current tag with an old date: the tag decides → 304.
    expect((await get('/feeds/nato.json', { 'If-None-Match': headers.etag!, 'If-Modified-Since': 'Thu, 01 Jan 1998 00:00:00 GMT' })).status).toBe(304);
  });

  it('a store change gives new bytes, a new ETag, and a 200 to the old tag', async () => {
    const own = await serveApp(sampleStore());
    try {
      const before = await rawRequest(own.url, '/feeds/nato.atom');
      const data = sampleStore();
      // A late story with an old date: <updated> does not move, but the document and Last-Modified do.
      data.stories.push(makeStory({ id: 'tag:pressroom,2024-06-01:nato/late', seq: 999, agency: 'nato', title: 'Late story', published: '2024-10-01T00:00:00.000Z', firstSeen: '2024-11-01T00:00:00.000Z' }));
      own.setData(data);
      const cond = await rawRequest(own.url, '/feeds/nato.atom', { headers: { 'If-None-Match': before.headers.etag! } });
      expect(cond.status).toBe(200);
      expect(cond.headers.etag).not.toBe(before.headers.etag);
      expect(cond.body).toContain('Late story');
      const byDate = await rawRequest(own.url, '/feeds/nato.atom', { headers: { 'If-Modified-Since': before.headers['last-modified']! } });
      expect(byDate.status).toBe(200);
      expect(byDate.headers['last-modified']).toBe('Fri, 01 Nov 2024 00:00:00 GMT');
    } finally {
      await own.close();
    }
  });

  it.each([
    { description: 'IMF-fixdate', input: 'Sun, 06 Nov 1994 08:49:37 GMT', expected: Date.UTC(1994, 10, 6, 8, 49, 37) },
    { description: 'RFC 850', input: 'Sunday, 06-Nov-94 08:49:37 GMT', expected: Date.UTC(1994, 10, 6, 8, 49, 37) },
    { description: 'asctime', input: 'Sun Nov  6 08:49:37 1994', expected: Date.UTC(1994, 10, 6, 8, 49, 37) },
    { description: 'a bare year', input: '2024', expected: undefined },
    { description: 'ISO 8601', input: '2024-10-09T12:00:00Z', expected: undefined },
    { description: 'not GMT', input: 'Sun, 06 Nov 1994 08:49:37 CET', expected: undefined },
    { description: '31 February', input: 'Mon, 31 Feb 2025 08:49:37 GMT', expected: undefined },
    { description: 'hour 25', input: 'Sun, 06 Nov 1994 25:49:37 GMT', expected: undefined },
  ])('parseHttpDate: $description', ({ input, expected }) => {
    expect(parseHttpDate(input)).toBe(expected);
  });
});

describe('HEAD and content codings', () => {
  it('HEAD: the GET headers, no body', async () => {
    const g = await get('/feeds/all.atom');
    const h = await get('/feeds/all.atom', {}, 'HEAD');
    expect(h.status).toBe(200);
    expect(h.raw.length).toBe(0);
    for (const k of ['etag', 'last-modified', 'content-type', 'content-length', 'cache-control', 'vary']) expect(h.headers[k], k).toBe(g.headers[k]);
    expect((await get('/feeds/all.atom', { 'If-None-Match': g.headers.etag! }, 'HEAD')).status).toBe(304);
  });

  it.each([
    { accept: 'gzip', coding: 'gzip', suffix: '-gz' },
    { accept: 'gzip, deflate, br', coding: 'br', suffix: '-br' },
    { accept: 'br;q=0, gzip;q=0.5', coding: 'gzip', suffix: '-gz' },
    { accept: 'identity', coding: undefined, suffix: '' },
    { accept: '*;q=0, identity', coding: undefined, suffix: '' },
  ])('Accept-Encoding: $accept → $coding', async ({ accept, coding, suffix }) => {
    const plain = await get('/feeds/all.rss');
    const r = await get('/feeds/all.rss', { 'Accept-Encoding': accept });
    expect(r.headers['content-encoding']).toBe(coding);
    expect(r.body).toBe(plain.body);
    expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    if (coding) expect(r.raw.length).toBeLessThan(plain.raw.length / 3);
    // Each coding is its own representation with its own strong tag (RFC 9110 §8.8.3) sharing one opaque core.
    expect(r.headers.etag).toBe(`${plain.headers.etag!.slice(0, -1)}${suffix}"`);
    // A reader that stored the compressed response's tag revalidates with it, with or without the coding.
    expect((await get('/feeds/all.rss', { 'Accept-Encoding': accept, 'If-None-Match': r.headers.etag! })).status).toBe(304);
    expect((await get('/feeds/all.rss', { 'If-None-Match': r.headers.etag! })).status).toBe(304);
  });

  it('compresses once per render: the same compressed bytes object serves every request', async () => {
    await get('/feeds/europol.rss', { 'Accept-Encoding': 'gzip' });
    const doc = s.web.document(s.url, '/feeds/europol.rss')!;
    const gz = doc.variants.gzip;
    expect(gz).toBeDefined();
    await get('/feeds/europol.rss', { 'Accept-Encoding': 'gzip' });
    expect(s.web.document(s.url, '/feeds/europol.rss')!.variants.gzip).toBe(gz);
  });
});

describe('rendered once per store change', () => {
  it('no request renders a default document again until the store changes', async () => {
    const own = await serveApp(sampleStore());
    try {
      const paths = ['/feeds/all.atom', '/feeds/nato.rss', '/feeds/europol.json', '/feeds/status.atom', '/', '/feeds.opml'];
      for (let i = 0; i < 3; i++) for (const p of paths) expect((await rawRequest(own.url, p)).status).toBe(200);
      expect(own.renders()).toBe(1);
      const pub = own.web.publication();
      expect(own.web.publication()).toBe(pub);
      // Every default document is in the table: the merged feed and every agency's, in three formats.
      for (const key of ['all', 'nato', 'europol', 'eurojust', 'frontex'])
        for (const f of ['rss', 'atom', 'json']) expect(pub.docs.has(`/feeds/${key}.${f}`), `${key}.${f}`).toBe(true);
      own.setData(sampleStore());
      await rawRequest(own.url, '/feeds/all.atom');
      expect(own.renders()).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('query variants are cached per store change, bounded', async () => {
    const own = await serveApp(sampleStore(), { variantCacheSize: 3 });
    try {
      const a = await rawRequest(own.url, '/feeds/all.atom?q=cyber');
      const b = await rawRequest(own.url, '/feeds/all.atom?q=cyber');
      expect(b.headers.etag).toBe(a.headers.etag);
      expect((await rawRequest(own.url, '/feeds/all.atom?q=cyber', { headers: { 'If-None-Match': a.headers.etag! } })).status).toBe(304);
      for (const q of ['a', 'b', 'c', 'd']) expect((await rawRequest(own.url, `/feeds/all.atom?q=${q}`)).status).toBe(200);
      // Evicted and rendered again: same bytes, same tag.
      expect((await rawRequest(own.url, '/feeds/all.atom?q=cyber')).headers.etag).toBe(a.headers.etag);
    } finally {
      await own.close();
    }
  });
});

describe('/status', () => {
  it('counts the stories of each source, and counts again after a store change', async () => {
    const data = sampleStore();
    const own = await serveApp(data);
    try {
      const stored = async () =>
        Object.fromEntries(
          (JSON.parse((await rawRequest(own.url, '/status')).body) as { sources: { key: string; storiesStored: number }[] }).sources.map((x) => [x.key, x.storiesStored]),
        );
      const expected = (stories: typeof data.stories, file: string, url: string) => [
        stories.filter((x) => x.sources.some((src) => src.kind === 'bulletin' && src.file === file)).length,
        stories.filter((x) => x.sources.some((src) => src.kind === 'feed' && src.url === url)).length,
      ];
      const before = await stored();
      expect([before['bulletin-2024-10-09.txt'], before['https://example.org/nato.rss']]).toEqual(expected(data.stories, 'bulletin-2024-10-09.txt', 'https://example.org/nato.rss'));
      expect(before['https://example.org/nato.rss']).toBeGreaterThan(0);
      const more = [...data.stories, makeStory({ id: 'tag:pressroom,2024-12-01:nato/new', seq: 9_999, agency: 'nato', title: 'New', published: '2024-12-01T10:00:00.000Z' })];
      own.setData({ ...data, stories: more });
      const after = await stored();
      expect(after['https://example.org/nato.rss']).toBe(before['https://example.org/nato.rss']! + 1);
    } finally {
      await own.close();
    }
  });
});

describe('errors are short plain text with the right status', () => {
  const plain = (r: { headers: Record<string, unknown>; body: string }) => {
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(r.body.trim().split('\n')).toHaveLength(1);
    expect(r.body).not.toMatch(/<html|<!doctype/i);
  };

  it.each([
    { path: '/feeds/frontex-nope.atom', status: 404, says: /no agency "frontex-nope"/ },
    { path: '/feeds/nato.xml', status: 404, says: /unknown feed format "\.xml"/ },
    { path: '/feeds/nato', status: 404, says: /not found/ },
    { path: '/feeds/', status: 404, says: /not found/ },
    { path: '/feeds/status.rss', status: 404, says: /Atom only/ },
    { path: '/nowhere', status: 404, says: /not found: "\/nowhere"/ },
    { path: '/stories/tag%3Anope', status: 404, says: /no story "tag:nope"/ },
    { path: '/feeds/%E0%A4%A.atom', status: 400, says: /malformed percent-encoding/ },
    { path: '/feeds/nato.atom?limit=0', status: 400, says: /limit/ },
    { path: '/feeds/nato.atom?limit=5&utm_source=x&limit=6', status: 400, says: /limit is given more than once/ },
    { path: '/stories/%E0%A4%A', status: 400, says: /bad request/ },
  ])('GET $path → $status', async ({ path, status, says }) => {
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(r.body).toMatch(says);
    expect(r.headers['cache-control']).toBe('no-store');
    plain(r);
  });

  it.each(['/feeds/all.rss?utm_source=newsletter', '/feeds/nato.atom?utm_source=x&utm_medium=email&fbclid=1', '/feeds/status.atom?limit=5', '/feeds/nato.json?page=2&page=3'])(
    'unknown parameters are ignored: %s is the document without them (same bytes, same ETag, same self link)',
    async (path) => {
      const plainPath = path.split('?')[0]!;
      const [withParams, without] = [await get(path), await get(plainPath)];
      expect(withParams.status).toBe(200);
      expect(withParams.headers.etag).toBe(without.headers.etag);
      expect(withParams.body).toBe(without.body);
      expect(withParams.body).not.toMatch(/utm_|fbclid|page=/);
    },
  );

  it('a known parameter beside unknown ones is applied, and only it is in the self link', async () => {
    const r = await get('/feeds/all.atom?utm_source=x&limit=1');
    expect(r.status).toBe(200);
    expect(r.body).toContain('/feeds/all.atom?limit=1"');
    expect(r.body).not.toContain('utm_source');
    expect((r.body.match(/<entry>/g) ?? []).length).toBe(1);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s to a feed → 405 with Allow', async (method) => {
    const r = await get('/feeds/all.atom', {}, method);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, OPTIONS');
    plain(r);
  });

  it('OPTIONS answers a CORS preflight', async () => {
    const r = await get('/feeds/all.atom', { Origin: 'https://reader.example', 'Access-Control-Request-Method': 'GET' }, 'OPTIONS');
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('a request without Host → 400 (node:http refuses HTTP/1.1 without one before we see it)', async () => {
    const r = await get('/feeds/all.atom', { Host: null });
    expect(r.status).toBe(400);
    expect(r.body).not.toMatch(/<html/i);
  });

  it.each([
    { description: 'an empty Host', host: '' },
    { description: 'a Host with a path', host: 'evil.example/x' },
    { description: 'a Host with spaces', host: 'a b' },
    { description: 'a Host with markup', host: '<script>' },
  ])('a request with $description → 400', async ({ host }) => {
    for (const path of ['/feeds/all.atom', '/', '/stories/x']) {
      const r = await get(path, { Host: host });
      expect(r.status, path).toBe(400);
      expect(r.body, path).toMatch(/Host/);
      plain(r);
    }
    // Health checks need no Host.
    expect((await get('/healthz', { Host: host })).status).toBe(200);
  });

  it('with PUBLIC_URL the Host header is not used at all', async () => {
    const own = await serveApp(sampleStore(), { publicUrl: 'https://press.example.org/' });
    try {
      const r = await rawRequest(own.url, '/feeds/all.atom', { headers: { Host: 'evil.example/x' } });
      expect(r.status).toBe(200);
      expect(r.body).toContain('<link rel="self" type="application/atom+xml" href="https://press.example.org/feeds/all.atom"/>');
    } finally {
      await own.close();
    }
  });

  it('documents carry each Host when no PUBLIC_URL is set; X-Forwarded-* are ignored without TRUST_PROXY', async () => {
    const a = await get('/feeds/all.atom', { Host: 'press.example:8080' });
    expect(a.body).toContain('href="http://press.example:8080/feeds/all.atom"');
    const b = await get('/feeds/all.atom', { Host: 'other.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' });
    expect(b.body).toContain('href="http://other.example/feeds/all.atom"');
    expect(b.body).not.toContain('evil.example');
  });
});
