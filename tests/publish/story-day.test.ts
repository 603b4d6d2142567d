// A day-only story's day as people see it, and the instants feeds publish it at; ids minted for the agency's day.
import { describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { readAtMost } from '../../src/sources/read-bulletins.js';
import { emptyStore } from '../../src/store/store.js';
import { mintId } from '../../src/stories/identity.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { bulletinToIncoming, feedItemToIncoming } from '../../src/stories/normalise.js';
import { isDayOnly, publicationDates, storyDay } from '../../src/publish/story-day.js';
import { printableName } from '../../src/text/printable.js';

type Dated = Pick<Story, 'published' | 'updated' | 'dateSource'>;

describe('publicationDates and storyDay', () => {
  it.each<{ description: string; story: Dated; zone: string; day: string; published: string; updated: string }>([
    {
      description: 'a Brussels bulletin day stored as its midnight (CEST): noon there, order stamp moved along',
      story: { published: '2024-10-08T22:00:00.000Z', updated: '2024-10-08T22:59:59.000Z', dateSource: 'bulletin' },
      zone: 'Europe/Brussels', day: '2024-10-09', published: '2024-10-09T10:00:00.000Z', updated: '2024-10-09T10:59:59.000Z',
    },
    {
      description: 'in winter (CET)',
      story: { published: '2024-12-08T23:00:00.000Z', updated: '2024-12-08T23:59:00.000Z', dateSource: 'bulletin' },
      zone: 'Europe/Brussels', day: '2024-12-09', published: '2024-12-09T11:00:00.000Z', updated: '2024-12-09T11:59:00.000Z',
    },
    {
      description: 'on the day clocks go back (25 hours): still that day’s noon',
      story: { published: '2024-10-26T22:00:00.000Z', updated: '2024-10-26T22:00:10.000Z', dateSource: 'bulletin' },
      zone: 'Europe/Brussels', day: '2024-10-27', published: '2024-10-27T11:00:00.000Z', updated: '2024-10-27T11:00:10.000Z',
    },
    {
      description: 'a bulletin story edited later keeps its later updated',
      story: { published: '2024-10-08T22:00:00.000Z', updated: '2024-10-10T15:00:00.000Z', dateSource: 'bulletin' },
      zone: 'Europe/Brussels', day: '2024-10-09', published: '2024-10-09T10:00:00.000Z', updated: '2024-10-10T15:00:00.000Z',
    },
    {
      description: 'a date-only feed date (midnight local) is a day too',
      story: { published: '2024-10-08T22:00:00.000Z', updated: '2024-10-08T22:00:00.000Z', dateSource: 'feed' },
      zone: 'Europe/Amsterdam', day: '2024-10-09', published: '2024-10-09T10:00:00.000Z', updated: '2024-10-09T10:00:00.000Z',
    },
    {
      description: 'a feed time of day is published as it is; its day is the agency’s',
      story: { published: '2024-10-08T22:30:00.000Z', updated: '2024-10-08T22:30:00.000Z', dateSource: 'feed' },
      zone: 'Europe/Brussels', day: '2024-10-09', published: '2024-10-08T22:30:00.000Z', updated: '2024-10-08T22:30:00.000Z',
    },
    {
      description: 'an agency west of UTC (New York)',
      story: { published: '2024-10-09T04:00:00.000Z', updated: '2024-10-09T04:00:05.000Z', dateSource: 'bulletin' },
      zone: 'America/New_York', day: '2024-10-09', published: '2024-10-09T16:00:00.000Z', updated: '2024-10-09T16:00:05.000Z',
    },
    {
      description: 'first-seen stories are untouched',
      story: { published: '2024-10-09T00:00:00.000Z', updated: '2024-10-09T00:00:00.000Z', dateSource: 'first-seen' },
      zone: 'UTC', day: '2024-10-09', published: '2024-10-09T00:00:00.000Z', updated: '2024-10-09T00:00:00.000Z',
    },
  ])('$description', ({ story, zone, day, published, updated }) => {
    expect(storyDay(story, zone)).toBe(day);
    expect(publicationDates(story, zone)).toEqual({ published, updated });
    // Published twice is the same: the rule is idempotent (a noon stored by a later version stays noon).
    const again = { ...story, ...publicationDates(story, zone) };
    if (isDayOnly(story, zone)) expect(storyDay(again, zone)).toBe(day);
  });
});

describe('a feed item dated by a day only', () => {
  it.each(['Wed, 09 Oct 2024', '2024-10-09', 'Wed, 09 Oct 2024 00:00:00 +0200'])('%s: the Brussels day everywhere, noon in feeds, id of that day', (date) => {
    const { incoming } = feedItemToIncoming(
      { kind: 'feed', title: 'Allies meet', link: 'https://www.nato.int/a', guid: 'a', published: date, categories: [] },
      0,
      { agency: 'nato', feedUrl: 'https://www.nato.int/rss', timeZone: 'Europe/Brussels', now: new Date('2024-10-10T00:00:00Z') },
    );
    expect(incoming!.day).toBe('2024-10-09');
    const story = { published: incoming!.published!, updated: incoming!.published!, dateSource: 'feed' as const };
    expect(storyDay(story, 'Europe/Brussels')).toBe('2024-10-09');
    expect(publicationDates(story, 'Europe/Brussels').published).toBe('2024-10-09T10:00:00.000Z');
    const { data } = mergeIncoming(emptyStore(), [incoming!], new Date('2024-10-10T00:00:00Z'));
    expect(data.stories[0]!.id).toMatch(/^tag:pressroom,2024-10-09:nato\//);
  });
});

describe('ids and identity across the change', () => {
  const text = 'Allies meet\n\nSource: NATO\n\nAllies met today.\n';
  const item = parseBulletin(text).items[0]!;
  const ctx = { file: 'bulletin-2024-10-09.txt', agency: 'nato', timeZone: 'Europe/Brussels' };

  it('a new story is named for the agency’s day', () => {
    const { data, created } = mergeIncoming(emptyStore(), [bulletinToIncoming(item, ctx)], new Date('2024-10-09T08:00:00Z'));
    expect(created).toHaveLength(1);
    expect(data.stories[0]!.id).toMatch(/^tag:pressroom,2024-10-09:nato\//);
  });

  it('a story minted by the old code (the UTC day of its midnight) keeps its id and is found again', () => {
    const inc = bulletinToIncoming(item, ctx);
    const oldId = mintId('nato', inc.keys[0]!, inc.published!.slice(0, 10), () => false);
    expect(oldId).toMatch(/^tag:pressroom,2024-10-08:nato\//);
    const first = mergeIncoming(emptyStore(), [{ ...inc, day: undefined as unknown as string }], new Date('2024-10-09T08:00:00Z')).data;
    const [old] = first.stories;
    expect(old!.id).toBe(oldId);
    const again = mergeIncoming(first, [inc], new Date('2024-10-10T08:00:00Z'));
    expect(again.created).toEqual([]);
    expect(again.data.stories.map((s) => s.id)).toEqual([oldId]);
  });
});

describe('readAtMost counts bytes read, not a reported size', () => {
  async function* endless() {
    for (;;) yield new Uint8Array(4096);
  }
  async function* few() {
    yield new Uint8Array([1, 2]);
    yield new Uint8Array([3]);
  }
  it('an endless stream stops just past the limit', async () => {
    expect(await readAtMost(endless(), 100_000)).toBeUndefined();
  });
  it('a short one is read whole', async () => {
    expect([...(await readAtMost(few(), 3))!]).toEqual([1, 2, 3]);
    expect(await readAtMost(few(), 2)).toBeUndefined();
  });
});

describe('printableName', () => {
  it.each([
    { input: 'bulletin-2024-10-09.txt', expected: 'bulletin-2024-10-09.txt' },
    { input: 'a\nb', expected: 'a\\nb' },
    { input: 'red\u001b[31m.txt', expected: 'red\\x1b[31m.txt' },
    { input: 'txt.\u202Eexe', expected: 'txt.\\u202eexe' },
    { input: 'back\\slash\t', expected: 'back\\\\slash\\t' },
    { input: 'Café München.txt', expected: 'Café München.txt' },
  ])('$input', ({ input, expected }) => {
    expect(printableName(input)).toBe(expected);
  });
});
