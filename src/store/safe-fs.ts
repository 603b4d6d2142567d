// Opening files inside DATA_DIR without being led out of it: never through a symbolic link, never a FIFO, device
// or folder planted under a store file's name. The data folder itself may be a link (an operator's choice);
// nothing inside it is followed.
//
// O_NOFOLLOW makes open() fail (ELOOP) when the last component is a link; O_NONBLOCK makes opening a FIFO return
// at once instead of waiting for a writer (or, for writing, fail with ENXIO) — a planted FIFO once hung start-up
// without a log line; fstat after open tells a regular file from anything else that opened.
import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const { O_RDONLY, O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW, O_NONBLOCK } = constants;
export const READ_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
export const WRITE_FLAGS = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK;

/** The error of a store file that is not a regular file (or is a symbolic link): code ENOTREG. */
export function notRegular(file: string, what: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`${file} is ${what}, not a regular file: it is left alone`);
  e.code = 'ENOTREG';
  return e;
}

/** What an lstat says a path is, in words for a message. */
export function kindOf(mode: { isSymbolicLink(): boolean; isFIFO(): boolean; isDirectory(): boolean; isSocket(): boolean; isFile(): boolean }): string {
  if (mode.isSymbolicLink()) return 'a symbolic link';
  if (mode.isFIFO()) return 'a FIFO';
  if (mode.isDirectory()) return 'a folder';
  if (mode.isSocket()) return 'a socket';
  if (mode.isFile()) return 'a regular file';
  return 'a device';
}

function explain(file: string, e: unknown): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'ENXIO') {
    let what = code === 'ELOOP' ? 'a symbolic link' : 'a FIFO';
    try {
      what = kindOf(lstatSync(file));
    } catch {
      /* gone meanwhile */
    }
    throw notRegular(file, what);
  }
  throw e;
}

/** Opens a store file for reading: a regular file or an error (ENOENT, ENOTREG, …); never blocks, never follows. */
export function openRegularSync(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (e) {
    explain(file, e);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw notRegular(file, kindOf(st));
  }
  return fd;
}

/** Opens (creating or truncating) a store file for writing; refuses links, FIFOs and anything but a regular file. */
export async function openForWrite(file: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(file, WRITE_FLAGS, 0o644);
  } catch (e) {
    explain(file, e);
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw notRegular(file, kindOf(st));
  }
  return fh;
}

/** Writes bytes to a store file and fsyncs them, through openForWrite. */
export async function writeRegular(file: string, bytes: Uint8Array | string): Promise<void> {
  const fh = await openForWrite(file);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
