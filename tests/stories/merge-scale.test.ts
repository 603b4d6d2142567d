// The merge on batches of a size no agency sends (a hostile feed): it runs on the thread that serves HTTP in
// `pressroom start`, so its cost must stay linear in the batch when nothing matches, and bounded by its
// comparison budget when everything could.
import { describe, expect, it } from 'vitest';
import type { Incoming } from '../../src/model.js';
import { emptyStore } from '../../src/store/store.js';
import { COMPARISONS_BEFORE_BUDGET, mergeIncoming } from '../../src/stories/merge.js';
import { cpuTimedSync } from '../helpers/cpu-time.js';
import { feedItem } from './merge.data.js';

const NOW = new Date('2024-10-10T00:00:00Z');
/** n releases of one feed, all of one day, titles and texts alike enough to be compared (and different). */
const items = (n: number, from = 0): Incoming[] =>
  Array.from({ length: n }, (_, j) => {
    const i = from + j;
    return feedItem(
      'europol',
      {
        guid: `g${i}`,
        link: `https://www.europol.europa.eu/media-press/newsroom/news/${i}`,
        title: `Operation ${i} against a network in region ${i % 97}`,
        published: 'Wed, 09 Oct 2024 10:00:00 GMT',
        summaryHtml: `Text of release ${i}, with words ${(i * 31) % 1009} and more words so that the opening is long enough to compare.`,
      },
      { now: NOW, index: j },
    );
  });


describe('merging batches no agency sends', () => {
  it('10,000 new items of one fetch into an empty store: every one a story, in linear time (was 31 s)', () => {
    const batch = items(10_000);
    const r = cpuTimedSync(() => mergeIncoming(emptyStore(), batch, NOW));
    expect(r.value.created).toHaveLength(10_000);
    expect(new Set(r.value.data.stories.map((s) => s.id)).size).toBe(10_000);
    // A guard against a hang, not a benchmark: ~0.2 s here. CPU time, which a loaded machine does not stretch.
    expect(r.cpuMs).toBeLessThan(10_000);
  });

  it('past its comparison budget a batch is matched by keys only: re-polled items still find their stories', () => {
    const first = mergeIncoming(emptyStore(), items(2000), NOW);
    const later = new Date('2024-10-10T00:15:00Z');
    // 2,000 other releases beside 2,000 stored ones of the same day: 4 million comparisons without a budget.
    const fresh = mergeIncoming(first.data, items(2000, 2000), later, { compareBudgetMs: 0 });
    expect(fresh.created).toHaveLength(2000);
    expect(fresh.notCompared).toBeGreaterThan(1900);
    // The same fetch again, budget spent at once: every item is found by its guid and link, nothing doubles.
    const again = mergeIncoming(fresh.data, [...items(2000), ...items(2000, 2000)], later, { compareBudgetMs: 0 });
    expect(again.created).toEqual([]);
    expect(again.notCompared).toBeUndefined();
    expect(again.data.stories).toHaveLength(4000);
  });

  it('within the budget nothing changes: the same batch merges the same way with and without one', () => {
    const base = mergeIncoming(emptyStore(), items(300), NOW).data;
    const later = new Date('2024-10-10T00:15:00Z');
    const a = mergeIncoming(base, items(300, 300), later);
    const b = mergeIncoming(base, items(300, 300), later, { compareBudgetMs: 60_000 });
    expect(b.notCompared).toBeUndefined();
    expect(b.data.stories.map((s) => s.id)).toEqual(a.data.stories.map((s) => s.id));
  });

  it('an ordinary batch is compared in full even when the clock says the budget is gone (a stalled process)', () => {
    // 200 × 200 pairs, under COMPARISONS_BEFORE_BUDGET: a budget of 0 ms is what a descheduled process sees.
    expect(200 * 200).toBeLessThan(COMPARISONS_BEFORE_BUDGET);
    const base = mergeIncoming(emptyStore(), items(200), NOW).data;
    const later = new Date('2024-10-10T00:15:00Z');
    const a = mergeIncoming(base, items(200, 200), later);
    const b = mergeIncoming(base, items(200, 200), later, { compareBudgetMs: 0 });
    expect(b.notCompared).toBeUndefined();
    expect(b.data.stories.map((s) => s.id)).toEqual(a.data.stories.map((s) => s.id));
  });
});
