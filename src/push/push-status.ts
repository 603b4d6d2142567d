// The hub's and webhooks' state for /status. The worker owns it; under PM2 it leaves a copy in
// DATA_DIR/push-status.json (at most once a second) that every web instance reads.
import { statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { readTextSync } from '../store/read-text.js';
import { writeRegular } from '../store/safe-fs.js';
import type { HubStatus } from './hub.js';
import type { WebhookStatus } from './webhooks.js';

export interface PushStatus {
  /** Absent when there is no hub (no PUBLIC_URL). */
  websub?: HubStatus;
  webhooks: WebhookStatus[];
}

export const pushStatusFile = (dataDir: string): string => path.join(dataDir, 'push-status.json');

export async function writePushStatus(dataDir: string, status: PushStatus): Promise<void> {
  const file = pushStatusFile(dataDir);
  const tmp = `${file}.tmp-${process.pid}`;
  // Written and read as the store's own files are (store/safe-fs.ts): never through a symbolic link or into a FIFO
  // planted in DATA_DIR under either name.
  try {
    await writeRegular(tmp, JSON.stringify(status));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/** A web instance's view: the file re-read when it changed, at most once a second. */
export function pushStatusReader(dataDir: string): () => PushStatus | undefined {
  const file = pushStatusFile(dataDir);
  let checkedAt = 0;
  let mtime = -1;
  let last: PushStatus | undefined;
  return () => {
    const t = Date.now();
    if (t - checkedAt < 1000) return last;
    checkedAt = t;
    try {
      const m = statSync(file).mtimeMs;
      if (m !== mtime) {
        last = JSON.parse(readTextSync(file)) as PushStatus;
        mtime = m;
      }
    } catch {
      // not written yet (no worker, or no push configured), or not a regular file: the last good copy stays
    }
    return last;
  };
}
