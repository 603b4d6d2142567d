// The story store: the only module that imports lowdb or touches data/. One writer process, one write per run.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { SCHEMA_VERSION, type StoreData } from '../model.js';

export const STORE_FILE = 'pressroom.json';

export function emptyStore(): StoreData {
  return { schema: SCHEMA_VERSION, nextSeq: 1, stories: [], aliases: {}, sources: {}, discoveredAgencies: {} };
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'locked' | 'corrupt' | 'schema' | 'io',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * lowdb adapter that survives power loss, not just a killed process: steno's JSONFile renames a temp file
 * without fsync. Here: write the temp file, fsync it, keep the previous file as `.bak`, rename, fsync the folder.
 */
class DurableJsonFile implements Adapter<StoreData> {
  constructor(readonly file: string) {}

  async read(): Promise<StoreData | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return JSON.parse(text) as StoreData;
  }

  async write(data: StoreData): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rm(`${this.file}.bak`, { force: true });
    try {
      await rename(this.file, `${this.file}.bak`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await rename(tmp, this.file);
    const dir = await open(path.dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

export interface StoreLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Store {
  readonly file: string;
  /** The last committed state. Treat as immutable: build a new StoreData and commit it. */
  readonly data: StoreData;
  /** Monotonic counter of commits/reloads in this process; publishers key their caches on it. */
  readonly version: number;
  commit(next: StoreData): Promise<void>;
  /** Re-reads the file if another process wrote it (read-only stores). Returns true when data changed. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

function isStoreData(v: unknown): v is StoreData {
  const d = v as StoreData;
  return !!d && typeof d === 'object' && typeof d.schema === 'number' && Array.isArray(d.stories) && typeof d.aliases === 'object';
}

/** Upgrades older files; each schema change adds one step here. */
function migrate(d: StoreData): StoreData {
  if (d.schema > SCHEMA_VERSION)
    throw new StoreError(`store schema ${d.schema} is newer than this Pressroom understands (${SCHEMA_VERSION})`, 'schema');
  return { ...emptyStore(), ...d, schema: SCHEMA_VERSION };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file holding the writer's PID; a stale lock from a dead process is taken over. */
function acquireLock(lockFile: string, log?: StoreLog): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      fsyncSync(fd);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) rmSync(lockFile, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new StoreError(`cannot create lock ${lockFile}: ${(e as Error).message}`, 'io');
      let owner = NaN;
      try {
        owner = Number(readFileSync(lockFile, 'utf8').trim());
      } catch {
        continue;
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner))
        throw new StoreError(
          `store ${path.dirname(lockFile)} is locked by process ${owner}: only one Pressroom worker may write it`,
          'locked',
        );
      log?.warn({ lock: lockFile, stalePid: owner }, 'taking over a stale store lock');
      rmSync(lockFile, { force: true });
    }
  }
  throw new StoreError(`cannot acquire lock ${lockFile}`, 'locked');
}

async function readWithRecovery(adapter: DurableJsonFile, writable: boolean, log?: StoreLog): Promise<StoreData> {
  try {
    const d = await adapter.read();
    if (d === null) {
      // A crash between the two renames of a write leaves only the .bak: it is the last good store.
      const bak = `${adapter.file}.bak`;
      const exists = await stat(bak).then(() => true, () => false);
      if (!exists) return emptyStore();
      const restored = JSON.parse(await readFile(bak, 'utf8')) as unknown;
      if (!isStoreData(restored)) throw new Error('backup is not a Pressroom store');
      log?.warn({ file: adapter.file }, 'store file missing; restored the last good copy (.bak)');
      return migrate(restored);
    }
    if (!isStoreData(d)) throw new Error('not a Pressroom store');
    return migrate(d);
  } catch (e) {
    if (e instanceof StoreError) throw e;
    if (!writable) throw new StoreError(`store ${adapter.file} does not parse: ${(e as Error).message}`, 'corrupt');
    const aside = `${adapter.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const bak = `${adapter.file}.bak`;
    let restored: unknown;
    try {
      restored = JSON.parse(await readFile(bak, 'utf8'));
    } catch {
      restored = undefined;
    }
    if (!isStoreData(restored))
      throw new StoreError(
        `store ${adapter.file} does not parse (${(e as Error).message}) and no good backup exists; refusing to start empty over it`,
        'corrupt',
      );
    await rename(adapter.file, aside);
    writeFileSync(adapter.file, readFileSync(bak));
    log?.error({ file: adapter.file, movedTo: aside, reason: (e as Error).message }, 'STORE WAS CORRUPT: moved it aside and restored the last good copy');
    return migrate(restored);
  }
}

/**
 * Opens the store in dataDir. Writable stores take the lock (one writer); read-only stores (the web tier)
 * never write and can reload() what the writer committed.
 */
export async function openStore(dataDir: string, opts: { writable: boolean; log?: StoreLog }): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, STORE_FILE);
  const release = opts.writable ? acquireLock(path.join(dataDir, 'pressroom.lock'), opts.log) : () => {};
  try {
    const adapter = new DurableJsonFile(file);
    const db = new Low<StoreData>(adapter, emptyStore());
    db.data = await readWithRecovery(adapter, opts.writable, opts.log);
    let version = 1;
    let mtimeMs = statSafe(file);
    let closed = false;
    return {
      file,
      get data() {
        return db.data;
      },
      get version() {
        return version;
      },
      async commit(next) {
        if (!opts.writable) throw new StoreError('this store was opened read-only', 'io');
        if (closed) throw new StoreError('store is closed', 'io');
        db.data = next;
        await db.write();
        mtimeMs = statSafe(file);
        version++;
      },
      async reload() {
        const m = statSafe(file);
        if (m === mtimeMs) return false;
        const d = await adapter.read().catch(() => null);
        if (!d || !isStoreData(d)) return false; // mid-rename or unreadable: keep serving what we have
        db.data = migrate(d);
        mtimeMs = m;
        version++;
        return true;
      },
      async close() {
        closed = true;
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

function statSafe(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
