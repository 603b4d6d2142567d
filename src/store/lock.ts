// One writer per store, for sure, and never none: the lock is a Linux abstract Unix socket named after the data
// folder's real path, bound by the writer for as long as it lives.
//
// Why not a lock file: Node has no flock(); a PID file is held on by a dead writer whose PID is a zombie (a
// container's init that does not reap orphans: kill(pid, 0) still succeeds) or was reused by another program; and
// a take-over of a "stale" file (by PID or by mtime) admits a second writer whenever two processes judge it stale
// at once, or the holder's event loop stalls past the mtime bound. bind() on an abstract socket name is atomic
// (exactly one process gets it), needs no disk (a full disk does not stop a writer from starting), and the kernel
// frees the name when the holder's last descriptor closes: at its death, zombie or not, whatever its PID becomes.
//
// `pressroom.lock` is written beside the store for people only (who holds it, since when); it locks nothing, and
// a stale one is simply overwritten. The holder answers on the socket with one JSON line (its PID and, through
// `describe`, its health), which names it in the refusal of a second writer and lets the web tier read the
// writer's state without a file (a full disk cannot stop that either).
import { createHash } from 'node:crypto';
import { closeSync, readSync, realpathSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StoreError, type StoreLog } from './errors.js';
import { acquirePidFileLock } from './lock-pidfile.js';
import { openRegularSync, writeRegular } from './safe-fs.js';

export const LOCK_INFO_FILE = 'pressroom.lock';

/** Data folders this process holds the lock of: a second writer in the same process is refused too. */
const held = new Set<string>();

/** What the holder says about itself on the socket. */
export interface HolderInfo {
  pid: number;
  since: string;
  dataDir: string;
  /** Whatever `describe` returned (the worker's health). */
  [key: string]: unknown;
}

/** `\0pressroom-store-<hash of the real path>`: one name per data folder, however it is spelled or linked to. */
export function lockName(dataDir: string): string {
  const real = realpathSync(dataDir);
  return `\0pressroom-store-${createHash('sha256').update(real).digest('hex').slice(0, 40)}`;
}

export interface AcquireOptions {
  log?: StoreLog;
  /** Extra fields the holder reports to whoever connects (e.g. the worker's health). */
  describe?: () => Record<string, unknown>;
}

/**
 * Takes the write lock of a data folder, or throws StoreError('locked') naming the process that holds it.
 * Returns the function that releases it.
 */
export async function acquireLock(dataDir: string, opts: AcquireOptions = {}): Promise<() => void> {
  const real = realpathSync(dataDir);
  if (held.has(real)) throw new StoreError(`store ${dataDir} is already open for writing in this process (pid ${process.pid})`, 'locked');
  // Abstract sockets are Linux's; elsewhere the PID file (weaker, see lock-pidfile.ts).
  if (process.platform !== 'linux') return acquirePidFileLock(path.join(dataDir, LOCK_INFO_FILE), opts.log);
  const name = lockName(real);
  const since = new Date().toISOString();
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    let extra: Record<string, unknown> = {};
    try {
      extra = opts.describe?.() ?? {};
    } catch {
      /* the description is a courtesy */
    }
    socket.end(`${JSON.stringify({ ...extra, pid: process.pid, since, dataDir: real })}\n`);
  });
  server.on('error', () => {});
  const bind = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // exclusive: under a cluster primary the handle would otherwise be shared, and bound by the primary.
      server.listen({ path: name, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    try {
      await bind();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      // Bound by another process. It answers with its PID, unless it is between bind() and listen() (its
      // connections are refused for a moment), dying (a killed process's other threads keep its descriptors for
      // a moment after it shows as a zombie: the name is then free on the next try), or stalled (its event loop
      // blocked: it does not answer, and keeps the lock). Ask and try again for up to 3 s, then refuse.
      const t0 = Date.now();
      for (;;) {
        const holder = await askHolder(real, Math.max(100, 3000 - (Date.now() - t0)));
        if (holder) throw lockedBy(dataDir, `process ${holder.pid}`, `it holds the lock since ${holder.since}`);
        const again = await bind().then(
          () => undefined,
          (err: NodeJS.ErrnoException) => err,
        );
        if (again === undefined) break;
        if (again.code !== 'EADDRINUSE') throw again;
        if (Date.now() - t0 >= 3000) {
          // The information file names a holder whose event loop is busy.
          const named = Number(firstLine(path.join(dataDir, LOCK_INFO_FILE)));
          throw Number.isInteger(named) && named > 0
            ? lockedBy(dataDir, `process ${named}`, `as ${LOCK_INFO_FILE} says; it did not answer on the lock socket`)
            : lockedBy(dataDir, 'another process', 'it did not answer on the lock socket');
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (e) {
    server.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot take the store lock of ${dataDir}: ${(e as Error).message}`, 'io');
  }
  // Never what keeps a process alive: the kernel frees the name at exit anyway.
  server.unref();
  held.add(real);
  const info = path.join(dataDir, LOCK_INFO_FILE);
  await writeRegular(
    info,
    `${process.pid}\n` +
      `Pressroom's store lock is held by process ${process.pid} since ${since}.\n` +
      `The lock itself is the abstract Unix socket @${name.slice(1)} (ss -xlp | grep pressroom-store), freed by the\n` +
      'kernel when that process dies; this file is information only and deleting it changes nothing.\n',
  ).catch((e: unknown) => opts.log?.warn({ file: info, err: (e as Error).message }, 'could not write the lock information file (the lock is held all the same)'));
  let released = false;
  return () => {
    if (released) return;
    released = true;
    held.delete(real);
    server.close();
    if (firstLine(info) === String(process.pid)) rmSync(info, { force: true });
  };
}

function lockedBy(dataDir: string, who: string, note: string): StoreError {
  return new StoreError(`store ${dataDir} is locked by ${who}: only one Pressroom worker may write it (${note})`, 'locked');
}

/** The first line of a small regular file (never through a link), or undefined. */
function firstLine(file: string): string | undefined {
  try {
    const fd = openRegularSync(file);
    try {
      const buf = Buffer.alloc(64);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return buf.toString('utf8', 0, n).split('\n', 1)[0]!.trim();
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/**
 * Asks the writer of a data folder who it is and how it is: undefined when no process holds the lock (or it did
 * not answer within `timeoutMs`). Linux only; elsewhere always undefined.
 */
export function askHolder(dataDir: string, timeoutMs = 1000): Promise<HolderInfo | undefined> {
  if (process.platform !== 'linux') return Promise.resolve(undefined);
  let name: string;
  try {
    name = lockName(dataDir);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    let text = '';
    const done = (v: HolderInfo | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const socket = net.connect({ path: name });
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (text.length > 1 << 20) done(undefined);
    });
    socket.on('end', () => {
      try {
        const v = JSON.parse(text) as HolderInfo;
        done(typeof v?.pid === 'number' ? v : undefined);
      } catch {
        done(undefined);
      }
    });
    socket.on('error', () => done(undefined));
  });
}
