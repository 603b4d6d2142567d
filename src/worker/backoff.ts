// When to try a failing source again: Retry-After, once a day for a gone feed, else exponential with jitter.
// Pure: the caller passes `now` (and `random` in tests). A source is never disabled for good.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Retry-After is honoured up to this; a server asking for a week gets a day. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;
/** A 410 Gone source is still tried once a day: feeds come back, and a wrong 410 must not lose a source. */
export const GONE_RETRY_MS = 24 * HOUR;
/** The exponential back-off never waits longer than this. */
export const MAX_BACKOFF_MS = 6 * HOUR;
/** First back-off delay; the schedule's own interval is a good choice. */
export const DEFAULT_BASE_MS = MINUTE;
/** ±20 %: sources that failed together (one agency's outage) spread out when they come back. */
export const JITTER = 0.2;

export interface BackoffOptions {
  /** From a 429/503 Retry-After header, already converted to milliseconds. */
  retryAfterMs?: number;
  /** The last response was 410 Gone. */
  gone?: boolean;
  /** Uniform [0, 1); Math.random by default. */
  random?: () => number;
  /** First delay (default 1 minute). */
  baseMs?: number;
  /** Longest exponential delay (default 6 hours). */
  maxMs?: number;
}

/**
 * `consecutiveFailures` counts the failure that just happened (1 after the first failure).
 * - gone → now + 24 h;
 * - Retry-After → now + retryAfterMs, capped at 24 h and never sooner than the base delay (a `Retry-After: 0`
 *   must not turn into a tight loop);
 * - otherwise base · 2^(n−1), ±20 % jitter, capped at 6 h.
 */
export function nextAttemptAfterFailure(consecutiveFailures: number, now: Date, opts: BackoffOptions = {}): Date {
  const baseMs = opts.baseMs ?? DEFAULT_BASE_MS;
  const maxMs = Math.max(opts.maxMs ?? MAX_BACKOFF_MS, baseMs);
  if (opts.gone) return new Date(now.getTime() + GONE_RETRY_MS);
  if (opts.retryAfterMs !== undefined && Number.isFinite(opts.retryAfterMs)) {
    const wait = Math.min(Math.max(opts.retryAfterMs, baseMs), MAX_RETRY_AFTER_MS);
    return new Date(now.getTime() + wait);
  }
  const n = Number.isFinite(consecutiveFailures) ? Math.max(1, Math.floor(consecutiveFailures)) : 1;
  // 2^30 minutes is far past any cap: stop growing the exponent before it overflows.
  const exponential = Math.min(baseMs * 2 ** Math.min(n - 1, 30), maxMs);
  const random = opts.random ?? Math.random;
  const jitter = 1 - JITTER + 2 * JITTER * clamp01(random());
  const delay = Math.min(exponential * jitter, maxMs);
  return new Date(now.getTime() + Math.round(delay));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 1) : 0.5;
}
