// The story store: the only module that imports lowdb or touches data/. One writer process, one commit per run.
//
// Layout of the data folder (schema 2):
//   pressroom.json         the manifest: sources, counters, and which file holds each month's stories. Small;
//                          replaced atomically on every commit. Renaming it into place IS the commit.
//   pressroom.json.bak     the manifest of the commit before (a hard link to its very bytes).
//   stories/2024-10_nato.17.json  one lowdb file per month of `published` and agency, named by the generation
//                          that wrote it. Never rewritten in place: a changed partition is written under the
//                          new generation's name, fsynced, and only then named by the new manifest.
//   pressroom.lock         the writer's PID.
//
// Crash safety: a commit writes and fsyncs every changed partition under a new name first, then the manifest
// (temp file, fsync, rename, fsync folder). Killed before the rename, the old manifest still names only old,
// complete files; killed after it, the new one names only new, complete files. Files of the previous two
// manifests are kept (so .bak stays loadable); older ones, and those of a commit that never happened, are
// deleted by the next commit or start-up.
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { SCHEMA_VERSION, type StoreData, type Story } from '../model.js';
import { buildAliasTable } from '../stories/alias-table.js';
import { listingReviver, readerStories, StoryCache } from './reader-stories.js';
import { pruneStories, type RetentionPolicy } from '../stories/retention.js';
import { DurableJsonFile, syncDir } from './durable-file.js';
import { readTextSync } from './read-text.js';
import { StoreError, type StoreLog } from './errors.js';
import {
  isLegacyStore,
  isManifest,
  isPartitionFile,
  LOCK_FILE,
  PARTITION_DIR,
  PARTITION_FILE,
  partitionFileName,
  partitionOf,
  STORE_FILE,
  type LegacyStore,
  type Manifest,
  type PartitionFile,
} from './layout.js';
import { acquireLock } from './lock.js';

export { StoreError, type StoreLog } from './errors.js';
export { STORE_FILE } from './layout.js';
export type { RetentionPolicy } from '../stories/retention.js';

export function emptyStore(): StoreData {
  return { schema: SCHEMA_VERSION, nextSeq: 1, stories: [], aliases: buildAliasTable([]), sources: {}, discoveredAgencies: {} };
}

export interface CommitStats {
  ms: number;
  partitionsWritten: number;
  bytesWritten: number;
  pruned: number;
}

export interface Store {
  /** The manifest, pressroom.json. */
  readonly file: string;
  /** The last committed state. Treat as immutable: build a new StoreData (new Story objects) and commit it. */
  readonly data: StoreData;
  /** Monotonic counter of commits/reloads in this process; publishers key their caches on it. */
  readonly version: number;
  /** What the last commit wrote. */
  readonly lastCommit?: CommitStats;
  commit(next: StoreData): Promise<void>;
  /** Re-reads the store if another process committed to it (read-only stores). Returns true when data changed. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  writable: boolean;
  log?: StoreLog;
  /** Default: keep every story. */
  retention?: RetentionPolicy;
  /** The clock retention is measured against. */
  now?: () => Date;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

interface Loaded {
  manifest?: Manifest;
  /** Partition → its stories, as the manifest's files hold them. */
  parts: Map<string, Story[]>;
  /** Came from a schema-1 file: every partition still has to be written. */
  legacy: boolean;
}

type ReadOutcome = { kind: 'missing' } | { kind: 'ok'; loaded: Loaded } | { kind: 'bad'; reason: string; brokenPartitions: string[] };

const empty = (): Loaded => ({ parts: new Map(), legacy: false });

/** JSON.parse's reviver of a reader: it makes stories that keep only their listing fields (reader-stories.ts). */
type Reviver = (key: string, value: unknown) => unknown;

async function readPartition(dir: string, name: string, file: string, reviver?: Reviver): Promise<Story[]> {
  const db = new Low<PartitionFile | null>(new DurableJsonFile<PartitionFile | null>(path.join(dir, PARTITION_DIR, file), 'fresh', reviver), null);
  await db.read();
  if (db.data === null) throw new Error(`partition file ${file} is missing`);
  if (!isPartitionFile(db.data, name)) throw new Error(`partition file ${file} is not a Pressroom partition`);
  return db.data.stories;
}

/** Reads one manifest (pressroom.json or its .bak) and every partition it names. */
async function readStoreAt(dir: string, manifestFile: string, reviver?: Reviver): Promise<ReadOutcome> {
  const db = new Low<unknown>(new DurableJsonFile<unknown>(manifestFile, 'replace'), null);
  try {
    await db.read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'bad', reason: (e as Error).message, brokenPartitions: [] };
  }
  const v = db.data;
  if (v === null) return { kind: 'missing' };
  if (isLegacyStore(v)) return { kind: 'ok', loaded: fromLegacy(v) };
  if (isManifest(v)) {
    if (v.schema > SCHEMA_VERSION)
      throw new StoreError(`store schema ${v.schema} is newer than this Pressroom understands (${SCHEMA_VERSION})`, 'schema');
    const parts = new Map<string, Story[]>();
    const broken: string[] = [];
    const reasons: string[] = [];
    for (const [name, ref] of Object.entries(v.partitions)) {
      try {
        const stories = await readPartition(dir, name, ref.file, reviver);
        if (stories.length !== ref.stories) throw new Error(`partition file ${ref.file} holds ${stories.length} stories, the manifest says ${ref.stories}`);
        parts.set(name, stories);
      } catch (e) {
        broken.push(ref.file);
        reasons.push((e as Error).message);
      }
    }
    if (broken.length) return { kind: 'bad', reason: reasons.join('; '), brokenPartitions: broken };
    return { kind: 'ok', loaded: { manifest: migrateManifest(v), parts, legacy: false } };
  }
  const schema = (v as { schema?: unknown })?.schema;
  if (typeof schema === 'number' && schema > SCHEMA_VERSION)
    throw new StoreError(`store schema ${schema} is newer than this Pressroom understands (${SCHEMA_VERSION})`, 'schema');
  return { kind: 'bad', reason: 'not a Pressroom store', brokenPartitions: [] };
}

/** Upgrades an older manifest; each schema change after 2 adds one step here. */
function migrateManifest(m: Manifest): Manifest {
  return { ...m, schema: SCHEMA_VERSION };
}

/**
 * Schema 1 → 2: the one big file becomes partitions. Its alias table moves into the stories it names
 * (Story.keys), which is where schema 2 keeps it.
 */
function fromLegacy(d: LegacyStore): Loaded {
  const keysOf = new Map<string, string[]>();
  for (const [k, id] of Object.entries(d.aliases)) {
    const list = keysOf.get(id);
    if (list) list.push(k);
    else keysOf.set(id, [k]);
  }
  const parts = new Map<string, Story[]>();
  for (const s of d.stories) {
    const story: Story = { ...s, keys: [...new Set([...(s.keys ?? []), ...(keysOf.get(s.id) ?? [])])] };
    const p = partitionOf(story);
    const list = parts.get(p);
    if (list) list.push(story);
    else parts.set(p, [story]);
  }
  const manifest: Manifest = {
    schema: SCHEMA_VERSION,
    generation: 0,
    committedAt: new Date(0).toISOString(),
    nextSeq: d.nextSeq ?? 1,
    sources: d.sources ?? {},
    discoveredAgencies: d.discoveredAgencies ?? {},
    partitions: {},
  };
  return { manifest, parts, legacy: true };
}

/** The StoreData of a loaded store. The alias table is built from the stories' keys on first use only. */
function assemble(loaded: Loaded): StoreData {
  const m = loaded.manifest;
  const stories = [...loaded.parts.values()].flat().sort((a, b) => a.seq - b.seq);
  const d = {
    schema: SCHEMA_VERSION,
    nextSeq: Math.max(m?.nextSeq ?? 1, (stories.at(-1)?.seq ?? 0) + 1),
    stories,
    sources: m?.sources ?? {},
    discoveredAgencies: m?.discoveredAgencies ?? {},
    ...(m?.inFeed ? { inFeed: m.inFeed } : {}),
    ...(m?.fulltext ? { fulltext: m.fulltext } : {}),
  } as StoreData;
  let table: Record<string, string> | undefined;
  // The web tier never looks anything up: 400,000 keys need not be indexed there.
  Object.defineProperty(d, 'aliases', {
    enumerable: true,
    configurable: true,
    get: () => (table ??= buildAliasTable(stories.flatMap((s) => (s.keys ?? []).map((k) => [k, s.id] as const)))),
    set: (v: Record<string, string>) => {
      table = v;
    },
  });
  return d;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const exists = (p: string) => stat(p).then(() => true, () => false);

async function partitionFilesOnDisk(dir: string): Promise<string[]> {
  try {
    return (await readdir(path.join(dir, PARTITION_DIR))).filter((f) => PARTITION_FILE.test(f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Opens what is on disk, recovering from a manifest (or a partition it names) that does not read: the last good
 * copy (.bak) is used instead and, for the writer, restored, with the broken files moved aside as
 * `<name>.corrupt-<timestamp>` and an error logged. Never starts empty over data it could not read.
 */
async function readWithRecovery(dir: string, writable: boolean, log?: StoreLog, reviver?: Reviver): Promise<Loaded> {
  const file = path.join(dir, STORE_FILE);
  const bak = `${file}.bak`;
  let main = await readStoreAt(dir, file, reviver);
  // A reader can lose a race with the writer: between reading the manifest and its partitions, two commits
  // may retire the files it names. Reading again finds the new ones.
  for (let attempt = 0; !writable && main.kind === 'bad' && attempt < 2; attempt++) main = await readStoreAt(dir, file, reviver);
  if (main.kind === 'ok') return main.loaded;
  if (main.kind === 'missing' && !(await exists(bak))) {
    const orphans = await partitionFilesOnDisk(dir);
    // Partitions of generation 1 alone, with no manifest and no .bak, are a first commit killed before its
    // manifest was written: nothing was ever committed. They are moved aside (not deleted) and the store
    // starts empty. Any later generation means a manifest existed once: refuse rather than lose it.
    const interruptedFirst = orphans.length > 0 && orphans.every((f) => PARTITION_FILE.exec(f)?.[2] === '1');
    if (interruptedFirst && writable) {
      const aside = path.join(dir, `${PARTITION_DIR}.uncommitted-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await rename(path.join(dir, PARTITION_DIR), aside);
      log?.warn({ movedTo: aside, files: orphans.length }, 'the first store commit was interrupted before it completed; its partial files were moved aside');
      return empty();
    }
    if (interruptedFirst) return empty();
    if (orphans.length)
      throw new StoreError(`store ${file} is missing but ${path.join(dir, PARTITION_DIR)} holds ${orphans.length} partition files; refusing to start empty over them`, 'corrupt');
    return empty();
  }
  const backup = await readStoreAt(dir, bak, reviver);
  const reason = main.kind === 'bad' ? main.reason : 'the file is missing';
  if (backup.kind !== 'ok') {
    throw new StoreError(
      `store ${file} cannot be read (${reason}) and the last good copy ${bak} neither (${backup.kind === 'bad' ? backup.reason : 'missing'}); ` +
        'refusing to start empty over it: move the data folder aside to start afresh',
      'corrupt',
    );
  }
  if (!writable) {
    log?.warn({ file, reason }, 'store cannot be read; serving the last good copy (.bak)');
    return backup.loaded;
  }
  const ts = stamp();
  const moved: string[] = [];
  if (main.kind === 'bad') {
    await rename(file, `${file}.corrupt-${ts}`);
    moved.push(`${file}.corrupt-${ts}`);
    for (const f of main.brokenPartitions) {
      const p = path.join(dir, PARTITION_DIR, f);
      if (await exists(p)) {
        await rename(p, `${p}.corrupt-${ts}`);
        moved.push(`${p}.corrupt-${ts}`);
      }
    }
  }
  await copyFile(bak, `${file}.tmp`);
  const fh = await open(`${file}.tmp`, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(`${file}.tmp`, file);
  await syncDir(dir);
  if (main.kind === 'bad')
    log?.error({ file, movedTo: moved, reason }, 'STORE WAS CORRUPT: moved it aside and restored the last good copy (.bak); the last run may be missing');
  else log?.warn({ file }, 'store manifest missing; restored the last good copy (.bak)');
  return backup.loaded;
}

// ---------------------------------------------------------------------------------------------------------

class PartitionedStore implements Store {
  readonly file: string;
  private current: StoreData;
  private ver = 1;
  private stats: CommitStats | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** Partition → the stories its current file holds (the objects of the last commit or load). */
  private parts: Map<string, Story[]>;
  private manifest: Manifest | undefined;
  /** The manifest before `manifest` (what .bak holds): its files are kept too. */
  private previous: Manifest | undefined;
  private nextGeneration: number;
  /** How many stories the last commit (or load) had. */
  private committedLength: number;
  private manifestMtime = -1;

  constructor(
    private readonly dir: string,
    loaded: Loaded,
    maxGenerationOnDisk: number,
    private readonly opts: OpenOptions,
    private readonly release: () => void,
    /** Readers of a partitioned store: the stories' cold fields stay on disk until used, read through this. */
    private readonly reader?: { cache: StoryCache; reviver: Reviver },
  ) {
    this.file = path.join(dir, STORE_FILE);
    this.manifest = loaded.legacy ? undefined : loaded.manifest;
    if (reader) {
      reader.cache.fileOf = (p) => this.manifest?.partitions[p]?.file;
      reader.cache.newestFileOf = () => {
        const m = readManifestSync(this.file);
        return (p) => m?.partitions[p]?.file;
      };
    }
    this.parts = loaded.legacy ? new Map() : loaded.parts;
    this.current = assemble(loaded);
    this.committedLength = loaded.legacy ? 0 : this.current.stories.length;
    this.nextGeneration = Math.max(loaded.manifest?.generation ?? 0, maxGenerationOnDisk) + 1;
  }

  get data(): StoreData {
    return this.current;
  }
  get version(): number {
    return this.ver;
  }
  get lastCommit(): CommitStats | undefined {
    return this.stats;
  }

  commit(next: StoreData): Promise<void> {
    const run = this.queue.then(() => this.commitNow(next));
    // Deleting the files no manifest needs any more is housekeeping, not part of the commit: it runs after the
    // commit resolves, before the next commit (or close) starts.
    this.queue = run.then(
      () => this.collectGarbage(),
      () => undefined,
    );
    return run;
  }

  private async commitNow(input: StoreData): Promise<void> {
    if (!this.opts.writable) throw new StoreError('this store was opened read-only', 'io');
    if (this.closed) throw new StoreError('store is closed', 'io');
    const t0 = performance.now();
    let next = input;
    let pruned = 0;
    if (this.opts.retention) {
      const p = pruneStories(next, this.opts.retention, this.opts.now?.() ?? new Date());
      next = p.data;
      pruned = p.removed.length;
      if (pruned) this.opts.log?.info?.({ pruned, maxAgeDays: this.opts.retention.maxAgeDays }, `retention: pruned ${pruned} stories`);
    }

    const { dirty, lists } = this.changedPartitions(next.stories);
    const generation = this.nextGeneration++;
    const partitions = { ...(this.manifest?.partitions ?? {}) };
    let bytesWritten = 0;
    const partDir = path.join(this.dir, PARTITION_DIR);
    if (dirty.size) await mkdir(partDir, { recursive: true });
    // Partitions are independent files: written (and fsynced) a few at a time, so the disk can overlap them.
    const writes: (() => Promise<void>)[] = [];
    for (const p of [...dirty].sort()) {
      const stories = lists.get(p) ?? [];
      if (stories.length === 0) {
        delete partitions[p];
        continue;
      }
      writes.push(async () => {
        const file = partitionFileName(p, generation);
        const adapter = new DurableJsonFile<PartitionFile>(path.join(partDir, file), 'fresh');
        const db = new Low<PartitionFile>(adapter, { schema: SCHEMA_VERSION, partition: p, generation, stories: [] });
        db.data = { schema: SCHEMA_VERSION, partition: p, generation, stories };
        await db.write();
        bytesWritten += adapter.lastBytes;
        partitions[p] = { file, stories: stories.length, bytes: adapter.lastBytes };
      });
    }
    await runLimited(writes, WRITE_CONCURRENCY);
    if (dirty.size) await syncDir(partDir);

    const manifest: Manifest = {
      schema: SCHEMA_VERSION,
      generation,
      committedAt: new Date().toISOString(),
      nextSeq: next.nextSeq,
      sources: next.sources,
      discoveredAgencies: next.discoveredAgencies,
      ...(next.inFeed ? { inFeed: next.inFeed } : {}),
      ...(next.fulltext ? { fulltext: next.fulltext } : {}),
      partitions,
    };
    const mdb = new Low<Manifest>(new DurableJsonFile<Manifest>(this.file, 'replace'), manifest);
    mdb.data = manifest;
    await mdb.write(); // the commit point

    for (const p of dirty) {
      const list = lists.get(p) ?? [];
      if (list.length) this.parts.set(p, list);
      else this.parts.delete(p);
    }
    if (this.previous) this.garbage.push(this.previous);
    this.previous = this.manifest;
    this.manifest = manifest;
    this.current = next.schema === SCHEMA_VERSION ? next : { ...next, schema: SCHEMA_VERSION };
    this.committedLength = next.stories.length;
    this.ver++;
    this.manifestMtime = await mtimeOf(this.file);
    this.stats = { ms: performance.now() - t0, partitionsWritten: [...dirty].filter((p) => lists.get(p)?.length).length, bytesWritten, pruned };
  }

  /**
   * The partitions whose stories differ from the last commit, and their new contents. Stories are compared by
   * object: whoever builds `next` replaces a changed story with a new object (mergeIncoming does). mergeIncoming
   * also keeps positions (it replaces in place and appends), so the usual case compares two arrays slot by slot
   * and touches only the changed slots; anything else (pruning, another order) is compared by id.
   */
  private changedPartitions(next: readonly Story[]): { dirty: Set<string>; lists: Map<string, Story[]> } {
    const prev = this.current.stories;
    // The length at the last commit: an array grown in place since (against the rules) still shows its new stories.
    const prevLength = this.committedLength;
    const dirty = new Set<string>();
    const lists = new Map<string, Story[]>();
    if (next === prev && next.length === prevLength && this.manifest !== undefined) return { dirty, lists };
    const changed: Story[] = [];
    const old: Story[] = [];
    let aligned = this.manifest !== undefined && next.length >= prevLength && prev.length >= prevLength;
    for (let i = 0; aligned && i < prevLength; i++) {
      const a = prev[i]!;
      const b = next[i]!;
      if (a === b) continue;
      if (a.id !== b.id) aligned = false;
      old.push(a);
      changed.push(b);
    }
    if (aligned) {
      for (let i = prevLength; i < next.length; i++) changed.push(next[i]!);
      for (const s of old) dirty.add(partitionOf(s));
      for (const s of changed) dirty.add(partitionOf(s));
      const replacement = new Map(changed.map((s) => [s.id, s]));
      for (const p of dirty) {
        const list: Story[] = [];
        for (const s of this.parts.get(p) ?? []) {
          const n = replacement.get(s.id) ?? s;
          if (partitionOf(n) !== p) continue; // moved out: placed below, with the new arrivals
          list.push(n);
          if (n !== s) replacement.delete(s.id);
        }
        lists.set(p, list);
      }
      // Stories new to their partition: appended, or moved by a changed date.
      for (const s of replacement.values()) lists.get(partitionOf(s))!.push(s);
      return { dirty, lists };
    }
    // By id: every story of next against the one committed under its id.
    const before = new Map<string, Story>();
    for (const list of this.parts.values()) for (const s of list) before.set(s.id, s);
    for (const s of next) {
      const b = before.get(s.id);
      if (b !== s) {
        dirty.add(partitionOf(s));
        if (b) dirty.add(partitionOf(b));
      }
      before.delete(s.id);
    }
    for (const gone of before.values()) dirty.add(partitionOf(gone));
    for (const p of dirty) lists.set(p, []);
    for (const s of next) lists.get(partitionOf(s))?.push(s);
    return { dirty, lists };
  }

  /** Manifests two commits old, whose files may go once neither of the last two manifests names them. */
  private garbage: Manifest[] = [];

  private async collectGarbage(): Promise<void> {
    const old = this.garbage.splice(0);
    if (!old.length) return;
    const keep = new Set([...Object.values(this.manifest?.partitions ?? {}), ...Object.values(this.previous?.partitions ?? {})].map((r) => r.file));
    const doomed = new Set(old.flatMap((m) => Object.values(m.partitions).map((r) => r.file)).filter((f) => !keep.has(f)));
    await Promise.all([...doomed].map((f) => rm(path.join(this.dir, PARTITION_DIR, f), { force: true }).catch(() => undefined)));
  }

  /** At start-up: files of no manifest (a commit killed before its rename) and leftovers of interrupted writes. */
  async sweep(bak: Manifest | undefined): Promise<void> {
    this.previous = bak;
    const keep = new Set([...Object.values(this.manifest?.partitions ?? {}), ...Object.values(bak?.partitions ?? {})].map((r) => r.file));
    for (const f of await partitionFilesOnDisk(this.dir)) if (!keep.has(f)) await rm(path.join(this.dir, PARTITION_DIR, f), { force: true });
    await rm(`${this.file}.tmp`, { force: true });
    await rm(`${this.file}.bak.new`, { force: true });
  }

  async writeLegacyOut(): Promise<void> {
    // Commit everything in the new layout; the schema-1 file becomes .bak.
    await this.commitNow(this.current);
    this.opts.log?.warn({ file: this.file, schema: SCHEMA_VERSION }, 'store migrated from schema 1 (one file) to schema 2 (partitions); the old file is kept as .bak');
  }

  async reload(): Promise<boolean> {
    if (this.opts.writable) return false; // the only writer already holds the latest commit
    const m = await mtimeOf(this.file);
    if (m === this.manifestMtime) return false;
    try {
      const db = new Low<unknown>(new DurableJsonFile<unknown>(this.file, 'replace'), null);
      await db.read();
      if (!isManifest(db.data)) return false;
      const manifest = db.data;
      if (manifest.generation === this.manifest?.generation) {
        this.manifestMtime = m;
        return false;
      }
      const parts = new Map<string, Story[]>();
      for (const [name, ref] of Object.entries(manifest.partitions)) {
        const same = this.manifest?.partitions[name]?.file === ref.file ? this.parts.get(name) : undefined;
        if (same) parts.set(name, same);
        else {
          parts.set(name, await readPartition(this.dir, name, ref.file, this.reader?.reviver));
        }
      }
      this.parts = parts;
      this.manifest = manifest;
      this.current = assemble({ manifest, parts, legacy: false });
      this.committedLength = this.current.stories.length;
      this.manifestMtime = m;
      this.ver++;
      return true;
    } catch {
      return false; // mid-commit or unreadable: keep serving what we have, try again next time
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.release();
  }

  async init(): Promise<void> {
    this.manifestMtime = await mtimeOf(this.file);
  }
}

/** Partition files written at once during a commit. */
const WRITE_CONCURRENCY = 8;

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return -1;
  }
}

/** The manifest on disk now, or undefined when it does not read (mid-rename, corrupt): readers only. */
function readManifestSync(file: string): Manifest | undefined {
  try {
    const m: unknown = JSON.parse(readTextSync(file));
    return isManifest(m) ? m : undefined;
  } catch {
    return undefined;
  }
}

async function readBakManifest(dir: string): Promise<Manifest | undefined> {
  const db = new Low<unknown>(new DurableJsonFile<unknown>(path.join(dir, `${STORE_FILE}.bak`), 'replace'), null);
  try {
    await db.read();
  } catch {
    return undefined;
  }
  return isManifest(db.data) ? db.data : undefined;
}

/**
 * Opens the store in dataDir. A writable store takes the lock (one writer) and recovers what a crash or a
 * corrupt file left; a read-only store (another process serving the web) never writes and can reload() what
 * the writer committed.
 */
export async function openStore(dataDir: string, opts: OpenOptions): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const release = opts.writable ? acquireLock(path.join(dataDir, LOCK_FILE), opts.log) : () => {};
  try {
    // A reader keeps the stories' cold fields on disk (see reader-stories.ts); the writer needs whole stories to
    // merge. (A schema-1 file read by a reader is one file, read whole; partitions written later are read lean.)
    const cache = opts.writable ? undefined : new StoryCache(dataDir);
    const reader = cache && { cache, reviver: listingReviver(readerStories(cache)) };
    const loaded = await readWithRecovery(dataDir, opts.writable, opts.log, reader?.reviver);
    const onDisk = await partitionFilesOnDisk(dataDir);
    const maxGen = onDisk.reduce((m, f) => Math.max(m, Number(PARTITION_FILE.exec(f)?.[2] ?? 0)), 0);
    const store = new PartitionedStore(dataDir, loaded, maxGen, opts, release, reader);
    await store.init();
    if (opts.writable) {
      if (loaded.legacy) await store.writeLegacyOut();
      else await store.sweep(await readBakManifest(dataDir));
    }
    return store;
  } catch (e) {
    release();
    throw e;
  }
}
