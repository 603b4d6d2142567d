// The store: partitions, atomic commits with a backup, recovery, schema migration, one writer, retention.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData, Story } from '../../src/model.js';
import { aliasEntries, buildAliasTable, lookupAlias } from '../../src/stories/alias-table.js';
import { pruneStories } from '../../src/stories/retention.js';
import { COLD_FIELDS, wholeStory } from '../../src/store/reader-stories.js';
import { emptyStore, openStore, StoreError, type Store } from '../../src/store/store.js';
import { ensureBuilt, ROOT } from '../helpers/build.js';

const FEED = 'https://www.nato.int/rss.xml';

function story(n: number, over: Partial<Story> = {}): Story {
  const published = over.published ?? '2024-10-09T10:00:00.000Z';
  const agency = over.agency ?? 'nato';
  return {
    id: `tag:pressroom,${published.slice(0, 10)}:${agency}/${n.toString(16).padStart(16, '0')}`,
    seq: n,
    agency,
    title: `Release ${n}`,
    link: `https://www.nato.int/news_${n}.htm`,
    published,
    updated: published,
    firstSeen: published,
    dateSource: 'feed',
    contentHtml: `<p>Release ${n} text.</p>`,
    summary: `Release ${n} text.`,
    teaser: false,
    categories: [],
    sources: [{ kind: 'feed', url: FEED, guid: `g${n}` }],
    bodyFrom: `feed:${FEED}#g${n}`,
    history: [],
    keys: [`guid:${agency}:${FEED}#g${n}`, `link:nato.int/news_${n}.htm`],
    ...over,
  };
}

function dataOf(stories: Story[], over: Partial<StoreData> = {}): StoreData {
  return {
    ...emptyStore(),
    stories,
    nextSeq: Math.max(0, ...stories.map((s) => s.seq)) + 1,
    aliases: buildAliasTable(stories.flatMap((s) => (s.keys ?? []).map((k) => [k, s.id] as const))),
    ...over,
  };
}

/** Three months, two agencies: six partitions. */
const SIX = [
  story(1, { published: '2024-08-01T10:00:00.000Z' }),
  story(2, { published: '2024-09-01T10:00:00.000Z' }),
  story(3, { published: '2024-10-01T10:00:00.000Z' }),
  story(4, { published: '2024-08-02T10:00:00.000Z', agency: 'europol' }),
  story(5, { published: '2024-09-02T10:00:00.000Z', agency: 'europol' }),
  story(6, { published: '2024-10-02T10:00:00.000Z', agency: 'europol' }),
];

interface Logged {
  level: 'warn' | 'error' | 'info';
  msg: string;
  obj: object;
}
function recorder() {
  const lines: Logged[] = [];
  return {
    lines,
    log: {
      warn: (obj: object, msg: string) => void lines.push({ level: 'warn', msg, obj }),
      error: (obj: object, msg: string) => void lines.push({ level: 'error', msg, obj }),
      info: (obj: object, msg: string) => void lines.push({ level: 'info', msg, obj }),
    },
  };
}

const dirs: string[] = [];
const stores: Store[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pressroom-store-'));
  dirs.push(d);
  return d;
}
async function open(dir: string, opts: Partial<Parameters<typeof openStore>[1]> = {}): Promise<Store> {
  const s = await openStore(dir, { writable: true, ...opts });
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const manifestOf = (dir: string, file = 'pressroom.json') =>
  JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { schema: number; generation: number; partitions: Record<string, { file: string; stories: number }> };
const partitionFiles = (dir: string) => readdirSync(path.join(dir, 'stories')).sort();

describe('commit and reopen', () => {
  it('gives back what was committed: stories, sources, counters, aliases', async () => {
    const dir = tmp();
    let store = await open(dir);
    const data = dataOf(SIX, {
      sources: { [`feed:${FEED}`]: { kind: 'feed', key: FEED, consecutiveFailures: 0, etag: '"abc"' } },
      discoveredAgencies: { frontex: { id: 'frontex', name: 'Frontex' } },
      inFeed: { [FEED]: [SIX[2]!.id] },
    });
    await store.commit(data);
    expect(store.data).toBe(data);
    await store.close();

    store = await open(dir);
    expect(store.data.stories).toEqual(SIX);
    expect(store.data.sources).toEqual(data.sources);
    expect(store.data.discoveredAgencies).toEqual(data.discoveredAgencies);
    expect(store.data.inFeed).toEqual(data.inFeed);
    expect(store.data.nextSeq).toBe(7);
    expect(store.data.schema).toBe(2);
    expect(lookupAlias(store.data.aliases, `link:nato.int/news_5.htm`)).toBe(SIX[4]!.id);
    expect(aliasEntries(store.data.aliases)).toHaveLength(12);
  });

  it('keeps one file per month and agency, and rewrites only the partitions whose stories changed', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.commit(dataOf(SIX));
    expect(store.lastCommit?.partitionsWritten).toBe(6);
    expect(Object.keys(manifestOf(dir).partitions).sort()).toEqual(['2024-08_europol', '2024-08_nato', '2024-09_europol', '2024-09_nato', '2024-10_europol', '2024-10_nato']);
    const before = manifestOf(dir).partitions;

    // An edit: a new object for one story, as mergeIncoming makes.
    const edited = [...SIX];
    edited[4] = { ...SIX[4]!, contentHtml: '<p>Edited.</p>' };
    await store.commit(dataOf(edited));
    expect(store.lastCommit?.partitionsWritten).toBe(1);
    const after = manifestOf(dir).partitions;
    for (const p of Object.keys(before)) expect(after[p]!.file === before[p]!.file, p).toBe(p !== '2024-09_europol');

    // A new story: only its partition.
    await store.commit(dataOf([...edited, story(7, { published: '2024-10-03T10:00:00.000Z' })]));
    expect(store.lastCommit?.partitionsWritten).toBe(1);
    expect(manifestOf(dir).partitions['2024-10_nato']!.stories).toBe(2);

    // Nothing changed: the manifest alone.
    await store.commit({ ...store.data, sources: { x: { kind: 'feed', key: 'x', consecutiveFailures: 1 } } });
    expect(store.lastCommit?.partitionsWritten).toBe(0);
  });

  it('moves a story whose date changed month to its new partition, once', async () => {
    const dir = tmp();
    let store = await open(dir);
    await store.commit(dataOf(SIX));
    const moved = [...SIX];
    moved[0] = { ...SIX[0]!, published: '2024-10-05T10:00:00.000Z' };
    await store.commit(dataOf(moved));
    expect(store.lastCommit?.partitionsWritten).toBe(1); // 2024-10_nato; 2024-08_nato is now empty and dropped
    expect(manifestOf(dir).partitions['2024-08_nato']).toBeUndefined();
    await store.close();
    store = await open(dir);
    expect(store.data.stories.filter((s) => s.id === SIX[0]!.id)).toHaveLength(1);
    expect(store.data.stories).toHaveLength(6);
  });

  it('finds changes by id when the stories were reordered or removed', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.commit(dataOf(SIX));
    await store.commit(dataOf([...SIX].reverse()));
    expect(store.lastCommit?.partitionsWritten).toBe(0);
    await store.commit(dataOf(SIX.filter((s) => s.seq !== 2)));
    expect(manifestOf(dir).partitions['2024-09_nato']).toBeUndefined();
    const again = await (async () => {
      await store.close();
      return open(dir);
    })();
    expect(again.data.stories.map((s) => s.seq)).toEqual([1, 3, 4, 5, 6]);
  });

  it('reads back exactly what was committed after any run of edits, moves, appends and removals', async () => {
    const dir = tmp();
    let store = await open(dir);
    let seed = 99;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const months = ['2024-07', '2024-08', '2024-09', '2024-10'];
    let stories: Story[] = SIX;
    let next = 7;
    for (let round = 0; round < 60; round++) {
      const op = rand(5);
      const copy = [...stories];
      const i = rand(copy.length);
      if (op === 0 && copy.length) copy[i] = { ...copy[i]!, contentHtml: `<p>round ${round}</p>` };
      else if (op === 1 && copy.length) copy[i] = { ...copy[i]!, published: `${months[rand(4)]}-1${rand(9)}T10:00:00.000Z` };
      else if (op === 2) copy.push(story(next++, { published: `${months[rand(4)]}-0${1 + rand(8)}T10:00:00.000Z`, agency: rand(2) ? 'nato' : 'europol' }));
      else if (op === 3 && copy.length > 3) copy.splice(i, 1);
      else copy.push(story(next++), story(next++, { agency: 'eurojust' }));
      stories = copy;
      await store.commit(dataOf(stories));
      if (round % 10 === 9) {
        await store.close();
        store = await open(dir);
        expect(store.data.stories).toEqual([...stories].sort((a, b) => a.seq - b.seq));
        stories = store.data.stories;
      }
    }
  });

  it('still writes stories pushed into the committed array in place (against the rules)', async () => {
    const dir = tmp();
    let store = await open(dir);
    await store.commit(dataOf([...SIX]));
    store.data.stories.push(story(7));
    await store.commit(store.data);
    await store.close();
    store = await open(dir);
    expect(store.data.stories).toHaveLength(7);
  });

  it('writes atomically: no temp file left, the previous manifest kept as .bak, old partition files collected', async () => {
    const dir = tmp();
    const store = await open(dir);
    let stories = SIX;
    for (let i = 0; i < 4; i++) {
      stories = stories.map((s) => (s.seq === 3 ? { ...s, contentHtml: `<p>version ${i}</p>` } : s));
      await store.commit(dataOf(stories));
    }
    await store.close(); // old files are deleted after a commit resolves; close waits for that
    expect(readdirSync(dir).sort()).toEqual(['pressroom.json', 'pressroom.json.bak', 'stories']);
    const main = manifestOf(dir);
    const bak = manifestOf(dir, 'pressroom.json.bak');
    expect(bak.generation).toBe(main.generation - 1);
    // The files of the last two commits, and no others.
    const named = new Set([...Object.values(main.partitions), ...Object.values(bak.partitions)].map((r) => r.file));
    expect(partitionFiles(dir)).toEqual([...named].sort());
    expect(partitionFiles(dir).filter((f) => f.startsWith('2024-10_nato'))).toHaveLength(2);
  });
});

describe('recovery at start-up', () => {
  /** A store with two commits: the second changed story 3 (partition 2024-10_nato). */
  async function twoCommits(dir: string): Promise<{ first: Story[]; second: Story[] }> {
    const store = await open(dir);
    const first = SIX;
    const second = SIX.map((s) => (s.seq === 3 ? { ...s, title: 'Release 3, corrected' } : s));
    await store.commit(dataOf(first));
    await store.commit(dataOf(second));
    await store.close();
    return { first, second };
  }

  // Issue 18 changed what a damaged store does: it no longer refuses to start (nor moves files aside as
  // `.corrupt-*` next to the store); each damaged file goes to quarantine/ with its loss named, the rest is served.
  const quarantined = (dir: string) => (existsSync(path.join(dir, 'quarantine')) ? readdirSync(path.join(dir, 'quarantine')).sort() : []);

  it('moves a damaged manifest to quarantine/, restores the last good copy and says so loudly', async () => {
    const dir = tmp();
    const { first } = await twoCommits(dir);
    writeFileSync(path.join(dir, 'pressroom.json'), '{"schema":2,"generation":');
    const { log, lines } = recorder();
    const store = await open(dir, { log });
    expect(store.data.stories).toEqual(first);
    const aside = quarantined(dir).filter((f) => f.startsWith('pressroom.json.') && !f.endsWith('.loss.json'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'quarantine', aside[0]!), 'utf8')).toBe('{"schema":2,"generation":');
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([expect.stringMatching(/^STORE DAMAGE: the manifest pressroom.json cannot be read/)]);
    expect((await store.damage()).map((l) => l.file)).toEqual(['pressroom.json']);
    // The restored manifest is on disk: the next start needs no recovery (the quarantined file is still reported).
    await store.close();
    const { log: log2, lines: lines2 } = recorder();
    const again = await open(dir, { log: log2 });
    expect(again.data.stories).toEqual(first);
    expect(lines2).toEqual([]);
    expect((await again.damage()).map((l) => l.quarantined)).toEqual([`quarantine/${aside[0]}`]);
  });

  it('restores a partition that does not parse from the file the last good copy names, and quarantines it', async () => {
    const dir = tmp();
    const { first } = await twoCommits(dir);
    const broken = manifestOf(dir).partitions['2024-10_nato']!.file;
    const previous = manifestOf(dir, 'pressroom.json.bak').partitions['2024-10_nato']!.file;
    writeFileSync(path.join(dir, 'stories', broken), '[{"id": "tag:');
    const { log, lines } = recorder();
    const store = await open(dir, { log });
    expect(store.data.stories).toEqual(first);
    expect(existsSync(path.join(dir, 'stories', broken))).toBe(false);
    expect(quarantined(dir).some((f) => f.startsWith(`${broken}.`) && !f.endsWith('.loss.json'))).toBe(true);
    const [loss] = await store.damage();
    expect(loss).toMatchObject({ file: `stories/${broken}`, partition: '2024-10_nato', month: '2024-10', agency: 'nato', stories: 1, restoredFrom: `stories/${previous}`, restoredStories: 1 });
    expect(lines.some((l) => l.level === 'error' && /^STORE DAMAGE: stories\/2024-10_nato\.\d+\.json \(2024-10, agency nato, 1 stories/.test(l.msg))).toBe(true);
    // The repaired manifest was committed: it names the restored file.
    expect(manifestOf(dir).partitions['2024-10_nato']!.file).toBe(previous);
  });

  it('quarantines a partition without a good copy, names the loss and serves every other story', async () => {
    const dir = tmp();
    const { second } = await twoCommits(dir);
    // A partition both manifests name (unchanged by the last commit).
    const shared = manifestOf(dir).partitions['2024-08_nato']!.file;
    expect(manifestOf(dir, 'pressroom.json.bak').partitions['2024-08_nato']!.file).toBe(shared);
    writeFileSync(path.join(dir, 'stories', shared), 'not json');
    // A reader (the web tier) serves the rest, reports the loss and moves nothing.
    const listing = [...readdirSync(dir), ...partitionFiles(dir)].sort();
    const reader = await open(dir, { writable: false });
    expect(reader.data.stories.map((s) => s.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(await reader.damage()).toMatchObject([{ file: `stories/${shared}`, month: '2024-08', agency: 'nato', stories: 1 }]);
    expect([...readdirSync(dir), ...partitionFiles(dir)].sort()).toEqual(listing);
    await reader.close();
    // The writer quarantines it.
    const { log, lines } = recorder();
    const store = await open(dir, { log });
    expect(store.data.stories).toEqual(second.filter((s) => s.seq !== 1));
    expect(lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([expect.stringMatching(/^STORE DAMAGE: .*its stories are lost; moved to quarantine\//)]);
    expect(manifestOf(dir).partitions['2024-08_nato']).toBeUndefined();
    expect(readFileSync(path.join(dir, 'quarantine', quarantined(dir).find((f) => !f.endsWith('.loss.json'))!), 'utf8')).toBe('not json');
  });

  it('quarantines a damaged manifest without a backup and starts from the partitions (none: empty)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'pressroom.json'), '\u0000\u0000\u0000');
    const store = await open(dir);
    expect(store.data.stories).toEqual([]);
    const q = quarantined(dir).filter((f) => !f.endsWith('.loss.json'));
    expect(readFileSync(path.join(dir, 'quarantine', q[0]!), 'utf8')).toBe('\u0000\u0000\u0000');
  });

  it('rebuilds a deleted manifest (and .bak) from the partition files, losing only the sources\' states', async () => {
    const dir = tmp();
    const { second } = await twoCommits(dir);
    rmSync(path.join(dir, 'pressroom.json'));
    rmSync(path.join(dir, 'pressroom.json.bak'));
    const { log, lines } = recorder();
    const store = await open(dir, { log });
    expect(store.data.stories).toEqual(second);
    expect(store.data.nextSeq).toBe(7);
    expect(lines.some((l) => l.level === 'error' && /rebuilt from 6 partition files \(6 stories\)/.test(l.msg))).toBe(true);
    expect(existsSync(path.join(dir, 'pressroom.json'))).toBe(true);
  });

  it('restores a missing manifest from its backup', async () => {
    const dir = tmp();
    const { first } = await twoCommits(dir);
    rmSync(path.join(dir, 'pressroom.json'));
    const { log, lines } = recorder();
    const store = await open(dir, { log });
    expect(store.data.stories).toEqual(first);
    expect(existsSync(path.join(dir, 'pressroom.json'))).toBe(true);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/missing; restored the last good copy/)]);
  });

  it('serves the backup read-only without touching the files', async () => {
    const dir = tmp();
    const { first } = await twoCommits(dir);
    writeFileSync(path.join(dir, 'pressroom.json'), 'garbage');
    const store = await open(dir, { writable: false });
    // A reader reads the cold fields from disk when used (src/store/reader-stories.ts): compare them as read.
    expect(store.data.stories.map(wholeStory)).toEqual(first);
    expect(readFileSync(path.join(dir, 'pressroom.json'), 'utf8')).toBe('garbage');
    // Named once, and where it is: the reader moved nothing.
    expect(await store.damage()).toMatchObject([{ file: 'pressroom.json', outcome: 'the last good copy (.bak) is used' }]);
    expect((await store.damage())[0]!.quarantined).toBeUndefined();
  });

  it('deletes partition files a killed commit wrote but never named', async () => {
    const dir = tmp();
    await twoCommits(dir);
    const orphan = path.join(dir, 'stories', '2024-10_nato.99.json');
    writeFileSync(orphan, '{"half": ');
    writeFileSync(path.join(dir, 'pressroom.json.tmp'), '{"half": ');
    const store = await open(dir);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(path.join(dir, 'pressroom.json.tmp'))).toBe(false);
    // and the next commit's files do not collide with what was there
    await store.commit(dataOf([...store.data.stories, story(9)]));
    expect(manifestOf(dir).generation).toBeGreaterThan(99);
  });
});

describe('a reader (the web tier)', () => {
  it('reads every field as the writer wrote it, the cold ones from disk', async () => {
    const dir = tmp();
    const writer = await open(dir);
    const edited = story(2, {
      link: 'https://www.nato.int/cps/en/natohq/news_2.htm',
      history: [{ title: 'An older title', until: '2024-10-08T10:00:00.000Z' }],
      declaredUpdated: '2024-10-08T11:00:00.000Z',
      updated: '2024-10-08T11:00:00.000Z',
      dateFlag: 'future',
      categories: ['Operations', 'Cybercrime'],
      language: 'en',
      withdrawn: { at: '2024-10-09T10:00:00.000Z', by: 'operator', reason: 'a test' },
      mergedBy: [{ rule: 'same-title', source: 'bulletin:b.txt:3' }],
      // Published in JSON Feed's _pressroom (date_basis, date_conflict): a web instance must not lose them.
      dateBasis: 'file-name',
      dateConflict: { day: '2024-10-07', basis: 'file-name', file: 'b.txt' },
    });
    await writer.commit(dataOf([story(1, { categories: ['Operations'] }), edited, story(3, { categories: ['Operations'] })]));
    const reader = await open(dir, { writable: false });
    for (const s of reader.data.stories) for (const f of COLD_FIELDS) expect(Object.keys(s)).not.toContain(f);
    expect(reader.data.stories.map(wholeStory)).toEqual(writer.data.stories);
    // Equal category lists are one list, not one per story.
    expect(reader.data.stories[0]!.categories).toBe(reader.data.stories[2]!.categories);
    await reader.close();
    await writer.close();
  });

  it('reads a body from the newest file when the writer has deleted the one it knows', async () => {
    const dir = tmp();
    const writer = await open(dir);
    await writer.commit(dataOf([story(1, { contentHtml: '<p>v1</p>' })]));
    const reader = await open(dir, { writable: false });
    const stale = reader.data.stories[0]!;
    // Three commits later the reader's file is gone (the writer keeps the files of two manifests).
    for (const v of [2, 3, 4]) await writer.commit(dataOf([{ ...writer.data.stories[0]!, contentHtml: `<p>v${v}</p>` }]));
    expect(readdirSync(path.join(dir, 'stories')).some((f) => f.endsWith('.1.json'))).toBe(false);
    expect(stale.contentHtml).toBe('<p>v4</p>');
    expect(stale.link).toBe(story(1).link);
    await reader.close();
    await writer.close();
  });

  it('keeps bodies on disk until used, and reads the new body after a reload', async () => {
    const dir = tmp();
    const writer = await open(dir);
    const older = story(1, { published: '2023-01-05T10:00:00.000Z', contentHtml: '<p>old release</p>' });
    await writer.commit(dataOf([older, story(2, { contentHtml: '<p>first text</p>' })]));
    const reader = await open(dir, { writable: false });
    // The body is not held by the story object itself…
    for (const s of reader.data.stories) expect(Object.keys(s)).not.toContain('contentHtml');
    // …but reads as written, from whichever partition holds it.
    expect(reader.data.stories.map((s) => s.contentHtml)).toEqual(['<p>old release</p>', '<p>first text</p>']);
    const edited = { ...writer.data.stories[1]!, contentHtml: '<p>fuller text</p>' };
    await writer.commit(dataOf([writer.data.stories[0]!, edited]));
    expect(await reader.reload()).toBe(true);
    expect(reader.data.stories.map((s) => s.contentHtml)).toEqual(['<p>old release</p>', '<p>fuller text</p>']);
    await reader.close();
  });
});

describe('schema', () => {
  it('migrates a schema-1 store (one big file) to partitions, keeping ids and aliases', async () => {
    const dir = tmp();
    const legacyStories = SIX.map(({ keys: _k, ...s }) => s);
    const legacy = { schema: 1, nextSeq: 7, stories: legacyStories, aliases: Object.fromEntries(SIX.flatMap((s) => s.keys!.map((k) => [k, s.id]))), sources: {}, discoveredAgencies: {} };
    writeFileSync(path.join(dir, 'pressroom.json'), JSON.stringify(legacy));
    const { log, lines } = recorder();
    let store = await open(dir, { log });
    expect(store.data.stories.map((s) => s.id)).toEqual(SIX.map((s) => s.id));
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/migrated from schema 1/)]);
    expect(manifestOf(dir).schema).toBe(2);
    expect(JSON.parse(readFileSync(path.join(dir, 'pressroom.json.bak'), 'utf8'))).toEqual(legacy);
    await store.close();
    store = await open(dir);
    expect(store.data.stories).toEqual(SIX);
    expect(lookupAlias(store.data.aliases, SIX[0]!.keys![0]!)).toBe(SIX[0]!.id);
  });

  it('refuses a store written by a newer Pressroom', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'pressroom.json'), JSON.stringify({ schema: 99, generation: 1, partitions: {} }));
    await expect(openStore(dir, { writable: true })).rejects.toMatchObject({ code: 'schema', message: expect.stringMatching(/schema 99 is newer/) });
  });
});

describe('one writer', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('refuses a second writer in the same process', async () => {
    const dir = tmp();
    await open(dir);
    await expect(openStore(dir, { writable: true })).rejects.toMatchObject({ code: 'locked' });
    // readers are always welcome
    await open(dir, { writable: false });
  });

  // Issue 18: the lock is an abstract Unix socket (src/store/lock.ts); pressroom.lock is information only, so a
  // PID in it (alive, reused or dead) neither blocks a writer nor is "taken over".
  it('is not blocked by a lock file naming a live process (a reused PID)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'pressroom.lock'), `${process.ppid}\n`);
    const store = await open(dir);
    expect(readFileSync(path.join(dir, 'pressroom.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    await store.close();
    expect(existsSync(path.join(dir, 'pressroom.lock'))).toBe(false);
  });

  it('is not blocked by a lock file left by a dead process', async () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(path.join(dir, 'pressroom.lock'), `${dead.stdout}\n`);
    const store = await open(dir);
    expect(readFileSync(path.join(dir, 'pressroom.lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    await store.close();
    expect(existsSync(path.join(dir, 'pressroom.lock'))).toBe(false);
  });

  it('refuses a writer in another process with a clear message', async () => {
    const dir = tmp();
    await open(dir);
    const script = `import(${JSON.stringify(path.join(ROOT, 'dist/store/store.js'))}).then((m) => m.openStore(process.argv[1], { writable: true })).then(() => { console.log('opened'); process.exit(0); }, (e) => { console.log(e.name + ' ' + e.code + ': ' + e.message); process.exit(3); });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(new RegExp(`^StoreError locked: store .* is locked by process ${process.pid}`));
  });
});

describe('readers', () => {
  it('reload() picks up what the writer committed, and only then', async () => {
    const dir = tmp();
    const writer = await open(dir);
    await writer.commit(dataOf(SIX));
    const reader = await open(dir, { writable: false });
    expect(reader.data.stories).toHaveLength(6);
    expect(await reader.reload()).toBe(false);
    const v = reader.version;
    await writer.commit(dataOf([...SIX, story(7)]));
    expect(await reader.reload()).toBe(true);
    expect(reader.version).toBe(v + 1);
    expect(reader.data.stories.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await reader.reload()).toBe(false);
    await expect(reader.commit(reader.data)).rejects.toMatchObject({ code: 'io' });
  });
});

describe('retention', () => {
  const now = new Date('2024-10-10T00:00:00Z');
  const old = story(10, { published: '2021-03-01T10:00:00.000Z' });
  const listed = story(11, { published: '2021-04-01T10:00:00.000Z' });

  it('keeps every story by default', async () => {
    const dir = tmp();
    let store = await open(dir, { now: () => now });
    await store.commit(dataOf([...SIX, old, listed]));
    await store.close();
    store = await open(dir);
    expect(store.data.stories).toHaveLength(8);
  });

  it('prunes old stories when configured, never one its source feed still lists', async () => {
    const dir = tmp();
    const { log, lines } = recorder();
    let store = await open(dir, { retention: { maxAgeDays: 365 }, now: () => now, log });
    await store.commit(dataOf([...SIX, old, listed], { inFeed: { [FEED]: [listed.id] } }));
    expect(store.data.stories.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 11]);
    expect(lookupAlias(store.data.aliases, old.keys![0]!)).toBeUndefined();
    expect(lookupAlias(store.data.aliases, listed.keys![0]!)).toBe(listed.id);
    expect(lines.map((l) => l.msg)).toEqual(['retention: pruned 1 stories']);
    await store.close();
    store = await open(dir);
    expect(store.data.stories.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 11]);
  });

  it('pruneStories is pure and returns the same data when nothing goes', () => {
    const data = dataOf([...SIX, old]);
    expect(pruneStories(data, {}, now).data).toBe(data);
    expect(pruneStories(data, { maxAgeDays: 10_000 }, now).data).toBe(data);
    const r = pruneStories(data, { maxAgeDays: 30 }, now);
    expect(r.removed).toEqual([SIX[0]!.id, SIX[1]!.id, SIX[3]!.id, SIX[4]!.id, old.id]);
    expect(data.stories).toHaveLength(7);
  });
});

describe('paths', () => {
  it('creates the data folder when it does not exist', async () => {
    const dir = path.join(tmp(), 'a', 'b');
    const store = await open(dir);
    await store.commit(dataOf(SIX));
    expect(existsSync(path.join(dir, 'stories'))).toBe(true);
  });
});
