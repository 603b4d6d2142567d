// The drop folder's watcher: a bulletin that is new, changed or gone is ingested within seconds, not at the next
// scheduled scan. The schedule stays as the fallback for file systems that send no notifications (NFS, SMB).
//
// A notification says a file changed, not that it is complete: a copy in pieces, or an editor saving in several
// writes, sends many. So a notification only asks for a bulletin run `settleMs` later, and that run reads only
// files whose size and modification time have not moved for `settleMs` (worker/ingest.ts); a file still changing
// is left, and the run says so (`settling`), which asks for another. Writing to a dot-named temporary file and
// renaming it into place is what makes a drop atomic: dot-files are never read.
import { watch, type FSWatcher } from 'node:fs';
import type { IngestPlan, IngestReport } from './ingest.js';

export interface WatchLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface BulletinWatcher {
  /** Told every run's report: files still settling or missing within their grace period ask for a later run. */
  afterRun(report: IngestReport): void;
  close(): void;
}

export interface WatchOptions {
  dir: string;
  settleMs: number;
  request: (plan: IngestPlan) => Promise<void>;
  log: WatchLog;
  now?: () => number;
}

/** Slack past a deadline, so a run asked for at it finds the file's age past the settle time. */
const SLACK_MS = 150;
/** A folder that could not be watched (missing, not supported) is tried again this often. */
const RETRY_MS = 60_000;

export function watchBulletins(opts: WatchOptions): BulletinWatcher {
  const now = opts.now ?? Date.now;
  let watcher: FSWatcher | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let due = Infinity;
  let retry: NodeJS.Timeout | undefined;

  /** One timer for the earliest run asked for; a later ask never delays it. */
  const runAt = (at: number) => {
    if (closed || at >= due) return;
    due = at;
    clearTimeout(timer);
    timer = setTimeout(() => {
      due = Infinity;
      timer = undefined;
      void opts.request({ bulletins: true, feeds: [], settleMs: opts.settleMs });
    }, Math.max(0, at - now()));
    timer.unref();
  };

  const start = () => {
    retry = undefined;
    if (closed) return;
    try {
      watcher = watch(opts.dir, { persistent: false }, (_event, name) => {
        // Dot-files are temporary (the atomic way to drop a file is to write `.name` and rename it): ignored.
        if (typeof name === 'string' && name.startsWith('.')) return;
        // Every change restarts the wait: a file being written keeps pushing its run back.
        due = Infinity;
        runAt(now() + opts.settleMs + SLACK_MS);
      });
      watcher.on('error', (e) => {
        opts.log.warn({ dir: opts.dir, err: e.message }, 'bulletin folder watch failed; the schedule still scans it');
        watcher?.close();
        watcher = undefined;
        if (!closed) retry ??= setTimeout(start, RETRY_MS).unref();
      });
      opts.log.info({ dir: opts.dir, settleMs: opts.settleMs }, 'watching the bulletin drop folder');
    } catch (e) {
      opts.log.warn({ dir: opts.dir, err: (e as Error).message }, 'cannot watch the bulletin folder; the schedule still scans it');
      retry ??= setTimeout(start, RETRY_MS).unref();
    }
  };
  start();

  return {
    afterRun(report) {
      if (closed) return;
      if (report.settling) runAt(now() + opts.settleMs + SLACK_MS);
      for (const m of report.missing ?? []) runAt(Date.parse(m.deletesAt) + SLACK_MS);
      if (!watcher && !retry) start();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(retry);
      watcher?.close();
    },
  };
}
