// The hub's and webhooks' state for /status. The worker owns it; under PM2 it leaves a copy in
// DATA_DIR/push-status.json (at most once a second) that every web instance reads.
import { readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
  await writeFile(tmp, JSON.stringify(status));
  await rename(tmp, file);
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
        last = JSON.parse(readFileSync(file, 'utf8')) as PushStatus;
        mtime = m;
      }
    } catch {
      // not written yet (no worker, or no push configured)
    }
    return last;
  };
}
