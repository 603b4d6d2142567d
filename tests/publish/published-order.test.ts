// Stories are ordered, paged, filed by month and filtered by `since` at the instant they are published (pure): a
// day-only story at 12:00 in its agency's zone (story-day.ts), never at the midnight it is stored at.
import { describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { indexMonths, monthOf, unarchivedCount } from '../../src/publish/archives.js';
import { dayCursors, listWindow } from '../../src/publish/list-window.js';
import { storyMatcher } from '../../src/publish/select-stories.js';
import { isDayOnly, publicationDates, publishedDatesOf } from '../../src/publish/story-day.js';
import { noonOfDay, startOfDay, zoneOffsetMinutes } from '../../src/stories/dates.js';
import { datesAsPublished, sortStories } from '../../src/web/publication.js';
import { makeStory } from '../helpers/web.js';

const ZONES: Record<string, string> = { nato: 'Europe/Brussels', europol: 'Europe/Amsterdam', cisa: 'America/New_York' };
const dates = publishedDatesOf((agency) => ZONES[agency]);

let seq = 0;
const story = (over: Partial<Story> & Pick<Story, 'agency' | 'published'>): Story =>
  makeStory({ id: `tag:t,2024:${over.agency}/${++seq}`, seq, title: `story ${seq}`, ...over });
const bulletin = (agency: string, storedMidnight: string, updated = storedMidnight) =>
  story({ agency, published: storedMidnight, updated, dateSource: 'bulletin', dateBasis: 'file-name' });

describe('publishedDatesOf: the instant a story is ordered by is the one it is published at', () => {
  it.each<{ description: string; s: Story; published: string; updated: string }>([
    {
      description: 'a Brussels bulletin day (stored at its CEST midnight) is 12:00 there',
      s: bulletin('nato', '2024-10-08T22:00:00.000Z', '2024-10-08T22:00:02.000Z'),
      published: '2024-10-09T10:00:00.000Z',
      updated: '2024-10-09T10:00:02.000Z',
    },
    {
      description: 'a date-only feed date (midnight in Amsterdam) is a day too',
      s: story({ agency: 'europol', published: '2024-10-08T22:00:00.000Z', dateSource: 'feed' }),
      published: '2024-10-09T10:00:00.000Z',
      updated: '2024-10-09T10:00:00.000Z',
    },
    {
      description: 'a New York bulletin day',
      s: bulletin('cisa', '2024-10-09T04:00:00.000Z'),
      published: '2024-10-09T16:00:00.000Z',
      updated: '2024-10-09T16:00:00.000Z',
    },
    {
      description: 'an agency without a zone reads its days in UTC',
      s: bulletin('frontex', '2024-10-09T00:00:00.000Z'),
      published: '2024-10-09T12:00:00.000Z',
      updated: '2024-10-09T12:00:00.000Z',
    },
    {
      description: 'a feed time of day stays as it is',
      s: story({ agency: 'nato', published: '2024-10-09T08:00:00.000Z', dateSource: 'feed' }),
      published: '2024-10-09T08:00:00.000Z',
      updated: '2024-10-09T08:00:00.000Z',
    },
    {
      description: 'a feed time on a quarter hour that is not local midnight stays as it is',
      s: story({ agency: 'nato', published: '2024-10-09T07:45:00.000Z', dateSource: 'feed' }),
      published: '2024-10-09T07:45:00.000Z',
      updated: '2024-10-09T07:45:00.000Z',
    },
    {
      description: 'a first-seen date stays as it is, even at midnight',
      s: story({ agency: 'nato', published: '2024-10-08T22:00:00.000Z', dateSource: 'first-seen' }),
      published: '2024-10-08T22:00:00.000Z',
      updated: '2024-10-08T22:00:00.000Z',
    },
  ])('$description', ({ s, published, updated }) => {
    const before = JSON.stringify(s);
    const pick = ({ published: p, updated: u }: { published: string; updated: string }) => ({ published: p, updated: u });
    expect(pick(dates(s))).toEqual({ published, updated });
    // Asked again (memoised) the same; the stored story is never touched.
    expect(pick(dates(s))).toEqual({ published, updated });
    expect(JSON.stringify(s)).toBe(before);
  });

  it('a story published as stored is its own answer (no copy), and a new zone is worked out afresh', () => {
    const timed = story({ agency: 'nato', published: '2024-10-09T08:00:00.000Z' });
    expect(dates(timed)).toBe(timed);
    const day = bulletin('nato', '2024-10-08T22:00:00.000Z');
    expect(dates(day).published).toBe('2024-10-09T10:00:00.000Z');
    expect(publishedDatesOf(() => 'UTC')(day).published).toBe('2024-10-08T12:00:00.000Z');
  });
});

describe('ordering, pages, months and since use the published instant', () => {
  // One Brussels day: a timed story at 08:00 UTC (10:00 there), a day-only bulletin story (12:00 there, 10:00 UTC)
  // and a timed story at 14:00 UTC. Stored, the bulletin story's midnight sorted it below both.
  const early = story({ agency: 'nato', published: '2024-10-09T08:00:00.000Z', title: 'early' });
  const day = bulletin('nato', '2024-10-08T22:00:00.000Z', '2024-10-08T22:00:01.000Z');
  const late = story({ agency: 'nato', published: '2024-10-09T14:00:00.000Z', title: 'late' });
  // The first of November in Brussels is stored at 23:00 UTC on 31 October.
  const november = bulletin('nato', '2024-10-31T23:00:00.000Z');
  const all = [early, day, late, november];

  it('sortStories: newest first by the published instant', () => {
    expect(sortStories(all, dates)).toEqual([november, late, day, early]);
    // The stored order, for comparison: what lists showed before.
    expect(sortStories(all)).toEqual([november, late, early, day]);
  });

  it('sortStories with datesAsPublished reads each agency’s zone', () => {
    expect(sortStories(all, datesAsPublished([{ id: 'nato', name: 'NATO', timezone: 'Europe/Brussels' }]))).toEqual([november, late, day, early]);
  });

  it('archive months and their days: the month and day the story is shown in', () => {
    expect(monthOf(november, dates)).toBe('2024-11');
    expect(monthOf(november)).toBe('2024-10');
    const index = indexMonths(sortStories(all, dates), dates);
    expect(index.months).toEqual(['2024-11', '2024-10']);
    expect(index.stories.get('2024-11')).toEqual([november]);
    expect(index.stories.get('2024-10')).toEqual([late, day, early]);
    expect(unarchivedCount(sortStories(all, dates), '2024-11', dates)).toBe(1);
    expect(dayCursors([late, day, early], dates).map((d) => d.day)).toEqual(['2024-10-09']);
  });

  it('page cursors name the published instant and tile the list', () => {
    const sorted = sortStories(all, dates);
    const first = listWindow(sorted, undefined, undefined, 2, dates);
    expect(first.stories).toEqual([november, late]);
    expect(first.next).toEqual({ published: '2024-10-09T14:00:00.000Z', seq: late.seq });
    const second = listWindow(sorted, first.next, undefined, 2, dates);
    expect(second.stories).toEqual([day, early]);
    expect(second.prev).toBeNull();
  });

  it.each([
    { since: '2024-11-01T00:00:00.000Z', expected: ['november'] },
    { since: '2024-10-09T09:00:00.000Z', expected: ['november', 'late', 'day'] },
    { since: '2024-10-09T10:00:00.000Z', expected: ['november', 'late', 'day'] },
    { since: '2024-10-09T10:00:02.000Z', expected: ['november', 'late'] },
  ])('since $since: the stories published or updated then or after, as shown', ({ since, expected }) => {
    const name = new Map<Story, string>([[early, 'early'], [day, 'day'], [late, 'late'], [november, 'november']]);
    const matches = storyMatcher({ since: new Date(since) }, {}, dates);
    expect(sortStories(all, dates).filter(matches).map((s) => name.get(s))).toEqual(expected);
  });
});

describe('the noon of every day of a year, in zones that change their clocks oddly', () => {
  // Lord Howe moves by 30 minutes, Chatham sits at +12:45, Casablanca stops summer time for Ramadan, Santiago
  // changes at midnight; the noon worked out from kept offsets must be the one stories/dates.ts computes.
  it.each(['Europe/Brussels', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Africa/Casablanca', 'America/Santiago', 'Asia/Kolkata', 'UTC'])('%s', (zone) => {
    const wrong: string[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2025, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const day = { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
      const midnight = startOfDay(day, zone);
      const stored = { published: midnight, updated: midnight, dateSource: 'bulletin' as const };
      const got = publicationDates(stored, zone).published;
      if (got !== noonOfDay(day, zone)) wrong.push(`${midnight}: ${got}, not ${noonOfDay(day, zone)}`);
      // A date-only feed date is the same local midnight: a day too (unless the day starts at 01:00, as Santiago's
      // first day of summer time does).
      const ms = Date.parse(midnight);
      const isMidnight = (ms + zoneOffsetMinutes(zone, ms) * 60_000) % 86_400_000 === 0;
      if (isDayOnly({ published: midnight, dateSource: 'feed' }, zone) !== isMidnight) wrong.push(`${midnight}: midnight in ${zone} read wrong`);
    }
    expect(wrong).toEqual([]);
  });
});
