// nextScheduledAttempt: the back-off says "not before"; the attempt is the cron tick at or after it.
import { describe, expect, it } from 'vitest';
import { nextScheduledAttempt } from '../../src/worker/next-attempt.js';

const MIN = 60_000;

describe('nextScheduledAttempt', () => {
  it('with no back-off, the next tick', () => {
    const next = nextScheduledAttempt('*/15 * * * *', undefined)!;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(15 * MIN);
    expect(next.getUTCMinutes() % 15).toBe(0);
  });
  it('a back-off ending between two ticks waits for the later tick, not the back-off', () => {
    const first = nextScheduledAttempt('*/15 * * * *', undefined)!;
    const backoff = new Date(first.getTime() + 3 * MIN);
    const next = nextScheduledAttempt('*/15 * * * *', backoff)!;
    expect(next.getTime()).toBe(first.getTime() + 15 * MIN);
  });
  it('a back-off already over changes nothing', () => {
    const first = nextScheduledAttempt('*/5 * * * *', undefined)!;
    expect(nextScheduledAttempt('*/5 * * * *', new Date(Date.now() - 3600_000))!.getTime()).toBe(first.getTime());
  });
  it('a back-off days away on an hourly schedule', () => {
    const backoff = new Date(Date.now() + 2 * 24 * 3600_000 + 90_000);
    const next = nextScheduledAttempt('0 * * * *', backoff)!;
    expect(next.getTime()).toBeGreaterThanOrEqual(backoff.getTime());
    expect(next.getTime() - backoff.getTime()).toBeLessThanOrEqual(3600_000);
    expect(next.getUTCMinutes()).toBe(0);
  });
});
