// The feed validator's rules we can reproduce, on every document a running daemon serves on a shipped-like
// config (the three agencies' feeds from a loopback server, the seed bulletin in the drop folder): the Atom
// schema (RFC 4287's RELAX NG), well-formed XML, no epoch or future dates, no two entries of a feed with one
// `updated` (DuplicateUpdated), archives only for closed months (ArchiveIncomplete), the prev-archive chain,
// and an OPML head the validator knows (UndefinedElement).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xmllintOk, xpathString } from '../helpers/feed-tools.js';
import { makeWorkspace, ROOT, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { feedLinks } from '../helpers/web.js';

const ATOM_RNG = path.join(ROOT, 'tests/fixtures/atom.rng');
const KEYS = ['all', 'nato', 'europol', 'eurojust'];
const OPML_HEAD = new Set(['title', 'dateCreated', 'dateModified', 'ownerName', 'ownerEmail', 'ownerId', 'expansionState', 'vertScrollState', 'windowTop', 'windowLeft', 'windowBottom', 'windowRight']);

describe('every document of a running daemon passes the validator’s rules', () => {
  let upstream: FixtureServer;
  let daemon: Daemon;
  const docs = new Map<string, string>();
  const get = async (p: string) => {
    const r = await fetch(`${daemon.url}${p}`);
    return { status: r.status, body: await r.text() };
  };

  beforeAll(async () => {
    upstream = await startFixtures();
    const feed = (id: string, name: string, timezone: string) => ({ id, name, homepage: `https://${id}.example.org/`, aliases: [], timezone, feeds: [{ url: `${upstream.url}/${id}.rss`, schedule: '*/15 * * * *' }] });
    const ws = makeWorkspace({ nato: feed('nato', 'NATO', 'Europe/Brussels'), europol: feed('europol', 'Europol', 'Europe/Amsterdam'), eurojust: feed('eurojust', 'Eurojust', 'Europe/Amsterdam') });
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    await waitFor(async () => {
      const s = JSON.parse((await get('/status')).body) as { sources: { kind: string; lastSuccess?: string }[] };
      return s.sources.filter((x) => x.kind === 'feed' && x.lastSuccess).length === 3 && s.sources.some((x) => x.kind === 'bulletin' && x.lastSuccess);
    }, 20_000, 'the feeds and the bulletin to be ingested');
    // Every default document, a query that matches nothing, and every archive the chains reach.
    const paths = [...KEYS.flatMap((k) => [`/feeds/${k}.atom`, `/feeds/${k}.rss`, `/feeds/${k}.json`]), '/feeds/status.atom', '/feeds.opml', '/feeds/all.atom?q=zzzzzz', '/feeds/nato.rss?q=zzzzzz'];
    for (const p of paths) docs.set(p, (await get(p)).body);
    for (const k of KEYS) {
      let next = feedLinks(docs.get(`/feeds/${k}.atom`)!)['prev-archive'];
      while (next !== undefined && docs.size < 200) {
        const p = next.slice(daemon.url.length);
        const body = (await get(p)).body;
        docs.set(p, body);
        next = feedLinks(body)['prev-archive'];
      }
    }
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await upstream?.close();
  });

  it('well-formed XML everywhere, and every Atom document valid against RFC 4287’s schema', () => {
    for (const [p, body] of docs) {
      if (p.includes('.json')) continue;
      expect(xmllintOk(body).errors, p).toBe('');
      if (p.includes('.atom')) expect(xmllintOk(body, ATOM_RNG).errors, p).toBe('');
    }
  });

  it('no date before 1990 or after tomorrow, in any document', () => {
    const tomorrow = Date.now() + 24 * 3600_000;
    for (const [p, body] of docs) {
      const dates = p.includes('.json')
        ? [...body.matchAll(/"date_(?:published|modified)": "([^"]+)"/g)].map((m) => m[1]!)
        : [...body.matchAll(/<(?:updated|published|pubDate|lastBuildDate|dateCreated|dateModified)>([^<]+)</g)].map((m) => m[1]!);
      expect(dates.length, p).toBeGreaterThan(0);
      for (const d of dates) {
        const t = Date.parse(d);
        expect(Number.isNaN(t), `${p}: ${d}`).toBe(false);
        expect(t, `${p}: ${d}`).toBeGreaterThan(Date.parse('1990-01-01T00:00:00Z'));
        expect(t, `${p}: ${d}`).toBeLessThan(tomorrow);
      }
    }
  });

  it('no two entries of one feed share an `updated`', () => {
    for (const [p, body] of docs) {
      if (!p.includes('.atom')) continue;
      const updated = [...body.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((e) => /<updated>([^<]+)<\/updated>/.exec(e[0])![1]!);
      expect(new Set(updated).size, p).toBe(updated.length);
    }
  });

  it('archives only for closed months; the chain runs from the newest closed month, older each step', async () => {
    const current = new Date().toISOString().slice(0, 7);
    for (const k of KEYS) {
      const sub = docs.get(`/feeds/${k}.atom`)!;
      expect(sub, k).not.toContain('fh:archive');
      const months: string[] = [];
      let next = feedLinks(sub)['prev-archive'];
      while (next !== undefined) {
        const body = docs.get(next.slice(daemon.url.length))!;
        expect(body).toContain('<fh:archive/>');
        expect(feedLinks(body).current).toBe(`${daemon.url}/feeds/${k}.atom`);
        expect(feedLinks(body).self).toBe(next);
        months.push(/(\d{4}-\d{2})\.atom$/.exec(next)![1]!);
        next = feedLinks(body)['prev-archive'];
      }
      for (const m of months) expect(m < current, `${k} ${m}`).toBe(true);
      expect([...months].sort().reverse()).toEqual(months);
      expect(months[0], k).toBe('2024-10'); // the fixtures are of October 2024
    }
    expect((await get(`/feeds/all/archive/${current}.atom`)).status).toBe(404);
  });

  it('the OPML has the shape the validator knows', () => {
    const opml = docs.get('/feeds.opml')!;
    expect(xpathString(opml, '/opml/@version')).toBe('2.0');
    const head = xpathString(opml, 'count(/opml/head/*)');
    const known = [...OPML_HEAD].reduce((n, name) => n + Number(xpathString(opml, `count(/opml/head/${name})`)), 0);
    expect(Number(head)).toBe(known);
    expect(Number(xpathString(opml, 'count(/opml/body/outline)'))).toBe(KEYS.length);
    expect(Number(xpathString(opml, 'count(/opml/body/outline[@type="rss" and @text and @title and @xmlUrl])'))).toBe(KEYS.length);
    // RFC 822 dates, as the validator's opmlHead reads them.
    expect(xpathString(opml, '/opml/head/dateModified')).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('a query that matches nothing is dated by its feed’s newest change, not 1970 or now', () => {
    const empty = docs.get('/feeds/all.atom?q=zzzzzz')!;
    expect(empty).not.toContain('<entry>');
    expect(xpathString(empty, '/*/*[local-name()="updated"]')).toBe(xpathString(docs.get('/feeds/all.atom')!, '/*/*[local-name()="updated"]'));
  });
});
