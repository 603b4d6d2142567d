// A lowdb adapter that survives power loss, not just a killed process: write, fsync, then (optionally) rename.
import { constants } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { readTextSync } from './read-text.js';
import { writeRegular } from './safe-fs.js';

export type WriteMode =
  /** The file's name is new (a partition generation): write it in place and fsync; nothing refers to it yet. */
  | 'fresh'
  /**
   * The file replaces a live one (the manifest): write `<file>.tmp`, fsync, keep the live file as `<file>.bak`
   * (a hard link, so the backup is the very bytes that were fsynced before), rename over, fsync the folder.
   * At every instant `<file>` is a complete old or new copy.
   */
  | 'replace';

/**
 * steno's JSONFile (lowdb's default) renames a fixed temp file without fsync: after a power cut the rename can
 * be durable and the data not. This adapter fsyncs the data before any name points to it.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  /** Bytes of the last write. */
  lastBytes = 0;

  constructor(
    readonly file: string,
    readonly mode: WriteMode,
    /** JSON.parse's reviver, e.g. to leave out fields a reader does not keep. */
    private readonly reviver?: (key: string, value: unknown) => unknown,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = readTextSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return (this.reviver ? JSON.parse(text, this.reviver) : JSON.parse(text)) as T;
  }

  async write(data: T): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(data));
    this.lastBytes = bytes.length;
    if (this.mode === 'fresh') {
      await writeAndSync(this.file, bytes);
      return;
    }
    const tmp = `${this.file}.tmp`;
    await writeAndSync(tmp, bytes);
    await keepBackup(this.file);
    await rename(tmp, this.file);
    await syncDir(path.dirname(this.file));
  }
}

async function writeAndSync(file: string, bytes: Uint8Array): Promise<void> {
  await writeRegular(file, bytes);
}

/** `<file>.bak` becomes the current `<file>`: a hard link where the file system has them, else a synced copy. */
async function keepBackup(file: string): Promise<void> {
  const bak = `${file}.bak`;
  const next = `${bak}.new`;
  await rm(next, { force: true });
  try {
    await link(file, next);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // the first write: nothing to keep
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw e;
    // A copy read without following a link (copyFile would follow one planted under the manifest's name).
    await writeRegular(next, readTextSync(file));
  }
  await rename(next, bak);
}

export async function syncDir(dir: string): Promise<void> {
  // Read-only and a folder (O_DIRECTORY: never a FIFO); DATA_DIR itself may be a link, so it is followed here.
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
