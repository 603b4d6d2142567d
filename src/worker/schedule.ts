// Runs ingests on each source's cron schedule, one run at a time, plus one run at start-up.
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config.js';
import type { IngestPlan, IngestReport } from './ingest.js';

type RunFn = (plan: IngestPlan, signal: AbortSignal) => Promise<IngestReport>;

export interface Scheduler {
  /** Asks for a run; plans that arrive while a run is going are merged into the next one. */
  request(plan: IngestPlan): Promise<void>;
  /**
   * Runs `job` between runs, never during one (an operator's write, `ingest --once` through the control channel):
   * every store write goes through this one queue, so no run commits over a change made beside it.
   */
  exclusive<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Stops the schedule, aborts the run in flight (it then writes nothing) and waits for it to end. */
  stop(): Promise<void>;
}

function mergePlans(a: IngestPlan | undefined, b: IngestPlan): IngestPlan {
  if (!a) return b;
  const feeds = a.feeds === 'all' || b.feeds === 'all' ? 'all' : [...new Set([...a.feeds, ...b.feeds])];
  // The run honours the settle time when either plan did (0 when neither asked: read every file now).
  const settleMs = Math.max(a.settleMs ?? 0, b.settleMs ?? 0);
  return { bulletins: a.bulletins || b.bulletins, feeds, force: (a.force ?? false) || (b.force ?? false), ...(settleMs ? { settleMs } : {}) };
}

/**
 * node-cron's own overlap guard is per task; our runs all write one store, so every task feeds one queue
 * and runs never overlap across tasks either. Missed runs are never replayed by node-cron: the start-up
 * run covers them.
 */
export function startSchedule(config: Config, run: RunFn, onError: (e: unknown) => void): Scheduler {
  let pending: IngestPlan | undefined;
  let waiters: (() => void)[] = [];
  let running: Promise<void> | undefined;
  let stopped = false;
  const controller = new AbortController();
  const jobs: (() => Promise<void>)[] = [];

  const loop = async () => {
    while ((pending || jobs.length) && !stopped) {
      const job = jobs.shift();
      if (job) {
        await job();
        continue;
      }
      if (!pending) continue;
      const plan = pending;
      const done = waiters;
      pending = undefined;
      waiters = [];
      try {
        await run(plan, controller.signal);
      } catch (e) {
        onError(e);
      }
      for (const w of done) w();
    }
    for (const w of waiters) w();
    waiters = [];
    for (const j of jobs.splice(0)) await j();
    running = undefined;
  };

  const exclusive = <T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (stopped) return reject(new Error('shutting down'));
      jobs.push(() => (stopped ? Promise.reject(new Error('shutting down')) : job(controller.signal)).then(resolve, reject));
      running ??= loop();
    });

  const request = (plan: IngestPlan): Promise<void> => {
    if (stopped) return Promise.resolve();
    pending = mergePlans(pending, plan);
    const p = new Promise<void>((resolve) => waiters.push(resolve));
    running ??= loop();
    return p;
  };

  const tasks: ScheduledTask[] = [];
  // The fallback scan (a file system without notifications): files still changing are left for the next one.
  const settle = config.intake?.settleMs ? { settleMs: config.intake.settleMs } : {};
  tasks.push(cron.schedule(config.bulletinSchedule, () => void request({ bulletins: true, feeds: [], ...settle }), { name: 'bulletins', noOverlap: true }));
  for (const a of config.agencies)
    for (const f of a.feeds)
      tasks.push(
        cron.schedule(f.schedule, () => void request({ bulletins: false, feeds: [f.url] }), {
          name: `feed:${f.url}`,
          noOverlap: true,
          // A per-source random offset so that every feed on */15 does not fire in the same second.
          maxRandomDelay: 30_000,
        }),
      );

  return {
    request,
    exclusive,
    async stop() {
      stopped = true;
      for (const t of tasks) await t.destroy();
      controller.abort(new Error('shutting down'));
      await running;
    },
  };
}
