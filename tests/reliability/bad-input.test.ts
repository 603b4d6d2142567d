// Bad input: broken bulletins in the drop folder and hostile agency feeds, all at once, into a daemon that already
// holds good stories. No crash, no hang past the fetch limits, bounded memory, nothing hostile in any output, and
// the good stories exactly as they were.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, SEED } from '../helpers/daemon.js';
import { xmllintOk } from '../helpers/feed-tools.js';
import { FIXTURE_FEEDS_DIR, start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { parseFeed } from '../../src/sources/parse-feed.js';
import { get, getJson, round, sampleMemory, sleep, spawnDaemon, stopDaemon, until, type DaemonProc, type JsonFeed, type StatusDoc } from './helpers.js';

const FETCH_TIMEOUT_MS = 5000;
const MB = 1024 * 1024;
const GOOD = ['nato', 'europol', 'eurojust'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Hostile feeds

const rss = (items: string, channelExtra = '') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Hostile</title>` +
  `<link>https://hostile.example.org/</link><description>d</description>${channelExtra}${items}</channel></rss>\n`;

/** XSS vectors in titles, links and bodies: what sanitize-html and our link checks must stop. */
const XSS_FEED = rss(`
<item><title>&lt;script&gt;alert("title")&lt;/script&gt;Script in a title &lt;img src=x onerror=alert(1)&gt;</title>
  <link>javascript:alert(document.cookie)</link><guid>xss-1</guid><pubDate>Wed, 09 Oct 2024 10:00:00 GMT</pubDate>
  <description><![CDATA[<p>Body</p><script>alert("body")</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">click</a>
  <a href="jav&#x09;ascript:alert(3)">tab</a><a href=" JaVaScRiPt:alert(4)">case</a><iframe src="javascript:alert(5)"></iframe>
  <svg><animate onbegin="alert(6)" attributeName="x" dur="1s"/></svg><math><mtext><table><mglyph><style><img src=x onerror=alert(7)></style></mglyph></table></mtext></math>
  <form action="javascript:alert(8)"><input type="submit"></form><div style="background:url(javascript:alert(9))">styled</div>
  <object data="javascript:alert(10)"></object><noscript><p title="</noscript><img src=x onerror=alert(11)>"></noscript>
  <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=">data</a><body onload="alert(13)">]]></description>
  <content:encoded><![CDATA[<p onclick="alert(14)" onmouseover="alert(15)">Full text</p><script src="https://evil.example/x.js"></script><xmp><script>alert(16)</script></xmp>]]></content:encoded></item>
<item><title>Link with a data URL</title><link>data:text/html,&lt;script&gt;alert(17)&lt;/script&gt;</link><guid>xss-2</guid>
  <pubDate>Wed, 09 Oct 2024 11:00:00 GMT</pubDate><description>&lt;img src=x onerror=alert(18)&gt;Escaped markup in a plain description</description></item>
<item><title>Relative javascript link</title><link>https://hostile.example.org/ok</link><guid>xss-3</guid>
  <pubDate>Wed, 09 Oct 2024 12:00:00 GMT</pubDate><description><![CDATA[<a href="/x" onfocus="alert(19)" autofocus>x</a><img src="javascript:alert(20)"><a href="vbscript:msgbox(21)">vb</a>]]></description></item>
`);

/** 50,000 nested elements inside one item (no entity, just depth). */
const NESTED_FEED = (() => {
  const depth = 50_000;
  return rss(`<item><title>Deeply nested</title><link>https://hostile.example.org/deep</link><guid>deep-1</guid><description>${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}</description></item>`);
})();

const UNDEFINED_ENTITIES_FEED = rss(`
<item><title>Undefined &foo; and &bar123; entities with &nbsp;HTML ones&hellip;</title><link>https://hostile.example.org/entities</link>
  <guid>ent-1</guid><pubDate>Wed, 09 Oct 2024 10:00:00 GMT</pubDate><description>&amp;lt;b&amp;gt; &undefined; &#0; &#x1; &#xFFFE; text</description></item>`);

const UTF16_TITLE = 'Übergabe in Österreich – „Operation Ξ“ 日本語';
const utf16Feed = (guid: string, encodingDecl: string) =>
  `<?xml version="1.0" encoding="${encodingDecl}"?>\n<rss version="2.0"><channel><title>UTF-16</title><link>https://utf16.example.org/</link><description>d</description>` +
  `<item><title>${UTF16_TITLE} (${guid})</title><link>https://utf16.example.org/${guid}</link><guid>${guid}</guid><pubDate>Wed, 09 Oct 2024 10:00:00 GMT</pubDate>` +
  `<description>Zweisprachige Meldung: ça marche.</description></item></channel></rss>\n`;
const swap16 = (b: Buffer) => {
  const out = Buffer.alloc(b.length);
  for (let i = 0; i + 1 < b.length; i += 2) {
    out[i] = b[i + 1]!;
    out[i + 1] = b[i]!;
  }
  return out;
};

/** A well-formed feed of `bytes` bytes: many ordinary items. */
function bigFeed(bytes: number): Buffer {
  const head = Buffer.from(rss('').replace('</channel></rss>\n', ''));
  const tail = Buffer.from('</channel></rss>\n');
  const item = (n: number) => `<item><title>Bulk item ${n}</title><link>https://big.example.org/${n}</link><guid>big-${n}</guid><description>${'filler '.repeat(60)}</description></item>\n`;
  const parts: Buffer[] = [head];
  let size = head.length + tail.length;
  for (let n = 0; size < bytes; n++) {
    const b = Buffer.from(item(n));
    parts.push(b);
    size += b.length;
  }
  parts.push(tail);
  return Buffer.concat(parts);
}

/** Answers that no fixture file can give: exact sizes, missing lengths, connections cut mid-body. */
async function startHostileServer(big: Buffer, half: Buffer, full: Buffer) {
  const sockets = new Set<Socket>();
  const refusals: { path: string; ms: number; bytesSent: number }[] = [];
  const server = http.createServer((req, res) => {
    const t0 = performance.now();
    let sent = 0;
    const track = () => res.on('close', () => refusals.push({ path: req.url ?? '', ms: performance.now() - t0, bytesSent: sent }));
    switch (req.url) {
      case '/60mb-with-length.rss': // Content-Length says it all: refusable before the body
        track();
        res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Length': String(big.length) });
        streamOut(res, big, (n) => (sent = n));
        return;
      case '/60mb-chunked.rss': // no length: only counting the bytes can stop it
        track();
        res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
        streamOut(res, big, (n) => (sent = n));
        return;
      case '/truncated-cut.rss': // says the full length, sends half, cuts the connection
        res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Length': String(full.length) });
        res.write(half, () => setTimeout(() => req.socket.destroy(), 50));
        return;
      case '/truncated-clean.rss': // a complete HTTP answer whose XML stops half-way
        res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
        res.end(half);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refusals,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Writes `body` in 64 kB chunks with back-pressure, stopping when the client goes away. */
function streamOut(res: http.ServerResponse, body: Buffer, progress: (n: number) => void): void {
  let off = 0;
  const pump = () => {
    while (off < body.length && !res.destroyed) {
      const chunk = body.subarray(off, off + 64 * 1024);
      off += chunk.length;
      progress(off);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

// ---------------------------------------------------------------------------------------------------------------
// Broken bulletins

function brokenBulletins(): Record<string, Buffer> {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.\n';
  return {
    'empty-2024-10-12.txt': Buffer.alloc(0),
    'binary-2024-10-12.pdf': randomBytes(256 * 1024),
    'zeros-2024-10-12.txt': Buffer.alloc(1 * MB, 0),
    'nul-bytes-2024-10-12.txt': Buffer.from(
      'Frontex\u0000 supports\u0000 a return operation\u0000\n\nSource: Frontex\u0000\n\nThe\u0000 text has NUL\u0000 bytes \u0000in it.\n',
      'utf8',
    ),
    'huge-no-item-2024-10-12.txt': Buffer.from(line.repeat(Math.ceil((20 * MB) / line.length))),
    'only-source-2024-10-12.txt': Buffer.from('Source:\n'),
    'only-source-line-2024-10-12.txt': Buffer.from('Source: NATO\n'),
    'spaces-2024-10-12.txt': Buffer.from(' '.repeat(200_000)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// What must never reach a reader

/** The brief's literal criterion: none of these byte strings in any feed document as served. */
const FORBIDDEN: { what: string; re: RegExp }[] = [
  { what: '<script', re: /<script/i },
  { what: 'javascript:', re: /javascript:/i },
  { what: 'onerror=', re: /onerror\s*=/i },
  { what: '/etc/passwd content', re: /root:x:0:0/ },
];

/** Markup that runs when a reader renders a piece of HTML. */
const EXECUTABLE: { what: string; re: RegExp }[] = [
  { what: '<script>', re: /<script/i },
  { what: 'an on* event handler', re: /<[^>]*\son[a-z]+\s*=/i },
  { what: 'a javascript:/vbscript:/data:text/html URL', re: /(?:javascript|vbscript)\s*:|data:text\/html/i },
  { what: '<iframe>, <object>, <embed> or <form>', re: /<(?:iframe|object|embed|form)\b/i },
  { what: 'a style url()', re: /style\s*=\s*["'][^"']*url\(/i },
  { what: '/etc/passwd content', re: /root:x:0:0/ },
];

function find(where: string, text: string, rules: { what: string; re: RegExp }[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    const m = r.re.exec(text);
    if (m) out.push(`${where}: ${r.what} … ${JSON.stringify(text.slice(Math.max(0, m.index - 50), m.index + 70))}`);
  }
  return out;
}

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#0*39;|&apos;/g, "'").replace(/&#x0*9;|&#0*9;/gi, '\t').replace(/&amp;/g, '&');

/**
 * The HTML a reader renders from a document, titles aside: RSS descriptions (escaped or CDATA), Atom
 * `type="html"` constructs, JSON Feed `content_html`/`summary`, every link, and HTML pages as they are.
 */
function renderedHtml(doc: string, body: string): string {
  if (doc.endsWith('.rss')) return unescapeXml(body.replace(/<title>[\s\S]*?<\/title>/g, ''));
  if (doc.endsWith('.atom')) {
    const html = [...body.matchAll(/<(content|summary|subtitle|rights)\b[^>]*type="html"[^>]*>([\s\S]*?)<\/\1>/g)].map((m) => unescapeXml(m[2]!));
    const links = [...body.matchAll(/\shref="([^"]*)"/g)].map((m) => unescapeXml(m[1]!));
    return [...html, ...links].join('\n');
  }
  if (doc.endsWith('.json')) {
    const f = JSON.parse(body) as { items: Record<string, unknown>[] };
    return f.items.flatMap((i) => [i.content_html, i.summary, i.url, i.external_url, i.image, i.content_text].filter((x) => typeof x === 'string')).join('\n');
  }
  // HTML pages and OPML: as served, less the site's own search form and copy script (issue 19 put them there;
  // they are the only form and the only script a page may have, and no upstream text can write them).
  return body
    .replace(/<form class="search" role="search" method="get" action="[^"]*\/news\/[^"/]*">[\s\S]*?<\/form>/g, '')
    .replace(/<script src="[^"]*\/assets\/copy\.js\?v=[\w-]+" defer><\/script>/g, '');
}

// ---------------------------------------------------------------------------------------------------------------

describe('bad input', () => {
  let fx: FixtureServer | undefined;
  let hostile: Awaited<ReturnType<typeof startHostileServer>> | undefined;
  let daemon: DaemonProc | undefined;
  let base: string | undefined;
  const hostileFeeds: Record<string, string> = {};
  const bulletins = brokenBulletins();
  let status: StatusDoc;
  /** Expected sources that have no state in /status once the run over them has committed. */
  let unreported: string[] = [];
  let before: { all: JsonFeed['items']; perAgency: string[][] };
  let allReadMs = 0;
  let probeMax = 0;
  let probeFailures = 0;
  let mem: { maxRssKb: number; peakKb: number; samples: number };

  const goodStories = async (b: string) => {
    const all = await getJson<JsonFeed>(`${b}/feeds/all.json?limit=500`);
    const perAgency = await Promise.all(GOOD.map(async (a) => (await getJson<JsonFeed>(`${b}/feeds/${a}.json?limit=500`)).items.map((i) => `${i.id} ${i.title}`)));
    return { all: all.items, perAgency: perAgency.map((x) => x.sort()) };
  };
  const feedState = (id: string) => status.sources.find((s) => s.key === hostileFeeds[id]);

  beforeAll(async () => {
    fx = await startFixtures();
    const full = Buffer.from(readFileSync(path.join(FIXTURE_FEEDS_DIR, 'europol.rss')));
    hostile = await startHostileServer(bigFeed(60 * MB), full.subarray(0, Math.floor(full.length / 2)), full);

    fx.setFile('xss.rss', XSS_FEED);
    fx.setFile('nested.rss', NESTED_FEED);
    fx.setFile('undefined-entities.rss', UNDEFINED_ENTITIES_FEED);
    fx.setFile('utf16le-bom.rss', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16Feed('le-bom', 'UTF-16'), 'utf16le')]));
    fx.setFile('utf16be.rss', swap16(Buffer.from(utf16Feed('be-nobom', 'UTF-16'), 'utf16le')));

    const good = Object.fromEntries(GOOD.map((id) => [id, { name: id === 'nato' ? 'NATO' : id[0]!.toUpperCase() + id.slice(1), feeds: [{ url: `${fx!.url}/${id}.rss` }] }]));
    Object.assign(hostileFeeds, {
      'entity-bomb': `${fx.url}/entity-bomb.rss`,
      xxe: `${fx.url}/xxe.rss`,
      xss: `${fx.url}/xss.rss`,
      nested: `${fx.url}/nested.rss`,
      'big-length': `${hostile.url}/60mb-with-length.rss`,
      'big-chunked': `${hostile.url}/60mb-chunked.rss`,
      'undefined-entities': `${fx.url}/undefined-entities.rss`,
      'control-chars': `${fx.url}/control-char.rss`,
      malformed: `${fx.url}/malformed.xml`,
      'truncated-cut': `${hostile.url}/truncated-cut.rss`,
      'truncated-clean': `${hostile.url}/truncated-clean.rss`,
      'utf16-le': `${fx.url}/utf16le-bom.rss`,
      'utf16-be': `${fx.url}/utf16be.rss`,
    });
    const ws = makeWorkspace(good, [SEED]);
    roots.push(ws.root);
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_SCHEDULE: '* * * * * *', FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS), PUBLIC_URL: 'http://pressroom.test' };

    // ---- phase 1: only good sources; what they stored is the reference -------------------------------------
    daemon = spawnDaemon(env);
    base = await daemon.listening;
    if (!base) throw new Error(`daemon did not start:\n${daemon.logs()}`);
    await until(async () => {
      const s = await getJson<StatusDoc>(`${base}/status`);
      return s.sources.filter((x) => x.lastSuccess).length === GOOD.length + 1 ? s : undefined;
    }, 15_000, 'the good sources to be read');
    before = await goodStories(base);
    const stopped = await stopDaemon(daemon);
    if (stopped.code !== 0) throw new Error(`phase 1 daemon exited ${stopped.code}`);

    // ---- phase 2: the hostile agencies configured, the broken bulletins dropped in ---------------------------
    for (const [id, url] of Object.entries(hostileFeeds)) writeFileSync(path.join(ws.feedsDir, 'agencies', `${id}.json`), JSON.stringify({ name: `Hostile ${id}`, feeds: [{ url }] }));
    for (const [name, bytes] of Object.entries(bulletins)) writeFileSync(path.join(ws.feedsDir, 'bulletins', name), bytes);

    daemon = spawnDaemon(env);
    const t0 = Date.now();
    const memory = sampleMemory(daemon.pid, 50);
    base = await daemon.listening;
    if (!base) throw new Error(`daemon did not start:\n${daemon.logs()}`);
    // A liveness probe through the whole run: the longest the web took to answer.
    let probing = true;
    const probe = (async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; probing && i < 2000; i++) {
        try {
          const r = await get(`${base}${i % 2 ? '/healthz' : '/feeds/all.json'}`, { agent, timeoutMs: FETCH_TIMEOUT_MS * 2 });
          probeMax = Math.max(probeMax, r.ms);
          if (r.status !== 200) probeFailures++;
        } catch {
          probeFailures++;
        }
        await sleep(50);
      }
      agent.destroy();
    })();

    // The start-up run reads every source and commits once: wait for it (the good feeds' fresh lastAttempt
    // says it committed), then give the bulletin schedule a few more scans over the broken files.
    const expected = [...Object.values(hostileFeeds), ...Object.keys(bulletins)];
    status = await until(
      async () => {
        const s = await getJson<StatusDoc>(`${base}/status`);
        const ran = s.sources.some((x) => x.kind === 'feed' && x.key === `${fx!.url}/nato.rss` && Date.parse(x.lastAttempt ?? '') >= t0 - 1000);
        return ran && expected.every((k) => k.startsWith('http') || s.sources.some((x) => x.key === k)) ? s : undefined;
      },
      FETCH_TIMEOUT_MS * 4,
      'the start-up run over every hostile source to commit',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; daemon ${daemon!.alive() ? 'alive' : 'DEAD'}; log tail:\n${daemon!.logs().slice(-3000)}`);
    });
    allReadMs = Date.now() - t0;
    await sleep(3000); // three more bulletin scans over the broken files
    status = await getJson<StatusDoc>(`${base}/status`);
    unreported = expected.filter((k) => !status.sources.some((x) => x.key === k && x.lastAttempt));
    probing = false;
    await probe;
    mem = memory.stop();
    console.log(
      `[reliability] bad input: ${Object.keys(hostileFeeds).length} hostile feeds and ${Object.keys(bulletins).length} broken bulletins read in ${allReadMs} ms ` +
        `(FETCH_TIMEOUT_MS ${FETCH_TIMEOUT_MS}); slowest web answer meanwhile ${round(probeMax)} ms (${probeFailures} failed); daemon RSS max ${Math.round(mem.maxRssKb / 1024)} MB, ` +
        `peak (VmHWM) ${Math.round(mem.peakKb / 1024)} MB over ${mem.samples} samples; ` +
        `60 MB feeds: ${JSON.stringify(hostile.refusals.filter((r) => r.path.startsWith('/60mb')).map((r) => ({ path: r.path, ms: round(r.ms), mbSent: round(r.bytesSent / MB) })))}; ` +
        `states: ${Object.keys(hostileFeeds).map((id) => `${id}=${feedState(id)?.errorCode ?? (feedState(id) ? 'ok' : 'UNREPORTED')}`).join(' ')}`,
    );
  }, 120_000);

  /** Temporary workspaces, removed at the end. */
  const roots: string[] = [];

  afterAll(async () => {
    if (daemon) await stopDaemon(daemon, 'SIGKILL');
    await fx?.close();
    await hostile?.close();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it('does not crash or hang: the web answers throughout, within the fetch time limit', () => {
    expect(daemon!.alive(), daemon!.logs().slice(-3000)).toBe(true);
    expect(probeFailures).toBe(0);
    expect(probeMax).toBeLessThan(FETCH_TIMEOUT_MS);
    expect(allReadMs).toBeLessThan(FETCH_TIMEOUT_MS * 3);
  });

  it('keeps memory bounded (the 60 MB feed is never held)', () => {
    expect(mem.peakKb / 1024).toBeLessThan(400);
  });

  it('refuses the 60 MB feeds at FETCH_MAX_BYTES (10 MB), with or without a Content-Length', () => {
    expect(feedState('big-length')?.errorCode).toBe('too-large');
    expect(feedState('big-chunked')?.errorCode).toBe('too-large');
    for (const p of ['/60mb-with-length.rss', '/60mb-chunked.rss']) {
      const r = hostile!.refusals.find((x) => x.path === p);
      expect(r, p).toBeDefined();
      expect(r!.bytesSent / MB, `${p}: MB the server got to send before the fetcher hung up`).toBeLessThan(20);
    }
  });

  it('refuses entity bombs, external entities, malformed and truncated feeds with a code', () => {
    expect(feedState('entity-bomb')?.errorCode).toBe('malformed');
    expect(feedState('xxe')?.errorCode).toBe('malformed');
    expect(feedState('malformed')?.errorCode).toBe('malformed');
    expect(feedState('truncated-cut')?.errorCode).toMatch(/^(network|malformed)$/);
    expect(feedState('truncated-clean')?.errorCode).toBe('malformed');
  });

  it('reads what can be repaired: undefined entities, control characters, XSS (sanitised), UTF-16 with and without BOM', async () => {
    for (const id of ['xss', 'undefined-entities', 'control-chars', 'utf16-le', 'utf16-be']) expect({ id, code: feedState(id)?.errorCode, read: !!feedState(id)?.lastSuccess }).toEqual({ id, code: undefined, read: true });
    for (const [id, guid] of [['utf16-le', 'le-bom'], ['utf16-be', 'be-nobom']] as const) {
      const items = (await getJson<JsonFeed>(`${base}/feeds/${id}.json`)).items;
      expect(items.map((i) => i.title), id).toEqual([`${UTF16_TITLE} (${guid})`]);
    }
  });

  it('reports every hostile feed and broken bulletin in /status (none vanishes)', () => {
    expect(unreported).toEqual([]);
  });

  it('parses 50,000 nested elements without throwing (parseFeed promises never to throw)', async () => {
    // The daemon-level symptom above comes from here: a throw escapes parseFeed, collectFeed has no state to
    // record, and the feed is missing from /status and /feeds/status.atom, retried on every schedule.
    const r = await parseFeed(NESTED_FEED, 'https://hostile.example.org/feed').then(
      (v) => ({ threw: undefined, ok: v.ok }),
      (e: unknown) => ({ threw: `${(e as Error).name}: ${(e as Error).message}`, ok: false }),
    );
    expect(r.threw).toBeUndefined();
  });

  /** Every document a reader can get: front page, OPML, status feed, every feed in every format, every story page. */
  const documents = async (): Promise<{ doc: string; body: string }[]> => {
    const agencies = [...GOOD, ...Object.keys(hostileFeeds), 'all'];
    const paths = [
      '/',
      '/feeds.opml',
      '/feeds/status.atom',
      ...agencies.flatMap((a) => ['rss', 'atom', 'json'].map((f) => `/feeds/${a}.${f}`)),
      // The HTML lists show upstream titles and summaries too.
      ...agencies.map((a) => `/news/${a}`),
      '/news/all?q=a',
      '/subscribe',
    ];
    const out: { doc: string; body: string }[] = [];
    const ids = new Set<string>();
    for (const d of paths) {
      const r = await get(`${base}${d}`);
      if (r.status === 404 && d === '/feeds/status.atom') continue; // a teammate's endpoint; not there yet
      expect(r.status, d).toBe(200);
      out.push({ doc: d, body: r.body.toString('utf8') });
      if (d.endsWith('.json')) for (const i of (JSON.parse(r.body.toString('utf8')) as JsonFeed).items) ids.add(i.id);
    }
    for (const id of ids) {
      const r = await get(`${base}/stories/${encodeURIComponent(id)}`);
      expect(r.status, id).toBe(200);
      out.push({ doc: `/stories/${id}`, body: r.body.toString('utf8') });
    }
    out.push({ doc: '/status', body: (await get(`${base}/status`)).body.toString('utf8') });
    return out;
  };

  it('lets no executable markup into bodies, links or pages, and keeps every XML document well-formed', async () => {
    const docs = await documents();
    const found: string[] = [];
    for (const { doc, body } of docs) {
      if (doc === '/status') {
        if (/root:x:0:0/.test(body)) found.push('/status: /etc/passwd content');
        continue;
      }
      found.push(...find(doc, renderedHtml(doc, body), EXECUTABLE));
      if (/\.(rss|atom|opml)$/.test(doc)) {
        const lint = xmllintOk(body);
        if (!lint.ok) found.push(`${doc}: not well-formed XML: ${lint.errors.slice(0, 300)}`);
      }
    }
    console.log(`[reliability] bad input: ${docs.length} documents checked for executable markup (${docs.filter((d) => d.doc.startsWith('/stories/')).length} story pages)`);
    expect(found).toEqual([]);
  });

  it('serves no `<script`, `javascript:`, `onerror=` or /etc/passwd content anywhere in a feed document, titles included', async () => {
    const found: string[] = [];
    for (const { doc, body } of await documents()) if (doc.startsWith('/feeds')) found.push(...find(doc, body, FORBIDDEN));
    expect(found).toEqual([]);
  });

  it('leaves the good stories exactly as they were (ids and titles)', async () => {
    const after = await goodStories(base!);
    const afterById = new Map(after.all.map((i) => [i.id, i.title]));
    for (const s of before.all) expect({ id: s.id, title: afterById.get(s.id) }).toEqual({ id: s.id, title: s.title });
    expect(after.perAgency).toEqual(before.perAgency);
  });

  it('stops cleanly afterwards', async () => {
    const stop = await stopDaemon(daemon!);
    expect(stop.code, daemon!.logs().slice(-2000)).toBe(0);
  });
});
