// Hostile text against the real daemon (issue 13): inputs built to make a backtracking regular expression or a
// rescan-to-the-end loop take minutes or hours (white-space runs after an ellipsis, unclosed `<!--`, `<![CDATA[`,
// `<?` and xhtml constructs, runs of `&`, nesting a sanitiser recurses into, megabyte titles and dates), each up
// to ~9 MB (under the 10 MB fetch cap), served as agency feeds, plus a hostile bulletin. Asserted while the daemon
// processes them in `start` mode (web and worker in one process): /healthz and a polled feed answer in < 100 ms
// p99; every source is processed well inside its budget (no `too-slow`: the scans are linear, the budget is only
// the backstop); a document that cannot be read is reported `malformed` with the parser's reason; one that can
// is stored with its title cut; no other story changes.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { getJson, latencySummary, percentile, pollLatency, round, sleep, spawnDaemon, stopDaemon, until, type DaemonProc, type JsonFeed, type StatusDoc } from './helpers.js';

const MB = 1024 * 1024;
const head = (name: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${name}</title><link>https://${name}.example.org/</link><description>d</description>\n`;
const tail = '</channel></rss>\n';
const item = (name: string, o: { title?: string; description?: string; pubDate?: string } = {}) =>
  `<item><title>${o.title ?? `First release of ${name}`}</title><link>https://${name}.example.org/1</link><guid>${name}-1</guid>` +
  `<pubDate>${o.pubDate ?? 'Wed, 09 Oct 2024 10:00:00 GMT'}</pubDate><description>${o.description ?? 'Text of the first release.'}</description></item>\n`;
const small = (name: string) => head(name) + item(name) + tail;

/** What each hostile source serves, and whether a reader could still get a story out of it. */
const HOSTILE: Record<string, { body: (name: string) => string; readable: boolean; code?: string }> = {
  'teaser-spaces': { body: (n) => head(n) + item(n, { description: `<![CDATA[<p>Text...${' '.repeat(6 * MB)}x</p>]]>` }) + tail, readable: true },
  'ellipsis-runs': { body: (n) => head(n) + item(n, { description: `Text …${' \t\n'.repeat(2 * MB)}!` }) + tail, readable: true },
  'unclosed-comments': { body: (n) => head(n) + '<!--'.repeat(2 * MB) + tail, readable: false },
  'unclosed-cdata': { body: (n) => head(n) + '<![CDATA['.repeat(MB) + tail, readable: false },
  'unclosed-pis': { body: (n) => head(n) + '<?'.repeat(3 * MB) + tail, readable: false },
  // A DOCTYPE without entity declarations ends at its first `>`, here the one of `<rss …>`: blanked out, it
  // leaves a document whose root is <channel>.
  'unclosed-doctypes': { body: (n) => '<?xml version="1.0"?>\n' + '<!DOCTYPE rss '.repeat(600_000) + head(n).slice(39) + item(n) + tail, readable: false, code: 'not-a-feed' },
  'xhtml-titles': { body: () => '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">' + '<title type="xhtml">'.repeat(400_000), readable: false },
  'ampersands': { body: (n) => head(n) + item(n, { title: '&'.repeat(MB) }) + tail, readable: true },
  'nested-divs': { body: (n) => head(n) + item(n, { description: `<![CDATA[${'<div>'.repeat(MB)}]]>` }) + tail, readable: true },
  'unclosed-bold': { body: (n) => head(n) + item(n, { description: `<![CDATA[${'<b>'.repeat(MB)}]]>` }) + tail, readable: true },
  'long-title': { body: (n) => head(n) + item(n, { title: 'A'.repeat(5 * MB) }) + tail, readable: true },
  'date-junk': { body: (n) => head(n) + item(n, { pubDate: '9'.repeat(3 * MB) }) + tail, readable: true },
  'char-refs': { body: (n) => head(n) + item(n, { description: '&#'.repeat(2 * MB) }) + tail, readable: true },
  // 20,000 releases of one day in one fetch: each was compared with every story made before it in the batch.
  'many-items': {
    body: (n) =>
      head(n) +
      item(n) +
      Array.from({ length: 20_000 }, (_, i) => item(n, { title: `Operation ${i} against a network in region ${i % 97}`, description: `Text of release ${i}.` }).replace(`<guid>${n}-1</guid>`, `<guid>${n}-${i + 2}</guid>`).replace(`https://${n}.example.org/1<`, `https://${n}.example.org/${i + 2}<`)).join('') +
      tail,
    readable: true,
  },
};
const GOOD = ['nato', 'europol'] as const;

/** A bulletin built to stall a line-by-line parser: a megabyte title, a white-space run, 100,000 Source lines. */
const hostileBulletin = () =>
  `${'Operation '.repeat(200_000)}\n\nSource: EUROPOL\n\nText …${' '.repeat(2 * MB)}x\n\n` + 'Source: X\n'.repeat(100_000) + `Last title\n\nSource: NATO\n\n${'•'.repeat(MB)}\n`;

const visible = (f: JsonFeed) => f.items.map((i) => ({ id: i.id, title: i.title, url: i.url, content_html: i.content_html })).sort((a, b) => a.id.localeCompare(b.id));
/** Every agency's stories as readers of its own feed see them (the merged feed's 500 would be all many-items). */
async function stories(base: string, agencies: readonly string[]) {
  const all = [];
  for (const a of agencies) all.push(...visible(await getJson<JsonFeed>(`${base}/feeds/${a}.json?limit=500`)));
  return all.sort((a, b) => a.id.localeCompare(b.id));
}

describe('hostile text against the real daemon', () => {
  let fx: FixtureServer;
  let ws: ReturnType<typeof makeWorkspace>;
  const daemons: DaemonProc[] = [];
  const env = () => ({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PUBLIC_URL: 'http://pressroom.test' });
  const names = [...GOOD, ...Object.keys(HOSTILE)];
  const key = (n: string) => `${fx.url}/${n}.rss`;

  beforeAll(async () => {
    fx = await startFixtures();
    // Hourly schedules: only the start-up run polls.
    ws = makeWorkspace(Object.fromEntries(names.map((a) => [a, { name: a.toUpperCase(), timezone: 'UTC', feeds: [{ url: `${fx.url}/${a}.rss`, schedule: '0 * * * *' }] }])));
    for (const n of names) fx.setFile(`${n}.rss`, small(n));
  });

  afterAll(async () => {
    for (const d of daemons) if (d.alive()) await stopDaemon(d, 'SIGKILL');
    await fx?.close();
    if (ws) rmSync(ws.root, { recursive: true, force: true });
  });

  it('answers /healthz and a feed in < 100 ms p99 while it reads them, reports each, and loses no story', async () => {
    // First every source is small and fine: the store holds a story of each.
    let d = spawnDaemon(env());
    daemons.push(d);
    let base = await d.listening;
    expect(base, d.logs()).toBeDefined();
    await until(async () => {
      const s = await getJson<StatusDoc>(`${base}/status`);
      return s.sources.filter((x) => x.kind === 'feed' && x.lastSuccess).length === names.length ? s : undefined;
    }, 60_000, 'every feed ingested once');
    // The shipped bulletin names Eurojust too, which no config file does.
    const agencies = [...names.filter((n) => n !== 'many-items'), 'eurojust'];
    const before = await stories(base!, agencies);
    const idOf = (n: string) => before.find((s) => s.url === `https://${n}.example.org/1`)?.id;
    for (const n of names.filter((x) => x !== 'many-items')) expect(idOf(n), n).toBeDefined();
    expect((await stopDaemon(d)).code).toBe(0);

    let total = 0;
    for (const [n, h] of Object.entries(HOSTILE)) {
      const body = h.body(n);
      total += body.length;
      expect(body.length, n).toBeLessThan(10 * MB);
      fx.setFile(`${n}.rss`, body);
    }
    const bulletin = hostileBulletin();
    writeFileSync(path.join(ws.feedsDir, 'bulletins', '2024-10-10.txt'), bulletin);

    const restartedAt = Date.now();
    d = spawnDaemon(env());
    daemons.push(d);
    base = await d.listening;
    expect(base, d.logs()).toBeDefined();
    const sampler = pollLatency(base!, ['/healthz', '/feeds/all.atom']);
    const t0 = Date.now();
    const status = await until(async () => {
      const s = await getJson<StatusDoc>(`${base}/status`);
      const done = Object.keys(HOSTILE).every((n) => {
        const src = s.sources.find((x) => x.key === key(n));
        return src?.lastAttempt && Date.parse(src.lastAttempt) >= restartedAt - 1000 && (src.lastSuccess === src.lastAttempt || src.errorCode);
      });
      const b = s.sources.find((x) => x.kind === 'bulletin' && x.key === '2024-10-10.txt');
      return done && b ? s : undefined;
    }, 180_000, 'every hostile source processed', 250);
    const wallMs = Date.now() - t0;
    // A little longer, so that the samples also cover the commit and the new publication.
    await sleep(1000);
    const { ms, errors, slow } = await sampler.stop();
    const healthz = ms['/healthz']!;
    const feed = ms['/feeds/all.atom']!;
    process.stdout.write(
      `[reliability] hostile text: ${Object.keys(HOSTILE).length} feeds (${round(total / MB)} MB) and a ${round(bulletin.length / MB)} MB bulletin processed in ${round(wallMs / 1000)} s; /healthz ${latencySummary(healthz)}; /feeds/all.atom ${latencySummary(feed)}; ${errors.length} errors; slower than 200 ms: ${slow.join(', ') || 'none'}\n`,
    );

    for (const [n, h] of Object.entries(HOSTILE)) {
      const src = status.sources.find((x) => x.key === key(n))!;
      if (h.readable) expect(src.errorCode, `${n}: ${src.errorMessage}`).toBeUndefined();
      else {
        expect(src.errorCode, n).toBe(h.code ?? 'malformed');
        expect(src.errorMessage, n).toMatch(h.code === 'not-a-feed' ? /^not a feed: XML whose root is <channel>/ : /^malformed XML: \S/);
      }
    }
    const b = status.sources.find((x) => x.kind === 'bulletin' && x.key === '2024-10-10.txt')!;
    expect(b.errorCode, b.errorMessage).toBeUndefined();

    const after = await stories(base!, agencies);
    // Stories of the good sources, of the unreadable documents and of the shipped bulletin are as they were;
    // the readable hostile ones were updated in place (same id), their titles one line of at most 1,000 characters.
    const changed = new Set(Object.entries(HOSTILE).filter(([n, h]) => h.readable && n !== 'many-items').map(([n]) => idOf(n)));
    expect(after.filter((s) => !changed.has(s.id) && before.some((x) => x.id === s.id))).toEqual(before.filter((s) => !changed.has(s.id)));
    for (const id of changed) {
      const s = after.find((x) => x.id === id);
      expect(s, id).toBeDefined();
      expect(s!.title.length).toBeLessThanOrEqual(1001);
    }
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    // The feed of 20,001 items: its newest 1,000 kept (all of one day: the first in feed order), and said so.
    const many = status.sources.find((x) => x.key === key('many-items'))!;
    expect(many.warnings?.[0]).toBe('20001 items; the newest 1000 kept');
    // All of one day, so the first 1,000 in feed order: the story it had, and 999 new ones.
    expect(many.storiesStored).toBe(1000);

    expect(errors).toEqual([]);
    expect(healthz.length).toBeGreaterThan(100);
    expect(percentile(healthz, 99)).toBeLessThan(100);
    expect(percentile(feed, 99)).toBeLessThan(100);
    expect(d.logs()).not.toMatch(/ingest run failed|"level":60/);
    expect((await stopDaemon(d)).code).toBe(0);
  });
});
