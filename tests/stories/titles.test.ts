// Titles as readers see them: one line, and never megabytes long (a hostile feed's title is cut, with a warning).
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/model.js';
import { MAX_TITLE_CHARS, feedItemToIncoming } from '../../src/stories/normalise.js';

const ctx = { agency: 'nato', feedUrl: 'https://www.nato.int/feed.rss', timeZone: 'Europe/Brussels', now: new Date('2024-10-10T12:00:00Z') };
const item = (title: string): FeedItem => ({ kind: 'feed', title, link: 'https://www.nato.int/cps/en/natohq/news_1.htm', categories: [] });
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('feed item titles', () => {
  it.each([
    { description: 'an ordinary title is kept as it is', title: 'NATO Secretary General visits Ukraine', expected: 'NATO Secretary General visits Ukraine', cut: false },
    { description: 'white space runs and line breaks become one space', title: '  NATO \n\t Secretary   General ', expected: 'NATO Secretary General', cut: false },
    { description: 'a title of exactly the cap is kept', title: 'a'.repeat(MAX_TITLE_CHARS), expected: 'a'.repeat(MAX_TITLE_CHARS), cut: false },
    { description: 'spaces that fold under the cap do not count', title: `x${' '.repeat(5000)}y`, expected: 'x y', cut: false },
  ])('$description', ({ title, expected, cut }) => {
    const r = feedItemToIncoming(item(title), 0, ctx);
    expect(r.incoming?.title).toBe(expected);
    expect(r.warnings.some((w) => /title of \d+ characters cut/.test(w.message))).toBe(cut);
  });

  it('a title of megabytes is cut at a word boundary near the cap, with an ellipsis and a warning', () => {
    const long = words(1_000_000);
    const r = feedItemToIncoming(item(long), 0, ctx);
    const t = r.incoming!.title;
    expect(t.length).toBeLessThanOrEqual(MAX_TITLE_CHARS + 1);
    expect(t.length).toBeGreaterThan(MAX_TITLE_CHARS * 0.8);
    expect(t.endsWith('…')).toBe(true);
    expect(long.startsWith(t.slice(0, -1))).toBe(true);
    expect(long[t.length - 1]).toBe(' '); // cut between words
    expect(r.warnings.map((w) => w.message)).toContain(`item 1: title of ${long.length} characters cut to ${t.length}`);
  });

  it('a title without spaces is cut at the cap, never inside a surrogate pair', () => {
    const long = `${'a'.repeat(MAX_TITLE_CHARS - 1)}${'😀'.repeat(1000)}`;
    const t = feedItemToIncoming(item(long), 0, ctx).incoming!.title;
    expect(t).toBe(`${'a'.repeat(MAX_TITLE_CHARS - 1)}…`);
  });
});
