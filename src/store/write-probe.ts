// Whether the data folder takes a write now: a small file written, fsynced and removed, through the same
// opening as every store file (safe-fs.ts: never through a link, never a FIFO). A start on a full disk would
// otherwise look healthy until its first commit failed, which may be a whole schedule later when nothing changed.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeRegular } from './safe-fs.js';

/** Bytes written: one page, so that a file system with no free block refuses it (an empty file needs none). */
const PROBE_BYTES = 4096;

/** The probe's name: a dot file, one per process, never a store file's name. */
export const probeFile = (dataDir: string): string => path.join(dataDir, `.write-probe-${process.pid}`);

/** Resolves when DATA_DIR took a page and an fsync; rejects with the system's error (ENOSPC, EROFS, …) otherwise. */
export async function probeWrite(dataDir: string): Promise<void> {
  const file = probeFile(dataDir);
  // A probe left by a writer killed in the middle of one (the probing process is the one writer).
  for (const f of await readdir(dataDir).catch(() => [] as string[])) if (/^\.write-probe-\d+$/.test(f)) await rm(path.join(dataDir, f), { force: true }).catch(() => undefined);
  try {
    await writeRegular(file, Buffer.alloc(PROBE_BYTES, 0x2e));
  } finally {
    await rm(file, { force: true }).catch(() => undefined);
  }
}
