// Store files that are not what they claim: links planted in data/ (to files outside it), FIFOs, folders; and
// commits that fail. Nothing is read or written through a link, nothing blocks, a failed commit leaves the last
// good state (on disk and served), deletes its partial files and is retried.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoreData, Story } from '../../src/model.js';
import { buildAliasTable } from '../../src/stories/alias-table.js';
import { emptyStore, openStore, type CommitOutcome, type Store } from '../../src/store/store.js';

function story(n: number, published: string, agency = 'nato'): Story {
  return {
    id: `tag:pressroom,${published.slice(0, 10)}:${agency}/${n.toString(16).padStart(16, '0')}`,
    seq: n,
    agency,
    title: `Release ${n}`,
    link: `https://example.org/${n}`,
    published,
    updated: published,
    firstSeen: published,
    dateSource: 'feed',
    contentHtml: `<p>Release ${n}.</p>`,
    summary: `Release ${n}.`,
    teaser: false,
    categories: [],
    sources: [{ kind: 'feed', url: 'https://example.org/rss', guid: `g${n}` }],
    bodyFrom: `feed:g${n}`,
    history: [],
    keys: [`guid:${n}`],
  };
}
const dataOf = (stories: Story[]): StoreData => ({ ...emptyStore(), stories, nextSeq: stories.length + 1, aliases: buildAliasTable([]) });
const THREE = [story(1, '2024-08-01T10:00:00.000Z'), story(2, '2024-09-01T10:00:00.000Z'), story(3, '2024-10-01T10:00:00.000Z')];

const dirs: string[] = [];
const stores: Store[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pressroom-hostile-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function open(dir: string, opts: Partial<Parameters<typeof openStore>[1]> = {}): Promise<Store> {
  const s = await openStore(dir, { writable: true, ...opts });
  stores.push(s);
  return s;
}
const manifest = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'pressroom.json'), 'utf8')) as { generation: number; partitions: Record<string, { file: string }> };
const fileOf = (dir: string, p: string) => manifest(dir).partitions[p]!.file;
async function committed(dir: string): Promise<void> {
  const s = await openStore(dir, { writable: true });
  await s.commit(dataOf(THREE));
  await s.close();
}

describe('planted files', () => {
  it('never reads a partition through a symbolic link: the link is quarantined, its target untouched', async () => {
    const dir = tmp();
    await committed(dir);
    const outside = path.join(tmp(), 'secret.json');
    // A target that would even parse as the partition: still not read.
    const f = fileOf(dir, '2024-09_nato');
    writeFileSync(outside, readFileSync(path.join(dir, 'stories', f)));
    rmSync(path.join(dir, 'stories', f));
    symlinkSync(outside, path.join(dir, 'stories', f));
    const store = await open(dir);
    expect(store.data.stories.map((s) => s.seq)).toEqual([1, 3]);
    const [loss] = await store.damage();
    expect(loss).toMatchObject({ file: `stories/${f}`, month: '2024-09', agency: 'nato', stories: 1, reason: expect.stringMatching(/symbolic link/) });
    expect(lstatSync(path.join(dir, loss!.quarantined!)).isSymbolicLink()).toBe(true);
    expect(existsSync(outside)).toBe(true);
  });

  it('does not hang on a FIFO planted as a partition file or as the manifest', { timeout: 20_000 }, async () => {
    const dir = tmp();
    await committed(dir);
    const f = fileOf(dir, '2024-10_nato');
    rmSync(path.join(dir, 'stories', f));
    execFileSync('mkfifo', [path.join(dir, 'stories', f)]);
    const reader = await openStore(dir, { writable: false });
    expect(reader.data.stories.map((s) => s.seq)).toEqual([1, 2]);
    expect((await reader.damage())[0]).toMatchObject({ file: `stories/${f}`, reason: expect.stringMatching(/FIFO/) });
    await reader.close();
    rmSync(path.join(dir, 'pressroom.json'));
    execFileSync('mkfifo', [path.join(dir, 'pressroom.json')]);
    const store = await open(dir);
    // No .bak after one commit: the manifest is rebuilt from the partition files; the FIFO is quarantined.
    expect(store.data.stories.map((s) => s.seq)).toEqual([1, 2]);
    expect((await store.damage()).map((l) => l.file).sort()).toEqual(['pressroom.json', `stories/${f}`]);
    expect(lstatSync(path.join(dir, (await store.damage()).find((l) => l.partition)!.quarantined!)).isFIFO()).toBe(true);
  });

  it('never writes through a link planted under a name a commit writes', async () => {
    const dir = tmp();
    const store = await open(dir);
    await store.commit(dataOf(THREE));
    const outside = path.join(tmp(), 'victim.txt');
    writeFileSync(outside, 'untouched');
    // The manifest's temp file and the next generation's partition file.
    symlinkSync(outside, path.join(dir, 'pressroom.json.tmp'));
    const next = manifest(dir).generation + 1;
    symlinkSync(outside, path.join(dir, 'stories', `2024-11_nato.${next}.json`));
    await expect(store.commit(dataOf([...THREE, story(4, '2024-11-01T10:00:00.000Z')]))).rejects.toMatchObject({ code: 'io', message: expect.stringMatching(/symbolic link/) });
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    // Its clean-up removed the links (never what they point to).
    expect(existsSync(outside)).toBe(true);
    expect(lstatSync(path.join(dir, 'pressroom.json.tmp'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('never writes the lock information through a link planted as pressroom.lock', async () => {
    const dir = tmp();
    const outside = path.join(tmp(), 'victim.txt');
    writeFileSync(outside, 'untouched');
    symlinkSync(outside, path.join(dir, 'pressroom.lock'));
    const warnings: string[] = [];
    const store = await open(dir, { log: { warn: (_o, m) => void warnings.push(m), error: () => {} } });
    await store.commit(dataOf(THREE));
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(warnings).toEqual(['could not write the lock information file (the lock is held all the same)']);
  });

  it('quarantines a link in place of stories/ and serves nothing through it', async () => {
    const dir = tmp();
    await committed(dir);
    const elsewhere = path.join(tmp(), 'stories');
    execFileSync('mv', [path.join(dir, 'stories'), elsewhere]);
    symlinkSync(elsewhere, path.join(dir, 'stories'));
    const store = await open(dir);
    expect(store.data.stories).toEqual([]);
    const losses = await store.damage();
    expect(losses[0]).toMatchObject({ file: 'stories', reason: expect.stringMatching(/symbolic link.*3 stories of .* lost|symbolic link/) });
    expect(lstatSync(path.join(dir, 'stories'), { throwIfNoEntry: false })).toBeUndefined();
    // The next commit makes a real folder.
    await store.commit(dataOf([story(9, '2024-12-01T10:00:00.000Z')]));
    expect(lstatSync(path.join(dir, 'stories')).isDirectory()).toBe(true);
    expect(readdirSync(elsewhere)).toHaveLength(3);
  });
});

describe('a commit that fails', () => {
  it('keeps the last good state, deletes the files it wrote, reports, and succeeds on a retry', { timeout: 20_000 }, async () => {
    const dir = tmp();
    const outcomes: CommitOutcome[] = [];
    const store = await open(dir, { onCommit: (o) => outcomes.push(o) });
    await store.commit(dataOf(THREE));
    const before = readFileSync(path.join(dir, 'pressroom.json'), 'utf8');
    const version = store.version;
    // Two partitions change; the second's file cannot be created (a folder has its name).
    const g = manifest(dir).generation + 1;
    mkdirSync(path.join(dir, 'stories', `2024-12_nato.${g}.json`));
    const next = dataOf([...THREE, story(4, '2024-11-01T10:00:00.000Z'), story(5, '2024-12-01T10:00:00.000Z')]);
    await expect(store.commit(next)).rejects.toMatchObject({ name: 'StoreError', code: 'io' });
    expect(store.version).toBe(version);
    expect(store.data.stories).toHaveLength(3);
    expect(readFileSync(path.join(dir, 'pressroom.json'), 'utf8')).toBe(before);
    // The partial file of the other partition is gone; the folder (not ours) stays.
    expect(readdirSync(path.join(dir, 'stories')).filter((f) => f.endsWith(`.${g}.json`))).toEqual([`2024-12_nato.${g}.json`]);
    expect(existsSync(path.join(dir, 'pressroom.json.tmp'))).toBe(false);
    expect(outcomes).toEqual([{ ok: false, error: expect.any(Error), failures: 1, retryInMs: 1000 }]);
    // The retry (a new generation) succeeds by itself.
    const deadline = Date.now() + 10_000;
    while (store.data.stories.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(store.data.stories).toHaveLength(5);
    expect(outcomes.at(-1)).toEqual({ ok: true, failuresBefore: 1 });
    await store.close();
    const again = await open(dir);
    expect(again.data.stories).toHaveLength(5);
  });
});

describe('a deleted stories/ folder', () => {
  it('names every partition it lost, and serves an empty store rather than refusing', async () => {
    const dir = tmp();
    await committed(dir);
    rmSync(path.join(dir, 'stories'), { recursive: true });
    const store = await open(dir);
    expect(store.data.stories).toEqual([]);
    expect((await store.damage()).map((l) => `${l.month} ${l.agency} ${l.stories}`).sort()).toEqual(['2024-08 nato 1', '2024-09 nato 1', '2024-10 nato 1']);
  });
});

describe('a DATA_DIR that is itself a link', () => {
  it('is an operator\'s choice: followed, written and read as usual', async () => {
    const real = tmp();
    const link = path.join(tmp(), 'data');
    symlinkSync(real, link);
    const store = await open(link);
    await store.commit(dataOf(THREE));
    await store.commit(dataOf([...THREE, story(4, '2024-11-01T10:00:00.000Z')]));
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    expect(readdirSync(real).sort()).toEqual(['pressroom.json', 'pressroom.json.bak', 'stories']);
    const again = await open(link);
    expect(again.data.stories).toHaveLength(4);
    expect(await again.damage()).toEqual([]);
  });
});

describe('a reader whose writer\'s latest commit does not read', () => {
  it('keeps serving what it read, and reports it once it lasts (not a race with the writer)', async () => {
    const dir = tmp();
    const writer = await open(dir);
    await writer.commit(dataOf(THREE));
    const reader = await open(dir, { writable: false });
    await writer.commit(dataOf([...THREE, story(4, '2024-11-01T10:00:00.000Z')]));
    writeFileSync(path.join(dir, 'stories', fileOf(dir, '2024-11_nato')), 'garbage');
    for (let i = 0; i < 4; i++) expect(await reader.reload()).toBe(false);
    expect(await reader.damage()).toEqual([]);
    expect(await reader.reload()).toBe(false);
    expect(reader.data.stories).toHaveLength(3);
    expect(await reader.damage()).toMatchObject([{ file: 'pressroom.json', reason: expect.stringMatching(/^the writer's latest commit does not read here: .*2024-11_nato/), outcome: expect.stringMatching(/generation 1\) is served/) }]);
    // The writer's next commit reads: the report goes.
    await writer.commit(dataOf([...THREE, { ...story(4, '2024-11-01T10:00:00.000Z'), title: 'Release 4, corrected' }]));
    expect(await reader.reload()).toBe(true);
    expect(await reader.damage()).toEqual([]);
  });
});
