// End to end: the compiled daemon on a loopback port, the seed bulletin in, every feed out, checked by real tools.
import { createServer, type Server } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedparserInfo, xmllintOk } from '../helpers/feed-tools.js';
import { makeWorkspace, ROOT, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';

const ATOM_RNG = path.join(ROOT, 'tests/fixtures/atom.rng');
const FEEDS = ['all', 'nato', 'europol', 'eurojust'] as const;
const FORMATS = ['rss', 'atom', 'json'] as const;
const EXPECTED: Record<(typeof FEEDS)[number], number> = { all: 10, nato: 5, europol: 4, eurojust: 1 };

/** Stands in for the agencies' sites: every feed URL answers 503, as an unreachable upstream would. */
let upstream: Server;
let upstreamUrl: string;
let requestsSeen = 0;

function agencies(base: string) {
  return {
    nato: { id: 'nato', name: 'NATO', homepage: 'https://www.nato.int/', aliases: ['North Atlantic Treaty Organization'], timezone: 'Europe/Brussels', feeds: [{ url: `${base}/nato.rss`, schedule: '*/15 * * * *' }] },
    europol: { id: 'europol', name: 'Europol', homepage: 'https://www.europol.europa.eu/', timezone: 'Europe/Amsterdam', feeds: [{ url: `${base}/europol.rss` }] },
    eurojust: { id: 'eurojust', name: 'Eurojust', timezone: 'Europe/Amsterdam', feeds: [{ url: `${base}/eurojust.rss` }] },
  };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

const idsOf = (format: string, body: string): string[] =>
  format === 'json' ? (JSON.parse(body) as { items: { id: string }[] }).items.map((i) => i.id) : feedparserInfo(body).ids;

describe('the daemon serves the seed bulletin', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let daemon: Daemon;
  const bodies = new Map<string, string>();

  beforeAll(async () => {
    upstream = createServer((_req, res) => {
      requestsSeen++;
      res.writeHead(503, { 'Retry-After': '3600' }).end('down for maintenance');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    const addr = upstream.address();
    upstreamUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    ws = makeWorkspace(agencies(upstreamUrl));
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    await waitFor(async () => (JSON.parse((await get(`${daemon.url}/feeds/all.json`)).body) as { items: unknown[] }).items.length === 10, 15_000, 'the bulletin to be ingested');
    await waitFor(async () => {
      const s = JSON.parse((await get(`${daemon.url}/status`)).body) as { sources: { kind: string; errorCode?: string }[] };
      return s.sources.filter((x) => x.kind === 'feed' && x.errorCode).length === 3;
    }, 15_000, 'the three unreachable feeds to be reported');
    for (const f of FEEDS) for (const fmt of FORMATS) bodies.set(`${f}.${fmt}`, (await get(`${daemon.url}/feeds/${f}.${fmt}`)).body);
  });

  afterAll(async () => {
    await daemon?.stop();
    await new Promise((r) => upstream?.close(r));
  });

  it.each(FEEDS.flatMap((f) => FORMATS.map((fmt) => ({ feed: f, format: fmt }))))('$feed $format has the right stories and passes the real clients', async ({ feed, format }) => {
    const res = await get(`${daemon.url}/feeds/${feed}.${format}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8', json: 'application/feed+json; charset=utf-8' }[format],
    );
    expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(res.headers.get('last-modified')).toBeTruthy();
    if (format === 'json') {
      const doc = JSON.parse(res.body) as { version: string; feed_url: string; items: { id: string; title: string; date_published: string }[] };
      expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
      expect(doc.feed_url).toBe(`${daemon.url}/feeds/${feed}.json`);
      expect(doc.items).toHaveLength(EXPECTED[feed]);
      for (const item of doc.items) expect(Number.isNaN(Date.parse(item.date_published))).toBe(false);
      return;
    }
    const lint = xmllintOk(res.body);
    expect(lint.errors).toBe('');
    if (format === 'atom') expect(xmllintOk(res.body, ATOM_RNG).errors).toBe('');
    const fp = feedparserInfo(res.body);
    expect(fp.bozoException ?? '').toBe('');
    expect(fp.ids).toHaveLength(EXPECTED[feed]);
    expect(new Set(fp.ids).size).toBe(EXPECTED[feed]);
    expect(res.body).toContain(`${daemon.url}/feeds/${feed}.${format}`); // absolute self link
  });

  it('gives every story the same id in all three formats and in the merged and agency feeds', () => {
    const all = idsOf('json', bodies.get('all.json')!);
    for (const fmt of FORMATS) expect(idsOf(fmt, bodies.get(`all.${fmt}`)!)).toEqual(all);
    const perAgency = ['nato', 'europol', 'eurojust'].flatMap((a) => idsOf('atom', bodies.get(`${a}.atom`)!));
    expect([...perAgency].sort()).toEqual([...all].sort());
    for (const id of all) expect(id).toMatch(/^tag:pressroom,\d{4}-\d{2}-\d{2}:(nato|europol|eurojust)\/[0-9a-f]+$/);
  });

  it('keeps the titles exactly as the bulletin wrote them and marks teasers', () => {
    const doc = JSON.parse(bodies.get('europol.json')!) as { items: { title: string; _pressroom: { teaser: boolean } }[] };
    expect(doc.items.map((i) => i.title).sort()).toEqual(
      [
        '5 tonnes of trafficked glass eels seized and new smuggling routes identified in global operation',
        'EMPACT Hackathon: 16 suspected human traffickers and 60 potential victims identified',
        'Europol supports Latvia in dismantling major synthetic drug lab network',
        'LockBit power cut: four new arrests and financial sanctions against affiliates',
      ].sort(),
    );
    expect(doc.items.every((i) => i._pressroom.teaser)).toBe(true);
  });

  it('links a story without an upstream link to its own page', async () => {
    const doc = JSON.parse(bodies.get('eurojust.json')!) as { items: { id: string; url: string }[] };
    const item = doc.items[0]!;
    expect(item.url).toBe(`${daemon.url}/stories/${encodeURIComponent(item.id)}`);
    const page = await get(item.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('Four arrests and nine companies seized in anti-mafia operation in Italy and Brazil');
    expect(page.body).toContain('<li>');
  });

  it('answers a conditional GET with 304 and an empty body', async () => {
    const first = await get(`${daemon.url}/feeds/nato.atom`);
    const etag = first.headers.get('etag')!;
    const byTag = await get(`${daemon.url}/feeds/nato.atom`, { 'If-None-Match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.body).toBe('');
    expect(byTag.headers.get('etag')).toBe(etag);
    const byDate = await get(`${daemon.url}/feeds/nato.atom`, { 'If-Modified-Since': first.headers.get('last-modified')! });
    expect(byDate.status).toBe(304);
    const stale = await get(`${daemon.url}/feeds/nato.atom`, { 'If-None-Match': '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it('counts every answer at /metrics by route and status', async () => {
    const value = (text: string, labels: string) => Number(new RegExp(`^pressroom_http_requests_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const etag = (await get(`${daemon.url}/feeds/nato.atom`)).headers.get('etag')!;
    const before = (await get(`${daemon.operatorUrl}/metrics`)).body;
    for (let i = 0; i < 3; i++) expect((await get(`${daemon.url}/feeds/nato.atom`, { 'If-None-Match': etag })).status).toBe(304);
    for (let i = 0; i < 2; i++) expect((await get(`${daemon.url}/feeds/nato.xml`)).status).toBe(404);
    expect((await get(`${daemon.url}/feeds/all.atom?limit=2`)).status).toBe(200);
    const after = (await get(`${daemon.operatorUrl}/metrics`)).body;
    expect(value(after, 'route="feed",status="304"') - value(before, 'route="feed",status="304"')).toBe(3);
    expect(value(after, 'route="feed",status="404"') - value(before, 'route="feed",status="404"')).toBe(2);
    expect(value(after, 'route="feed-query",status="200"') - value(before, 'route="feed-query",status="200"')).toBe(1);
    expect(value(after, 'route="metrics",status="200"') - value(before, 'route="metrics",status="200"')).toBe(1);
    // The store figures of the one-process daemon: every stored story, by agency.
    const perAgency = [...after.matchAll(/^pressroom_stories\{agency="[^"]+"\} (\d+)$/gm)].map((m) => Number(m[1]));
    expect(perAgency.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('answers an unknown agency or format with a one-line 404 in plain text', async () => {
    for (const p of ['/feeds/frontex.atom', '/feeds/nato.xml', '/feeds/nato', '/nowhere']) {
      const res = await get(`${daemon.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toMatch(/^text\/plain/);
      expect(res.body.trim().split('\n'), p).toHaveLength(1);
    }
  });

  it('reports the unreachable agency feeds in /status and keeps serving', async () => {
    const s = JSON.parse((await get(`${daemon.url}/status`)).body) as { sources: { kind: string; key: string; errorCode?: string; errorMessage?: string; nextAttempt?: string }[] };
    const feeds = s.sources.filter((x) => x.kind === 'feed');
    expect(feeds).toHaveLength(3);
    for (const f of feeds) {
      expect(f.errorCode).toBeTruthy();
      expect(f.errorMessage).toMatch(/503/);
      expect(Date.parse(f.nextAttempt!)).toBeGreaterThan(Date.now() + 30 * 60 * 1000); // Retry-After: 3600 honoured
    }
    expect(requestsSeen).toBeGreaterThanOrEqual(3);
    const page = await get(`${daemon.url}/status.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body.match(/<strong class="bad">/g)).toHaveLength(3);
    expect(page.body).toContain('bulletin-2024-10-09.txt');
    expect((await get(`${daemon.url}/`)).body).toContain(`href="${daemon.url}/status.html"`);
  });

  it('lists the stored stories on the compiled daemon’s HTML list, as the merged feed has them, with its stylesheet', async () => {
    const html = (await get(`${daemon.url}/news/all`)).body;
    const listed = [...html.matchAll(/<li><h2><a href="[^"]*\/stories\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!.replace(/&#38;/g, '&')));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed).toEqual(idsOf('json', bodies.get('all.json')!).slice(0, 50));
    const css = (await get(/<link rel="stylesheet" href="([^"]+)">/.exec(html)![1]!.replace(/&#38;/g, '&')));
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('stops cleanly on SIGTERM and serves the same ids and bytes after a restart', async () => {
    expect(await daemon.stop('SIGTERM')).toBe(0);
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    // The restarted daemon first re-scans the bulletin (unchanged: skipped); give its start-up run a moment.
    await waitFor(async () => (await get(`${daemon.url}/status`)).status === 200, 5000, 'status');
    await new Promise((r) => setTimeout(r, 500));
    for (const f of FEEDS)
      for (const fmt of FORMATS) {
        const again = await get(`${daemon.url}/feeds/${f}.${fmt}`);
        // Self links carry the port, which changes between runs; compare with the port folded out.
        const fold = (s: string) => s.replaceAll(/127\.0\.0\.1:\d+/g, 'HOST');
        expect(fold(again.body), `${f}.${fmt}`).toBe(fold(bodies.get(`${f}.${fmt}`)!));
      }
    expect(await daemon.stop('SIGINT')).toBe(0);
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PUBLIC_URL: 'https://press.example.org/' });
    const pub = await get(`${daemon.url}/feeds/all.atom`);
    expect(pub.body).toContain('<link rel="self" type="application/atom+xml" href="https://press.example.org/feeds/all.atom"/>');
    expect(feedparserInfo(pub.body).ids).toEqual(idsOf('json', bodies.get('all.json')!));
  });
});

describe('a bad config stops start-up with one line naming the file, the key and the problem', () => {
  const cases = [
    { description: 'unknown key', agency: { name: 'NATO', colour: 'blue' }, expected: /agencies\/nato\.json: colour: unknown key/ },
    { description: 'invalid URL', agency: { name: 'NATO', feeds: [{ url: 'not a url' }] }, expected: /agencies\/nato\.json: feeds\[0\]\.url: not an absolute http\(s\) URL/ },
    { description: 'invalid cron expression', agency: { name: 'NATO', feeds: [{ url: 'https://example.org/f.xml', schedule: '*/99 * * *' }] }, expected: /agencies\/nato\.json: feeds\[0\]\.schedule: not a valid cron expression/ },
    { description: 'invalid time zone', agency: { name: 'NATO', timezone: 'Europe/Atlantis' }, expected: /agencies\/nato\.json: timezone: not a known IANA time zone/ },
    { description: 'id that does not match the file', agency: { id: 'otan', name: 'NATO' }, expected: /agencies\/nato\.json: id: "otan" does not match the file name nato\.json/ },
  ];

  it.each(cases)('$description', async ({ agency, expected }) => {
    const ws = makeWorkspace({ nato: agency });
    const r = await runCli(['start'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PORT: '0' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(() => statSync(ws.dataDir)).toThrow(); // the store is not touched
  });

  it('a duplicate id or alias across files', async () => {
    const ws = makeWorkspace({ nato: { name: 'NATO' }, otan: { name: 'OTAN', aliases: ['nato'] } });
    const r = await runCli(['check-config'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/agencies\/otan\.json: aliases\[0\]: duplicate: "nato" is already used by .*nato\.json/);
  });

  it('a bad environment value', async () => {
    const ws = makeWorkspace({});
    const r = await runCli(['start'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('pressroom: config error: environment: PORT: "eighty" is not a whole number');
  });

  it('the shipped config is valid', async () => {
    const r = await runCli(['check-config'], { FEEDS_DIR: path.join(ROOT, 'feeds'), DATA_DIR: '/nonexistent' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/config ok: 3 agencies/);
    expect(readdirSync(path.join(ROOT, 'feeds/bulletins'))).toContain('bulletin-2024-10-09.txt');
    expect(readFileSync(path.join(ROOT, 'feeds/bulletins/bulletin-2024-10-09.txt'))).toEqual(readFileSync(path.join(ROOT, 'tests/fixtures/bulletins/bulletin-2024-10-09.txt')));
  });
});
