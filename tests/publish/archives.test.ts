// Month index and RFC 5005 links; query selection over stories.
import { describe, expect, it } from 'vitest';
import { archiveHistory, closedMonths, indexMonths, monthName, subscriptionHistory, unarchivedCount } from '../../src/publish/archives.js';
import { selectStories } from '../../src/publish/select-stories.js';
import type { Story } from '../../src/model.js';
import { makeStory } from '../helpers/web.js';

const s = (id: string, published: string, over: Partial<Story> = {}) =>
  makeStory({ id, seq: 1, agency: 'nato', title: id, published, ...over });

describe('indexMonths and archive links', () => {
  const stories = [
    s('d', '2024-12-31T23:30:00-02:00'), // 2025-01 in UTC
    s('c', '2024-10-01T00:00:00Z'),
    s('b', '2024-09-30T23:59:59Z'),
    s('x', 'not a date'),
    s('a', '2024-06-15T00:00:00Z'),
  ];
  const index = indexMonths(stories);

  it('groups by UTC month, newest first, skipping months without stories and stories without dates', () => {
    expect(index.months).toEqual(['2025-01', '2024-10', '2024-09', '2024-06']);
    expect(index.stories.get('2024-09')!.map((x) => x.id)).toEqual(['b']);
  });

  it('links each closed month to the next older one and the subscription feed; the current month is no archive', () => {
    const B = 'http://h';
    const NOW = '2025-01';
    expect(closedMonths(index, NOW)).toEqual(['2024-10', '2024-09', '2024-06']);
    expect(archiveHistory(index, B, 'nato', '2024-09', NOW)).toEqual({
      archive: true,
      current: 'http://h/feeds/nato.atom',
      prevArchive: 'http://h/feeds/nato/archive/2024-06.atom',
    });
    expect(archiveHistory(index, B, 'nato', '2024-06', NOW).prevArchive).toBeUndefined();
    // prev-archive names the newest closed month, not the current one.
    expect(subscriptionHistory(index, B, 'nato', NOW)).toEqual({ archive: false, prevArchive: 'http://h/feeds/nato/archive/2024-10.atom' });
    expect(subscriptionHistory(index, B, 'nato', '2025-02')).toEqual({ archive: false, prevArchive: 'http://h/feeds/nato/archive/2025-01.atom' });
    expect(subscriptionHistory(indexMonths([]), B, 'nato', NOW)).toBeUndefined();
    expect(subscriptionHistory(indexMonths([stories[0]!]), B, 'nato', NOW)).toBeUndefined();
    expect(unarchivedCount(stories, NOW)).toBe(1);
    expect(monthName('2024-10')).toBe('October 2024');
  });
});

describe('selectStories', () => {
  const stories = [
    s('1', '2024-10-03T00:00:00Z', { title: 'Cyber attack foiled', categories: ['Cybercrime'] }),
    s('2', '2024-10-02T00:00:00Z', { agency: 'europol', title: 'Drug lab', summary: 'A CYBER angle', categories: [] }),
    s('3', '2024-10-01T00:00:00Z', { title: 'Ministers meet', updated: '2024-10-05T00:00:00Z', categories: ['Defence'] }),
    s('4', '2024-09-01T00:00:00Z', { title: 'Ｃｙｂｅｒ week', categories: ['cybercrime '] }),
  ];
  const agencies = { nato: { id: 'nato', name: 'NATO' }, europol: { id: 'europol', name: 'Europol' } };
  it.each([
    { description: 'q in title or summary, any case or width', query: { limit: 50, q: 'cyber' }, expected: ['1', '2', '4'] },
    { description: 'category as an agency name', query: { limit: 50, category: 'europol' }, expected: ['2'] },
    { description: 'category as an agency id in another case', query: { limit: 50, category: 'NATO' }, expected: ['1', '3', '4'] },
    { description: 'category as a story category', query: { limit: 50, category: 'CyberCrime' }, expected: ['1', '4'] },
    { description: 'since counts updates too', query: { limit: 50, since: new Date('2024-10-03T00:00:00Z') }, expected: ['1', '3'] },
    { description: 'limit after filtering', query: { limit: 1, q: 'cyber' }, expected: ['1'] },
    { description: 'everything together', query: { limit: 5, q: 'c', category: 'nato', since: new Date('2024-09-15T00:00:00Z') }, expected: ['1'] },
  ])('$description', ({ query, expected }) => {
    expect(selectStories(stories, query, agencies).map((x) => x.id)).toEqual(expected);
  });
});
