// The lock of platforms without abstract Unix sockets (not Linux): a lock file holding the writer's PID, taken over
// when that PID is dead. Weaker than lock.ts (a zombie or a reused PID blocks it; a stalled holder can be taken
// over): Pressroom's production platform is Linux, this keeps a developer's machine working.
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { uptime } from 'node:os';
import path from 'node:path';
import { StoreError, type StoreLog } from './errors.js';

/** Folders this process holds the write lock of: a second writer in the same process is refused too. */
const held = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock written before this machine last booted is stale, whoever owns its PID now (PIDs are reused). */
function writtenBeforeBoot(lockFile: string): boolean {
  try {
    const bootMs = Date.now() - uptime() * 1000;
    return statSync(lockFile).mtimeMs < bootMs - 60_000;
  } catch {
    return false;
  }
}

/**
 * Takes the write lock of a store folder, or throws StoreError('locked') naming the process that holds it.
 * Returns the function that releases it (only if the lock is still ours).
 */
export function acquirePidFileLock(lockFile: string, log?: StoreLog): () => void {
  const key = path.resolve(lockFile);
  if (held.has(key))
    throw new StoreError(`store ${path.dirname(lockFile)} is already open for writing in this process (pid ${process.pid})`, 'locked');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      held.add(key);
      return () => {
        held.delete(key);
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
        continue; // removed between our open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner) && !writtenBeforeBoot(lockFile))
        throw new StoreError(
          `store ${path.dirname(lockFile)} is locked by process ${owner}: only one Pressroom worker may write it ` +
            `(if no Pressroom is running, delete ${lockFile})`,
          'locked',
        );
      log?.warn({ lock: lockFile, stalePid: Number.isNaN(owner) ? null : owner }, 'taking over a stale store lock');
      rmSync(lockFile, { force: true });
    }
  }
  throw new StoreError(`cannot acquire lock ${lockFile}`, 'locked');
}
