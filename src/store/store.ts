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
import { lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { SCHEMA_VERSION, type StoreData, type Story } from '../model.js';
import { buildAliasTable } from '../stories/alias-table.js';
import { listingReviver, readerStories, StoryCache } from './reader-stories.js';
import { pruneStories, type RetentionPolicy } from '../stories/retention.js';
import { DurableJsonFile, syncDir } from './durable-file.js';
import { readTextSync } from './read-text.js';
import { StoreError, type StoreLog } from './errors.js';
import { isManifest, PARTITION_DIR, PARTITION_FILE, partitionFileName, partitionOf, STORE_FILE, type Manifest, type PartitionFile } from './layout.js';
import { acquireLock } from './lock.js';
import { partitionFilesOnDisk, readPartition, type Loaded, type Reviver } from './read-store.js';
import { readQuarantine, recoverStore, relative, type Loss } from './recovery.js';
import { kindOf, notRegular } from './safe-fs.js';
import { probeWrite } from './write-probe.js';

export { StoreError, type StoreLog } from './errors.js';
export { STORE_FILE } from './layout.js';
export { describeLoss, QUARANTINE_DIR, type Loss } from './recovery.js';
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
  /**
   * Damaged files: those found at open (a reader leaves them where they are) and those set aside in quarantine/
   * (reported until an operator deletes their `.loss.json`).
   */
  damage(): Promise<Loss[]>;
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
  /**
   * Told after each commit that failed, and after the first that succeeded again. A failed commit leaves the
   * last good state served and on disk, deletes its partial files, and is tried again (the newest data handed
   * to commit()) after 1 s, 2 s, 4 s … up to a minute, until it succeeds or a newer commit replaces it.
   */
  onCommit?: (outcome: CommitOutcome) => void;
  /**
   * Told whether DATA_DIR takes a write (write-probe.ts), for a writer: probed at open, before the store is
   * returned (so a full disk shows from the first answer), and while it does not, again after 1 s, 2 s, 4 s … up
   * to a minute, until a probe or a commit succeeds. A failure is told only while no commit is failing (a
   * commit's own outcome says more); `ok` only after a failure, and never while a commit is failing.
   */
  onProbe?: (outcome: ProbeOutcome) => void;
  /** What the writer tells whoever asks on its lock socket (lock.ts), e.g. its health. */
  describe?: () => Record<string, unknown>;
}

export type CommitOutcome =
  | { ok: true; failuresBefore: number }
  | { ok: false; error: Error; failures: number; retryInMs: number };

export type ProbeOutcome = { ok: true } | { ok: false; error: Error; failures: number; retryInMs: number };

/** Back-off of the retries of a failed commit. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

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
    private readonly reader: { cache: StoryCache; reviver: Reviver } | undefined,
    /** What the open found damaged. */
    private readonly losses: readonly Loss[],
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
    // A newer commit replaces a failed one waiting for its retry: it was built from the same last good state.
    this.pending = undefined;
    clearTimeout(this.retryTimer);
    const run = this.queue.then(() => this.commitNow(next));
    // Deleting the files no manifest needs any more is housekeeping, not part of the commit: it runs after the
    // commit resolves, before the next commit (or close) starts.
    this.queue = run.then(
      () => this.collectGarbage(),
      () => undefined,
    );
    return run.then(
      () => {
        // A commit that went through answers the probe's question too.
        this.probed(true);
        if (this.failures > 0) {
          const failuresBefore = this.failures;
          this.failures = 0;
          this.opts.log?.info?.({ failuresBefore }, `store commit succeeded again after ${failuresBefore} failed`);
          this.opts.onCommit?.({ ok: true, failuresBefore });
        }
      },
      (e: unknown) => {
        if (e instanceof StoreError && e.code !== 'io') throw e;
        if (this.closed || !this.opts.writable) throw e;
        this.failures++;
        const retryInMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(16, this.failures - 1));
        this.pending = next;
        this.retryTimer = setTimeout(() => {
          const p = this.pending;
          if (p && !this.closed) this.commit(p).catch(() => undefined);
        }, retryInMs).unref();
        this.opts.log?.error({ err: (e as Error).message, failures: this.failures, retryInMs }, `store commit failed; serving the last good state, retrying in ${Math.round(retryInMs / 1000)} s`);
        this.opts.onCommit?.({ ok: false, error: e as Error, failures: this.failures, retryInMs });
        throw e;
      },
    );
  }

  /** Failed write probes in a row (write-probe.ts), and the timer of the next. */
  private probeFailures = 0;
  private probeTimer: NodeJS.Timeout | undefined;

  /** Probes DATA_DIR now; while it fails, again with the commits' back-off. */
  async probe(): Promise<void> {
    if (this.closed) return;
    try {
      await probeWrite(this.dir);
      this.probed(true);
    } catch (e) {
      this.probed(false, e as Error);
    }
  }

  private probed(ok: boolean, error?: Error): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    if (ok) {
      if (this.probeFailures === 0) return;
      this.probeFailures = 0;
      this.opts.log?.info?.({}, 'the data folder takes writes again');
      if (this.failures === 0) this.opts.onProbe?.({ ok: true });
      return;
    }
    if (this.closed) return;
    this.probeFailures++;
    const retryInMs = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(16, this.probeFailures - 1));
    this.probeTimer = setTimeout(() => void this.probe(), retryInMs).unref();
    const code = (error as NodeJS.ErrnoException).code;
    if (this.probeFailures === 1)
      this.opts.log?.error({ err: error!.message, ...(code ? { code } : {}) }, `STORE READ-ONLY: the data folder takes no write (${code ?? error!.message}); serving what is stored, writing again once it takes one`);
    if (this.failures === 0) this.opts.onProbe?.({ ok: false, error: error!, failures: this.probeFailures, retryInMs });
  }

  /** Failed commits in a row; the newest data of a failed commit, waiting for its retry. */
  private failures = 0;
  private pending: StoreData | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  /**
   * One commit, or none: when any write fails (a full disk, an I/O error) the files it wrote are deleted and the
   * last good state stays current, on disk and in memory.
   */
  private async commitNow(input: StoreData): Promise<void> {
    if (!this.opts.writable) throw new StoreError('this store was opened read-only', 'io');
    if (this.closed) throw new StoreError('store is closed', 'io');
    const generation = this.nextGeneration++;
    try {
      await this.writeCommit(input, generation);
    } catch (e) {
      await this.cleanUpFailed(generation);
      const code = (e as NodeJS.ErrnoException).code;
      throw new StoreError(`store commit failed: ${code && !(e as Error).message.startsWith(code) ? `${code}: ` : ''}${(e as Error).message}`, 'io', { cause: e });
    }
  }

  /** What a failed commit wrote: its partition files (named by its generation) and the manifest's temp files. */
  private async cleanUpFailed(generation: number): Promise<void> {
    const partDir = path.join(this.dir, PARTITION_DIR);
    const suffix = `.${generation}.json`;
    const mine = (await partitionFilesOnDisk(this.dir)).filter((f) => f.endsWith(suffix));
    await Promise.all([...mine.map((f) => rm(path.join(partDir, f), { force: true })), rm(`${this.file}.tmp`, { force: true }), rm(`${this.file}.bak.new`, { force: true })].map((p) => p.catch(() => undefined)));
  }

  private async writeCommit(input: StoreData, generation: number): Promise<void> {
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
    const partitions = { ...(this.manifest?.partitions ?? {}) };
    let bytesWritten = 0;
    const partDir = path.join(this.dir, PARTITION_DIR);
    if (dirty.size) await ensurePartitionDir(partDir);
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
  /** Damaged files that could not be quarantined: never deleted. */
  private unmovable: ReadonlySet<string> = new Set();

  private async collectGarbage(): Promise<void> {
    const old = this.garbage.splice(0);
    if (!old.length) return;
    const keep = new Set([...this.unmovable, ...[...Object.values(this.manifest?.partitions ?? {}), ...Object.values(this.previous?.partitions ?? {})].map((r) => r.file)]);
    const doomed = new Set(old.flatMap((m) => Object.values(m.partitions).map((r) => r.file)).filter((f) => !keep.has(f)));
    await Promise.all([...doomed].map((f) => rm(path.join(this.dir, PARTITION_DIR, f), { force: true }).catch(() => undefined)));
  }

  /**
   * At start-up: files of no manifest (a commit killed before its rename) and leftovers of interrupted writes.
   * `keep`: damaged files that could not be quarantined (never deleted).
   */
  async sweep(bak: Manifest | undefined, keep: ReadonlySet<string> = new Set()): Promise<void> {
    this.previous = bak;
    this.unmovable = keep;
    const needed = new Set([...keep, ...[...Object.values(this.manifest?.partitions ?? {}), ...Object.values(bak?.partitions ?? {})].map((r) => r.file)]);
    // Deleting frees space: a full disk does not stop it, and a failure here is no reason not to start.
    const gone = async (p: string) => rm(p, { force: true }).catch(() => undefined);
    for (const f of await partitionFilesOnDisk(this.dir)) if (!needed.has(f)) await gone(path.join(this.dir, PARTITION_DIR, f));
    await gone(`${this.file}.tmp`);
    await gone(`${this.file}.bak.new`);
  }

  async writeLegacyOut(): Promise<void> {
    // Commit everything in the new layout; the schema-1 file becomes .bak.
    await this.commit(this.current);
    this.opts.log?.warn({ file: this.file, schema: SCHEMA_VERSION }, 'store migrated from schema 1 (one file) to schema 2 (partitions); the old file is kept as .bak');
  }

  /** Writes the manifest of what was loaded (after a repair at open: damaged partitions dropped or restored). */
  async writeRepaired(): Promise<void> {
    await this.commit(this.current);
  }

  async damage(): Promise<Loss[]> {
    const inQuarantine = await readQuarantine(this.dir);
    // What this open found and did not quarantine: the writer's for as long as it runs (a rebuilt manifest, a
    // file it could not move); a reader's until it reloads the writer's repaired manifest (the writer then lists
    // them in quarantine/).
    const own = this.opts.writable ? this.losses.filter((l) => !l.quarantined) : this.ver === 1 ? this.losses : [];
    const seen = new Set(inQuarantine.map((l) => `${l.file} ${l.at}`));
    const r = this.reloadFailure;
    const stale: Loss[] =
      r && r.failures >= PartitionedStore.RELOAD_FAILURES_REPORTED
        ? [{ file: STORE_FILE, reason: `the writer's latest commit does not read here: ${r.reason}`, outcome: `the version read before (generation ${this.manifest?.generation ?? 0}) is served`, at: r.since }]
        : [];
    return [...inQuarantine, ...own.filter((l) => !seen.has(`${l.file} ${l.at}`)), ...stale];
  }

  async reload(): Promise<boolean> {
    if (this.opts.writable) return false; // the only writer already holds the latest commit
    const m = await mtimeOf(this.file);
    if (m === this.manifestMtime) return false;
    try {
      const db = new Low<unknown>(new DurableJsonFile<unknown>(this.file, 'replace'), null);
      await db.read();
      if (!isManifest(db.data)) throw new Error(`${STORE_FILE} is not a Pressroom store manifest`);
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
      this.reloadFailure = undefined;
      return true;
    } catch (e) {
      // Mid-commit (the writer retired a file between our two reads) or unreadable: keep serving what we have and
      // try again next time; a failure that lasts is reported by damage().
      const failures = (this.reloadFailure?.failures ?? 0) + 1;
      this.reloadFailure = { failures, since: this.reloadFailure?.since ?? new Date().toISOString(), reason: relative(this.dir, (e as Error).message) };
      return false;
    }
  }

  /** Reloads that failed in a row (a reader): the writer's latest commit does not read here. */
  private reloadFailure: { failures: number; since: string; reason: string } | undefined;
  /** Failed reloads in a row (one a second in the web tier) past which the failure is damage, not a race. */
  private static readonly RELOAD_FAILURES_REPORTED = 5;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    await this.queue;
    this.release();
  }

  async init(): Promise<void> {
    this.manifestMtime = await mtimeOf(this.file);
  }
}

/** Partition files written at once during a commit. */
const WRITE_CONCURRENCY = 8;

/** Runs the tasks `limit` at a time; after a failure no new task starts, and it throws once all in flight ended (so a failed commit's clean-up races no write). */
async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      try {
        await tasks[next++]!();
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failed) throw failed.e;
}

/** stories/ as a real folder: created when missing, refused when something else (a link) took its name. */
async function ensurePartitionDir(partDir: string): Promise<void> {
  const st = await lstat(partDir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (st === undefined) await mkdir(partDir);
  else if (!st.isDirectory()) throw notRegular(partDir, `${kindOf(st)} (expected a folder)`);
}

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await lstat(file)).mtimeMs;
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

/**
 * Opens the store in dataDir. A writable store takes the lock (one writer) and recovers what a crash or a
 * corrupt file left; a read-only store (another process serving the web) never writes and can reload() what
 * the writer committed.
 */
export async function openStore(dataDir: string, opts: OpenOptions): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const release = opts.writable ? await acquireLock(dataDir, { ...(opts.log ? { log: opts.log } : {}), ...(opts.describe ? { describe: opts.describe } : {}) }) : () => {};
  try {
    // A reader keeps the stories' cold fields on disk (see reader-stories.ts); the writer needs whole stories to
    // merge. (A schema-1 file read by a reader is one file, read whole; partitions written later are read lean.)
    const cache = opts.writable ? undefined : new StoryCache(dataDir);
    const reader = cache && { cache, reviver: listingReviver(readerStories(cache)) };
    const rec = await recoverStore(dataDir, opts.writable, opts.log, reader?.reviver);
    const onDisk = await partitionFilesOnDisk(dataDir);
    const maxGen = onDisk.reduce((m, f) => Math.max(m, Number(PARTITION_FILE.exec(f)?.[2] ?? 0)), 0);
    const store = new PartitionedStore(dataDir, rec.loaded, maxGen, opts, release, reader, rec.losses);
    await store.init();
    if (opts.writable) {
      // A write that fails here (a full disk) does not stop the start: the store serves what it read, and the
      // commit is retried (onCommit reports it).
      if (rec.loaded.legacy) await store.writeLegacyOut().catch(() => undefined);
      else {
        await store.sweep(rec.bak, rec.keep);
        if (rec.repaired) await store.writeRepaired().catch(() => undefined);
      }
      // Whether it can write at all, known before the first answer (the writes above may have failed quietly).
      await store.probe();
    }
    return store;
  } catch (e) {
    release();
    throw e;
  }
}
