// The store's side of a process's health (src/health.ts): damaged files set aside (`store`) and failing commits
// (`commits`). The writer knows its commits; a web instance asks the writer on its lock socket (store/lock.ts),
// which needs no disk, so a full disk shows on every tier's /readyz and /status.
import type { Health, DegradedPart } from './health.js';
import { askHolder } from './store/lock.js';
import { describeLoss, type CommitOutcome, type Loss, type ProbeOutcome, type Store } from './store/store.js';

/** What went wrong with a write, in words, without paths (the status feed and /status are public). */
export function writeProblem(e: Error): string {
  // The system's error code (ENOSPC, …), wherever it is in the chain of causes.
  let code: string | undefined;
  for (let c: unknown = e; c instanceof Error && code === undefined; c = c.cause) {
    const k = (c as NodeJS.ErrnoException).code;
    if (typeof k === 'string' && /^E[A-Z]+$/.test(k)) code = k;
  }
  const words: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EIO: 'input/output error',
    ENOTREG: 'a store file is a link, a FIFO or a folder',
    EMFILE: 'too many open files',
  };
  return code ? `${words[code] ?? 'the write failed'} (${code})` : 'the write failed';
}

interface Log {
  warn(obj: object, msg: string): void;
}

/** The writer's `onCommit`: failing commits degrade `commits`; the first success clears it. */
export function commitReporter(health: Health, onFailure: () => void): (o: CommitOutcome) => void {
  return (o) => {
    if (o.ok) {
      health.setDegraded('commits', undefined);
      return;
    }
    onFailure();
    health.setDegraded('commits', `store commits fail: ${writeProblem(o.error)}; serving the last good state read-only; ${o.failures} failed in a row, next try in ${Math.max(1, Math.round(o.retryInMs / 1000))} s`, {
      failures: o.failures,
      retryInMs: o.retryInMs,
    });
  };
}

/**
 * The writer's `onProbe`: a data folder that takes no write (a start on a full disk) degrades `commits` at once,
 * before any commit has failed; the first write that goes through clears it (store.ts tells `ok` only then).
 */
export function probeReporter(health: Health): (o: ProbeOutcome) => void {
  return (o) => {
    if (o.ok) {
      health.setDegraded('commits', undefined);
      return;
    }
    health.setDegraded('commits', `the store cannot be written: ${writeProblem(o.error)}; serving what is stored read-only; checking again in ${Math.max(1, Math.round(o.retryInMs / 1000))} s`, {
      probeFailures: o.failures,
      retryInMs: o.retryInMs,
    });
  };
}

/** `store`'s degradation from the damaged files known: none → cleared. */
export function storeDamage(losses: readonly Loss[]): { message: string; detail: Record<string, unknown> } | undefined {
  if (losses.length === 0) return undefined;
  const lost = losses.filter((l) => l.partition && !l.restoredFrom).reduce((n, l) => n + (l.stories ?? 0), 0);
  const message =
    `${losses.length} damaged store file${losses.length === 1 ? '' : 's'}` +
    (lost ? `, ${lost} stories lost` : '') +
    `: ${losses.map(describeLoss).join('; ')}. Delete a file's .loss.json from quarantine/ once it is dealt with.`;
  return { message, detail: { damaged: losses } };
}

/**
 * Keeps `store` and (for a web instance) `commits` current: the damaged files every few seconds (an operator
 * clears quarantine/), the writer's word on its commits every two. Returns the function that stops it, with
 * `first`: resolved once the first look at both is done (a web instance waits for it before it listens, so that
 * its first answers already say what the writer says, e.g. that it cannot write).
 */
export function watchStoreHealth(
  store: Store,
  health: Health,
  opts: { dataDir: string; writer: boolean; log: Log; /** Each answer of the writer (a web instance: its figures for /metrics). */ onHolder?: (h: Record<string, unknown>) => void },
): (() => void) & { first: Promise<void> } {
  let stopped = false;
  const damage = async () => {
    try {
      const d = storeDamage(await store.damage());
      health.setDegraded('store', d?.message, d?.detail);
    } catch (e) {
      opts.log.warn({ err: (e as Error).message }, 'could not list the quarantined store files');
    }
  };
  const writer = async () => {
    const holder = await askHolder(opts.dataDir, 1000);
    if (stopped) return;
    const commits = (holder?.degraded as Record<string, DegradedPart | undefined> | undefined)?.commits;
    // No writer running (or it did not answer): nothing is known of commits; the last word stands until one answers.
    if (holder) {
      health.merge({ commits });
      opts.onHolder?.(holder);
    }
  };
  const first = [damage()];
  const timers = [setInterval(() => void damage(), 5000).unref()];
  if (!opts.writer) {
    first.push(writer());
    timers.push(setInterval(() => void writer(), 2000).unref());
  }
  const stop = () => {
    stopped = true;
    for (const t of timers) clearInterval(t);
  };
  return Object.assign(stop, { first: Promise.all(first).then(() => undefined) });
}
