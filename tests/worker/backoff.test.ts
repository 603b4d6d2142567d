// nextAttemptAfterFailure: Retry-After, gone, exponential back-off with jitter, caps; never "disabled".
import { describe, expect, it } from 'vitest';
import { GONE_RETRY_MS, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, nextAttemptAfterFailure } from '../../src/worker/backoff.js';

const now = new Date('2024-10-09T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const delay = (d: Date): number => d.getTime() - now.getTime();
const mid = (): number => 0.5; // no jitter
const low = (): number => 0; // −20 %
const high = (): number => 0.999999; // just under +20 %

describe('nextAttemptAfterFailure', () => {
  it.each([
    { description: '1st failure: 1 min', failures: 1, random: mid, expected: 1 * MIN },
    { description: '2nd failure: 2 min', failures: 2, random: mid, expected: 2 * MIN },
    { description: '3rd failure: 4 min', failures: 3, random: mid, expected: 4 * MIN },
    { description: '5th failure: 16 min', failures: 5, random: mid, expected: 16 * MIN },
    { description: '9th failure: 256 min', failures: 9, random: mid, expected: 256 * MIN },
    { description: '10th failure: capped at 6 h', failures: 10, random: mid, expected: 6 * HOUR },
    { description: '1000th failure: still 6 h, no overflow', failures: 1000, random: mid, expected: 6 * HOUR },
    { description: 'jitter low: −20 %', failures: 3, random: low, expected: 3.2 * MIN },
    { description: 'jitter high: almost +20 %', failures: 3, random: high, expected: Math.round(4 * MIN * (0.8 + 0.4 * 0.999999)) },
    { description: 'jitter never passes the cap', failures: 20, random: high, expected: 6 * HOUR },
    { description: 'jitter can go under the cap', failures: 20, random: low, expected: 4.8 * HOUR },
    { description: '0 failures is treated as 1', failures: 0, random: mid, expected: 1 * MIN },
    { description: 'NaN failures is treated as 1', failures: Number.NaN, random: mid, expected: 1 * MIN },
  ])('$description', ({ failures, random, expected }) => {
    expect(delay(nextAttemptAfterFailure(failures, now, { random }))).toBe(expected);
  });

  it.each([
    { description: 'Retry-After 120 s is honoured exactly', retryAfterMs: 120_000, expected: 120_000 },
    { description: 'Retry-After 3 h is honoured beyond the 6 h exponential of later failures', retryAfterMs: 3 * HOUR, expected: 3 * HOUR },
    { description: 'Retry-After over a day is capped at 24 h', retryAfterMs: 7 * 24 * HOUR, expected: MAX_RETRY_AFTER_MS },
    { description: 'Retry-After 0 still waits the base delay', retryAfterMs: 0, expected: MIN },
  ])('$description', ({ retryAfterMs, expected }) => {
    expect(delay(nextAttemptAfterFailure(4, now, { retryAfterMs, random: high }))).toBe(expected);
  });

  it('tries a gone source once a day, whatever the failure count or Retry-After', () => {
    for (const failures of [1, 5, 500]) {
      expect(delay(nextAttemptAfterFailure(failures, now, { gone: true, retryAfterMs: 60_000 }))).toBe(GONE_RETRY_MS);
    }
  });

  it('starts from the schedule interval when given one', () => {
    const baseMs = 15 * MIN;
    expect(delay(nextAttemptAfterFailure(1, now, { baseMs, random: mid }))).toBe(15 * MIN);
    expect(delay(nextAttemptAfterFailure(3, now, { baseMs, random: mid }))).toBe(60 * MIN);
    expect(delay(nextAttemptAfterFailure(6, now, { baseMs, random: mid }))).toBe(MAX_BACKOFF_MS);
  });

  it('always returns a finite date in the future (a source is never disabled)', () => {
    for (let failures = 1; failures <= 200; failures++) {
      const d = nextAttemptAfterFailure(failures, now);
      expect(Number.isFinite(d.getTime())).toBe(true);
      expect(delay(d)).toBeGreaterThan(0);
      expect(delay(d)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    }
  });

  it('uses Math.random by default, spreading sources that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => delay(nextAttemptAfterFailure(4, now))));
    expect(delays.size).toBeGreaterThan(1);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(0.8 * 8 * MIN);
      expect(d).toBeLessThanOrEqual(1.2 * 8 * MIN);
    }
  });

  it('does not touch the `now` it was given', () => {
    const fixed = new Date(now);
    nextAttemptAfterFailure(3, fixed, { random: mid });
    expect(fixed.getTime()).toBe(now.getTime());
  });
});
