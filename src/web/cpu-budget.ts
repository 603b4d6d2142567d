// A token bucket of CPU milliseconds: work a client can trigger at will (compressing a document for a Host seen
// for the first time) may use at most this much of the serving thread, however many clients ask.

export class CpuBudget {
  private tokens: number;
  private last: number;

  constructor(
    /** Milliseconds that may be spent at once after a quiet period. */
    readonly burstMs: number,
    /** Milliseconds per second of wall time, on average. */
    readonly perSecondMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burstMs;
    this.last = now();
  }

  /** True when some budget is left (the next piece of work may overdraw it by its own cost). */
  allow(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burstMs, this.tokens + ((t - this.last) / 1000) * this.perSecondMs);
    this.last = t;
    return this.tokens > 0;
  }

  spend(ms: number): void {
    this.tokens -= ms;
  }
}
