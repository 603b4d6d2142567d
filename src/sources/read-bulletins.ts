// Lists the bulletin drop folder and reads each file once, with its content hash. The folder is not a door: only
// regular files directly in it are read, never through a symbolic link, and never more than the size limit.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeText } from '../text/decode-text.js';

/** A bulletin larger than this is not a digest of press releases; it is reported, not read. */
export const MAX_BULLETIN_BYTES = 32 * 1024 * 1024;

export type BulletinFile =
  | {
      name: string;
      ok: true;
      text: string;
      hash: string;
      /** Modification time, ISO 8601: the last hint of the bulletin's date. */
      mtime: string;
      /** The encoding the bytes were read in (`utf-8`, `windows-1252`, `utf-16le`…). */
      encoding: string;
      /** Set when the file was not valid UTF-8 and was read in a legacy encoding. */
      encodingWarning?: string;
    }
  | { name: string; ok: false; reason: string; hash?: string };

/** Dot-files (our own `.name.tmp` uploads included) and editors' temporary files are not bulletins. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('~') || name.endsWith('.tmp') || name.endsWith('.swp');
}

/**
 * Entries of the folder that may be bulletins, sorted: everything but ignored names and sub-folders. Symbolic
 * links, FIFOs, sockets and devices are listed so that readBulletin refuses them with a reason on /status.
 */
export async function listBulletins(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => !isIgnoredName(e.name) && !e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** What a non-regular entry is, in words, for the refusal. */
function kindOf(s: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isDirectory()) return 'a folder';
  return 'not a regular file';
}

export interface ReadOptions {
  /** Default MAX_BULLETIN_BYTES. */
  maxBytes?: number;
  /**
   * `pressroom check-bulletin FILE`: the operator named the path, so a link to it is followed. The drop folder
   * never follows one: a link there is anyone's door to /etc or /proc.
   */
  followLinks?: boolean;
}

/**
 * Reads at most `max` bytes from `chunks`; undefined when there are more. The count is of bytes read, not the
 * size a file reports: /proc files report 0, a file grown while read reported less.
 */
export async function readAtMost(chunks: AsyncIterable<Uint8Array>, max: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const c of chunks) {
    total += c.byteLength;
    if (total > max) return undefined;
    parts.push(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  }
  return Buffer.concat(parts, total);
}

/** The chunks of an open file, read from its start by plain read(2) calls. */
async function* fileChunks(fh: Awaited<ReturnType<typeof open>>, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buf = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
    if (bytesRead === 0) return;
    yield buf.subarray(0, bytesRead);
  }
}

/** One bulletin by its name in the drop folder; never throws. */
export async function readBulletin(dir: string, name: string, opts: ReadOptions = {}): Promise<BulletinFile> {
  return readBulletinAt(path.join(dir, name), name, opts);
}

/** A bulletin at `file`, reported under `name`; never throws. */
export async function readBulletinAt(file: string, name: string, opts: ReadOptions = {}): Promise<BulletinFile> {
  const max = opts.maxBytes ?? MAX_BULLETIN_BYTES;
  const refuse = (what: string): BulletinFile => ({ name, ok: false, reason: `${what}: not read (only regular files directly in the folder are)` });
  try {
    if (!opts.followLinks) {
      const l = await lstat(file);
      if (!l.isFile()) return refuse(kindOf(l));
    }
    // O_NOFOLLOW: a file swapped for a link after the lstat is refused (ELOOP). O_NONBLOCK: a file swapped for a
    // FIFO does not hang the worker in open() waiting for a writer.
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | (opts.followLinks ? 0 : constants.O_NOFOLLOW);
    let fh;
    try {
      fh = await open(file, flags);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') return refuse('a symbolic link');
      throw e;
    }
    try {
      const s = await fh.stat();
      if (!s.isFile()) return refuse(kindOf(s));
      const over = (n: string) => ({ name, ok: false as const, reason: `file is ${n} bytes, over the ${max}-byte limit` });
      if (s.size > max) return over(String(s.size));
      const bytes = await readAtMost(fileChunks(fh, Math.min(1024 * 1024, max + 1)), max);
      if (!bytes) return over('more than');
      const hash = createHash('sha256').update(bytes).digest('hex');
      // People save bulletins from word processors: UTF-8 when the bytes are valid UTF-8 (a BOM, UTF-16 with a BOM
      // too), else windows-1252, never U+FFFD for bytes a legacy encoding explains.
      const decoded = decodeText(bytes, { kind: 'plain' });
      return {
        name,
        ok: true,
        text: decoded.text,
        hash,
        mtime: s.mtime.toISOString(),
        encoding: decoded.encoding,
        ...(decoded.warning ? { encodingWarning: decoded.warning } : {}),
      };
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { name, ok: false, reason: `cannot read: ${(e as Error).message}` };
  }
}
