// Bulletin intake against the compiled daemon: encodings give one story, the drop folder is not a door, a
// day-only story is the same day on every page and feed, and `pressroom check-bulletin` says what would happen.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, SEED, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import type { Agency } from '../../src/model.js';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { openStore } from '../../src/store/store.js';
import { resolveAgency } from '../../src/stories/agencies.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { bulletinToIncoming } from '../../src/stories/normalise.js';

interface JsonFeed {
  items: { id: string; title: string; date_published: string; date_modified: string; content_html?: string }[];
}
interface Status {
  sources: { key: string; errorCode?: string; errorMessage?: string; warnings?: string[]; itemsLastFetch?: number }[];
}

const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

const CAFE = `Café opens in München for “Europol’s” staff – 50 € a month

Source: Europol

The café in München serves Europol’s staff from 9 October. Prices start at 50 € a month, said the agency’s spokesperson.
`;

const BRUSSELS_DAY = `NATO Allies meet in Brussels on air defence

Source: NATO

Allies met at NATO Headquarters to discuss integrated air and missile defence.

NATO Secretary General visits Estonia

Source – Nato

The Secretary General travelled to Tallinn to meet the Prime Minister.
`;

describe('bulletin intake, end to end', () => {
  let daemon: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;
  let drop: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol', timezone: 'Europe/Amsterdam' } }, []);
    drop = path.join(ws.feedsDir, 'bulletins');
    env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir };
    daemon = await startDaemon({ ...env, BULLETIN_SCHEDULE: '* * * * * *' });
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  const feed = () => getJson<JsonFeed>(`${daemon.url}/feeds/all.json`);
  const status = () => getJson<Status>(`${daemon.url}/status`);

  it('a windows-1252 bulletin, then its UTF-8 re-save, then a UTF-16 copy: one story, the right letters', async () => {
    const file = path.join(drop, 'cafe-2024-10-09.txt');
    writeFileSync(file, iconv.encode(CAFE, 'windows-1252'));
    await waitFor(async () => (await feed()).items.length === 1, 10_000, 'the windows-1252 bulletin');
    const [first] = (await feed()).items;
    expect(first!.title).toBe('Café opens in München for “Europol’s” staff – 50 € a month');
    expect(first!.content_html).toContain('café in München');
    expect(first!.content_html).not.toContain('\uFFFD');
    const state = (await status()).sources.find((s) => s.key === 'cafe-2024-10-09.txt');
    expect(state?.warnings?.join('\n')).toMatch(/windows-1252/);

    writeFileSync(file, CAFE, 'utf8');
    await waitFor(async () => (await status()).sources.find((s) => s.key === 'cafe-2024-10-09.txt')?.warnings?.length === 0, 10_000, 'the UTF-8 re-save');
    writeFileSync(path.join(drop, 'cafe-copy-2024-10-09.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(CAFE, 'utf-16le')]));
    await waitFor(async () => (await status()).sources.some((s) => s.key === 'cafe-copy-2024-10-09.txt' && s.itemsLastFetch === 1), 10_000, 'the UTF-16 copy');
    const after = await feed();
    expect(after.items.map((i) => [i.id, i.title])).toEqual([[first!.id, first!.title]]);
  });

  it('the front page, the story page and all three feeds agree on a day-only story’s day', async () => {
    writeFileSync(path.join(drop, 'nato-2024-10-09.txt'), BRUSSELS_DAY);
    await waitFor(async () => (await getJson<JsonFeed>(`${daemon.url}/feeds/nato.json`)).items.length === 2, 10_000, 'the NATO bulletin');
    const nato = await getJson<JsonFeed>(`${daemon.url}/feeds/nato.json`);
    // 12:00 in Brussels (CEST) is 10:00 UTC; the second item's order stamp is a second or more earlier.
    expect(nato.items.map((i) => i.date_published)).toEqual(['2024-10-09T10:00:00.000Z', '2024-10-09T10:00:00.000Z']);
    expect(new Set(nato.items.map((i) => i.date_modified)).size).toBe(2);
    expect(nato.items[0]!.date_modified > nato.items[1]!.date_modified).toBe(true);
    expect(nato.items[0]!.title).toBe('NATO Allies meet in Brussels on air defence');
    // Minted for the Brussels day, not the UTC day of its midnight (8 October).
    for (const i of nato.items) expect(i.id).toContain(',2024-10-09:nato/');

    const rss = await (await fetch(`${daemon.url}/feeds/nato.rss`)).text();
    expect(rss).toContain('<pubDate>Wed, 09 Oct 2024 10:00:00 GMT</pubDate>');
    const atom = await (await fetch(`${daemon.url}/feeds/nato.atom`)).text();
    expect(atom).toContain('<published>2024-10-09T10:00:00.000Z</published>');
    expect(atom).not.toContain('2024-10-08');

    const front = await (await fetch(`${daemon.url}/`)).text();
    // The front page's items write the day out (issue 19's list items); the datetime is the same day.
    expect(front).toContain('<time datetime="2024-10-09">9 October 2024</time>');
    expect(front).not.toContain('8 October 2024');
    expect(front).not.toContain('2024-10-08');
    const page = await (await fetch(`${daemon.url}/stories/${encodeURIComponent(nato.items[0]!.id)}`)).text();
    expect(page).toContain('9 October 2024');
    expect(page).not.toContain('8 October 2024');
  });

  it('refuses symbolic links (to a file outside, to /proc) and FIFOs, with a reason on /status, and keeps serving', async () => {
    const outside = path.join(ws.root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret-2024-10-09.txt'), 'Secret title here\n\nSource: NATO\n\nThis must never be published.\n');
    symlinkSync(path.join(outside, 'secret-2024-10-09.txt'), path.join(drop, 'link-2024-10-09.txt'));
    symlinkSync('/proc/self/pagemap', path.join(drop, 'pagemap.txt'));
    execFileSync('mkfifo', [path.join(drop, 'pipe.txt')]);
    const before = (await feed()).items.length;
    await waitFor(async () => {
      const s = await status();
      return ['link-2024-10-09.txt', 'pagemap.txt', 'pipe.txt'].every((k) => s.sources.some((x) => x.key === k && x.errorCode));
    }, 10_000, 'the three refusals');
    const s = await status();
    expect(s.sources.find((x) => x.key === 'link-2024-10-09.txt')?.errorMessage).toMatch(/symbolic link/);
    expect(s.sources.find((x) => x.key === 'pagemap.txt')?.errorMessage).toMatch(/symbolic link/);
    expect(s.sources.find((x) => x.key === 'pipe.txt')?.errorMessage).toMatch(/FIFO/);
    await new Promise((r) => setTimeout(r, 1500)); // another scan or two
    const items = (await feed()).items;
    expect(items).toHaveLength(before);
    expect(items.map((i) => i.title)).not.toContain('Secret title here');
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
  });

  it('a typo lands on the agency meant, with a warning; a new name gets feeds, a warning and a status-feed entry', async () => {
    writeFileSync(path.join(drop, 'names-2024-10-10.txt'), 'Europol arrests eleven in Spain\n\nSource: Europl\n\nEleven suspects were arrested.\n\nFrontex deploys officers to Greece\n\nSource: Frontex\n\nOfficers were deployed.\n');
    await waitFor(async () => (await status()).sources.some((x) => x.key === 'names-2024-10-10.txt'), 10_000, 'the names bulletin');
    const warnings = (await status()).sources.find((x) => x.key === 'names-2024-10-10.txt')!.warnings!;
    expect(warnings).toEqual([
      expect.stringMatching(/^line 1: "Source: Europl" \(item at line 1\) read as Europol \(europol\): one letter off "Europol"/),
      expect.stringMatching(/^line 7: "Source: Frontex" \(item at line 7\) names no known agency: new agency Frontex \(frontex\)/),
    ]);
    const europol = await getJson<JsonFeed>(`${daemon.url}/feeds/europol.json`);
    expect(europol.items.map((i) => i.title)).toContain('Europol arrests eleven in Spain');
    expect((await fetch(`${daemon.url}/feeds/europl.json`)).status).toBe(404);
    expect((await fetch(`${daemon.url}/feeds/frontex.json`)).status).toBe(200);
    const incidents = await (await fetch(`${daemon.url}/feeds/status.atom`)).text();
    expect(incidents).toContain('New agency Frontex (frontex) named by bulletin names-2024-10-10.txt (item at line 7)');
    expect(incidents).toContain('<category term="new-agency"/>');
  });

  it('prints a file name with control characters escaped (status page, CLI)', async () => {
    const evil = 'evil\u001b[31m\nname.txt';
    writeFileSync(path.join(drop, evil), 'A title of an evil file\n\nSource: NATO\n\nSome text.\n');
    await waitFor(async () => (await status()).sources.some((x) => x.key === evil), 10_000, 'the evil file');
    const html = await (await fetch(`${daemon.url}/status.html`)).text();
    expect(html).toContain('evil\\x1b[31m\\nname.txt');
    expect(html).not.toContain('\u001b');
    const cli = await runCli(['status'], env);
    expect(cli.stdout).toContain('bulletin evil\\x1b[31m\\nname.txt: ok');
    expect(cli.stdout).not.toContain('\u001b');
  });
});

describe('a store written by the code before day-only dates', () => {
  it('keeps its ids (minted for the UTC day of the Brussels midnight), finds its stories again, and publishes them at noon', async () => {
    const agencies: Agency[] = [
      { id: 'nato', name: 'NATO', aliases: [], timezone: 'Europe/Brussels', feeds: [], configured: true },
      { id: 'europol', name: 'Europol', aliases: [], timezone: 'Europe/Amsterdam', feeds: [], configured: true },
      { id: 'eurojust', name: 'Eurojust', aliases: [], timezone: 'Europe/Amsterdam', feeds: [], configured: true },
    ];
    const ws = makeWorkspace(Object.fromEntries(agencies.map((a) => [a.id, { name: a.name, timezone: a.timezone }])));
    // What the old code stored: the same items, ids minted from `published.slice(0, 10)` (no agency day then).
    const parsed = parseBulletin(readFileSync(SEED, 'utf8'));
    const incoming = parsed.items.map((item) => {
      const ref = resolveAgency(item.agencyName, agencies);
      const { day: _day, ...old } = bulletinToIncoming(item, { file: 'bulletin-2024-10-09.txt', agency: ref.id, timeZone: agencies.find((a) => a.id === ref.id)!.timezone });
      return old;
    });
    const store = await openStore(ws.dataDir, { writable: true });
    await store.commit(mergeIncoming(store.data, incoming, new Date('2024-10-09T08:00:00Z')).data);
    const oldIds = store.data.stories.map((st) => st.id).sort();
    await store.close();
    expect(oldIds).toHaveLength(10);
    for (const id of oldIds) expect(id).toContain(',2024-10-08:');

    const daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    try {
      // No content hash was stored, so the daemon reads the seed again at start-up.
      await waitFor(async () => (await getJson<Status>(`${daemon.url}/status`)).sources.some((x) => x.key === 'bulletin-2024-10-09.txt'), 15_000, 'the seed re-read');
      const feed = await getJson<JsonFeed>(`${daemon.url}/feeds/all.json`);
      expect(feed.items.map((i) => i.id).sort()).toEqual(oldIds);
      expect(new Set(feed.items.map((i) => i.date_published))).toEqual(new Set(['2024-10-09T10:00:00.000Z']));
      const front = await (await fetch(`${daemon.url}/`)).text();
      expect(front).not.toContain('>2024-10-08<');
    } finally {
      await daemon.stop();
    }
  }, 60_000);
});

describe('pressroom check-bulletin', () => {
  const ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol' } }, []);
  const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir };
  const file = (name: string, text: string | Buffer) => {
    const p = path.join(ws.root, name);
    writeFileSync(p, text);
    return p;
  };

  it('prints items with title, agency, day and basis, teaser, and warnings; exit 0 without errors; writes nothing', async () => {
    const p = file('digest-2024-10-09.txt', 'First title here\n\nSource: Europl\n\nText that was cut short…\n\nSecond title here\n\nSources : NATO\n\nBrussels, 8 October 2024 – Full text.\n');
    const r = await runCli(['check-bulletin', p], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('line 1: First title here');
    expect(r.stdout).toMatch(/agency Europol \(europol, near\); 2024-10-09 from file-name; teaser/);
    expect(r.stdout).toMatch(/agency NATO \(nato\); 2024-10-08 from dateline/);
    expect(r.stdout).toMatch(/warning line 1: "Source: Europl" \(item at line 1\) read as Europol/);
    expect(() => execFileSync('ls', [ws.dataDir], { stdio: 'pipe' })).toThrow();
  });

  it('--json prints the report; exit 1 when a file has errors', async () => {
    const good = file('good.txt', 'A title\n\nSource: NATO\n\nText.\n');
    const bad = file('bad.txt', iconv.encode('Caf\u00e9 notes, no items at all\n', 'windows-1252'));
    const r = await runCli(['check-bulletin', '--json', good, bad], env);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout) as { file: string; ok: boolean; encoding: string; errors: unknown[]; warnings: { message: string }[] }[];
    expect(reports.map((x) => [x.file, x.ok, x.encoding])).toEqual([
      ['good.txt', true, 'utf-8'],
      ['bad.txt', false, 'windows-1252'],
    ]);
    expect(reports[1]!.warnings[0]!.message).toMatch(/windows-1252/);
  });

  it('stops at the size limit by bytes read, whatever size a file reports (/proc/self/pagemap reports 0)', async () => {
    const r = await runCli(['check-bulletin', '/proc/self/pagemap'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/over the \d+-byte limit/);
  }, 60_000);
});
