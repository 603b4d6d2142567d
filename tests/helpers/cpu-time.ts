// CPU time, not wall time, for the "linear, never a hang" guards on pure functions: on a small CI machine shared
// with other test files (or other jobs), wall time of the same work varies several-fold, while the CPU time this
// process spends on it does not. A quadratic scan or a backtracking expression on a megabyte input still costs
// minutes of CPU, so the bound keeps its meaning. `process.cpuUsage()` counts every thread of this process (the
// test file's own, under vitest's forks pool, plus V8's GC helpers): use it only around work that runs in
// this process and waits on nothing else.
export interface CpuTimed<T> {
  value: T;
  /** User + system CPU time of this process while `f` ran, in ms. */
  cpuMs: number;
}

export async function cpuTimed<T>(f: () => T | Promise<T>): Promise<CpuTimed<T>> {
  const c0 = process.cpuUsage();
  const value = await f();
  const d = process.cpuUsage(c0);
  return { value, cpuMs: (d.user + d.system) / 1000 };
}

export function cpuTimedSync<T>(f: () => T): CpuTimed<T> {
  const c0 = process.cpuUsage();
  const value = f();
  const d = process.cpuUsage(c0);
  return { value, cpuMs: (d.user + d.system) / 1000 };
}
