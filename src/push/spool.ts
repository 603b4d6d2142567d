// The hand-over of subscription requests from the web tier to the worker: one file per request in
// DATA_DIR/websub-spool/, written under a temporary name and renamed, so the worker never reads half a request.
// Under PM2 the web instances only read the store; the worker alone verifies and keeps subscriptions.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readTextSync } from '../store/read-text.js';
import type { HubRequest } from './hub-request.js';

export const spoolDir = (dataDir: string): string => path.join(dataDir, 'websub-spool');

/** Requests waiting for the worker: a web instance refuses more (503) rather than fill the disk. */
export const MAX_SPOOLED = 1000;
const STALE_TMP_MS = 60_000;

export async function spooledCount(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

export async function spoolRequest(dir: string, request: HubRequest): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Names sort in arrival order (time, then a random tie-break): the worker handles them in that order.
  const name = `${String(Date.now()).padStart(15, '0')}-${randomBytes(6).toString('hex')}`;
  const tmp = path.join(dir, `.${name}.tmp`);
  // The file can hold a subscriber's secret: readable by the daemon's user only.
  await writeFile(tmp, JSON.stringify(request), { mode: 0o600 });
  await rename(tmp, path.join(dir, `${name}.json`));
}

/** Takes every complete request from the spool, oldest first; each file is removed once read. */
export async function takeSpooled(dir: string): Promise<HubRequest[]> {
  let all: string[];
  try {
    all = await readdir(dir);
  } catch {
    return [];
  }
  // A temporary file older than a minute was left by a web instance that died while writing it.
  for (const n of all.filter((x) => x.startsWith('.') && x.endsWith('.tmp'))) {
    const file = path.join(dir, n);
    const age = await stat(file).then((st) => Date.now() - st.mtimeMs, () => 0);
    if (age > STALE_TMP_MS) await rm(file, { force: true });
  }
  const names = all.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  const out: HubRequest[] = [];
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      // Opened as store files are (store/safe-fs.ts): a link or a FIFO planted in the spool is refused, never
      // followed or waited on.
      const r = JSON.parse(readTextSync(file)) as HubRequest;
      if ((r.mode === 'subscribe' || r.mode === 'unsubscribe') && typeof r.callback === 'string' && typeof r.topic === 'string') out.push(r);
    } catch {
      // unreadable: dropped (a subscriber whose request vanished asks again: §5.1 leaves retrying to it)
    }
    await rm(file, { force: true });
  }
  return out;
}
