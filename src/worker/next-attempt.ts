// When the worker will really try a source next: its back-off only says "not before"; the attempt itself
// happens at the first tick of the source's cron schedule at or after that.
import cron, { type ScheduledTask } from 'node-cron';

const tasks = new Map<string, ScheduledTask>();

/** A task never started, only asked for its next runs: one per schedule string, kept (a config has few). */
function taskOf(schedule: string): ScheduledTask | undefined {
  let t = tasks.get(schedule);
  if (t === undefined) {
    try {
      t = cron.createTask(schedule, () => {});
    } catch {
      return undefined;
    }
    tasks.set(schedule, t);
  }
  return t;
}

/**
 * The first tick of `schedule` (from now) at or after `notBefore` (a back-off; undefined = none). Undefined when
 * the schedule is not valid; `notBefore` itself when no tick comes within the next few thousand runs.
 */
export function nextScheduledAttempt(schedule: string, notBefore: Date | undefined): Date | undefined {
  const task = taskOf(schedule);
  if (task === undefined) return notBefore;
  for (let n = 4; n <= 4096; n *= 4) {
    const runs = task.getNextRuns(n);
    const hit = runs.find((r) => notBefore === undefined || r.getTime() >= notBefore.getTime());
    if (hit !== undefined) return hit;
    if (runs.length < n) break;
  }
  return notBefore;
}
