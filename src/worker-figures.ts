// What a web instance knows of the worker's figures newer than the worker's metrics file. Under PM2 the worker
// leaves its exposition in DATA_DIR/worker-metrics.prom after each run; on a full disk that file cannot be
// rewritten, so its pressroom_store_commit_failures_total stays at what it was before the disk filled. The worker
// also answers on its lock socket (store/lock.ts, no disk needed) with its commit failures, asked every two
// seconds for /readyz: that word replaces the file's. Pure.

export interface LiveWorkerFigures {
  /** The worker's pressroom_store_commit_failures_total as it last said on its lock socket. */
  commitFailures?: number;
}

const COMMIT_FAILURES = 'pressroom_store_commit_failures_total';
const LINE = new RegExp(`^${COMMIT_FAILURES} \\S+$`, 'm');

/** The figures a holder's answer carries, when it carries them (an older worker's does not). */
export function liveFiguresOf(holder: Record<string, unknown>): LiveWorkerFigures {
  const n = holder.commitFailures;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? { commitFailures: n } : {};
}

/** The worker's exposition with its live figures in place of the file's (added when the file has none). */
export function withLiveWorkerFigures(exposition: string, live: LiveWorkerFigures): string {
  if (live.commitFailures === undefined) return exposition;
  const line = `${COMMIT_FAILURES} ${live.commitFailures}`;
  if (LINE.test(exposition)) return exposition.replace(LINE, line);
  const sep = exposition === '' || exposition.endsWith('\n') ? '' : '\n';
  return `${exposition}${sep}# HELP ${COMMIT_FAILURES} Store commits that failed (a full disk, an I/O error); each is retried\n# TYPE ${COMMIT_FAILURES} counter\n${line}\n`;
}
