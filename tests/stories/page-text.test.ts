import { describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { applyPageText } from '../../src/stories/page-text.js';

const story = (over: Partial<Story> = {}): Story => ({
  id: 'tag:pressroom,2024-10-09:europol/abc',
  seq: 1,
  agency: 'europol',
  title: 'Eight arrested in Latvia',
  link: 'https://www.europol.europa.eu/a',
  published: '2024-10-09T00:00:00.000Z',
  updated: '2024-10-09T00:00:00.000Z',
  firstSeen: '2024-10-09T08:00:00.000Z',
  dateSource: 'bulletin',
  contentHtml: '<p>Europol worked closely…</p>',
  summary: 'Europol worked closely…',
  teaser: true,
  categories: [],
  sources: [{ kind: 'bulletin', file: 'bulletin-2024-10-09.txt', line: 14 }],
  bodyFrom: 'bulletin:bulletin-2024-10-09.txt',
  history: [],
  ...over,
});
const NOW = new Date('2024-10-09T12:00:00.000Z');
const page = { url: 'https://www.europol.europa.eu/a', html: '<p>Europol worked closely with Latvian partners.</p><p>More.</p>', fetchedAt: NOW.toISOString() };

describe('applyPageText', () => {
  it.each([
    { description: 'a bulletin day is corrected by the page date', over: {}, published: '2024-10-09T09:20:00.000Z', expected: { published: '2024-10-09T09:20:00.000Z', dateSource: 'page' } },
    { description: 'first-seen (no usable date) is corrected too, and its flag cleared', over: { dateSource: 'first-seen' as const, dateFlag: 'unparseable' as const }, published: '2024-10-08T10:00:00.000Z', expected: { published: '2024-10-08T10:00:00.000Z', dateSource: 'page', dateFlag: undefined } },
    { description: "a feed's date is never changed", over: { dateSource: 'feed' as const, published: '2024-10-09T07:00:00.000Z' }, published: '2024-10-09T09:20:00.000Z', expected: { published: '2024-10-09T07:00:00.000Z', dateSource: 'feed' } },
    { description: 'a page date in the future of first-seen is not believed', over: {}, published: '2024-10-20T00:00:00.000Z', expected: { published: '2024-10-09T00:00:00.000Z', dateSource: 'bulletin' } },
    { description: 'no page date: the date stays', over: {}, published: undefined, expected: { published: '2024-10-09T00:00:00.000Z', dateSource: 'bulletin' } },
  ])('$description', ({ over, published, expected }) => {
    const s = applyPageText(story(over), { ...page, ...(published ? { published } : {}) }, NOW);
    expect({ published: s.published, dateSource: s.dateSource, ...('dateFlag' in expected ? { dateFlag: s.dateFlag } : {}) }).toEqual(expected);
  });

  it('replaces the body in place: same id, teaser cleared, page recorded, updated moved', () => {
    const before = story();
    const s = applyPageText(before, page, NOW);
    expect(s.id).toBe(before.id);
    expect(s).toMatchObject({ contentHtml: page.html, teaser: false, bodyFrom: `page:${page.url}`, updated: NOW.toISOString() });
    expect(s.summary).toBe('Europol worked closely with Latvian partners. More.');
    expect(s.sources).toEqual([...before.sources, { kind: 'page', url: page.url, fetchedAt: NOW.toISOString() }]);
  });

  it('a story first seen in this run keeps an updated that is a function of its sources', () => {
    const s = applyPageText(story({ firstSeen: NOW.toISOString() }), { ...page, published: '2024-10-09T09:20:00.000Z' }, NOW);
    expect(s.updated).toBe('2024-10-09T09:20:00.000Z');
  });
});
