// parseDate against the dates agencies publish, their deviations, DST edges and things that are not dates.
import { describe, expect, it } from 'vitest';
import { dateInFileName, parseDate } from '../../src/stories/dates.js';
import { feedItemToIncoming } from '../../src/stories/normalise.js';
import { DST, ISO, NOT_DATES, RFC822 } from './dates.data.js';

describe('parseDate', () => {
  it.each(RFC822)('RFC 822: $description', ({ raw, zone, expected }) => {
    expect(parseDate(raw, zone ?? 'UTC')).toBe(expected);
  });

  it.each(ISO)('ISO 8601: $description', ({ raw, zone, expected }) => {
    expect(parseDate(raw, zone ?? 'UTC')).toBe(expected);
  });

  it.each(DST)('DST: $description', ({ raw, zone, expected }) => {
    expect(parseDate(raw, zone ?? 'UTC')).toBe(expected);
  });

  it.each(NOT_DATES)('not a date: $description', ({ raw, zone }) => {
    expect(parseDate(raw, zone ?? 'UTC')).toBeUndefined();
  });

  it('never returns NaN or an invalid string, whatever it is given', () => {
    const junk = ['Mon, 99 Oct 2024', '2024-00-10', '2024-10-00', '9999-12-31T23:59:59+14:00', 'Sun, 00 Jan 2000 00:00:00 GMT', '+275760-09-13'];
    for (const raw of [...junk, ...RFC822, ...ISO, ...DST, ...NOT_DATES].map((c) => (typeof c === 'string' ? c : c.raw))) {
      const out = parseDate(raw, 'Europe/Brussels');
      if (out !== undefined) {
        expect(out).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(Number.isNaN(Date.parse(out))).toBe(false);
      }
    }
  });
});

describe('dateInFileName', () => {
  it.each([
    { name: 'bulletin-2024-10-09.txt', expected: { y: 2024, m: 10, d: 9 } },
    { name: '2024-10-09 digest.txt', expected: { y: 2024, m: 10, d: 9 } },
    { name: 'bulletin-2024-02-30.txt', expected: undefined },
    { name: 'bulletin.txt', expected: undefined },
    { name: 'bulletin-12024-10-09.txt', expected: undefined },
  ])('$name', ({ name, expected }) => {
    expect(dateInFileName(name)).toEqual(expected);
  });
});

describe('a feed item’s date (normalise)', () => {
  const now = new Date('2024-10-10T08:00:00Z');
  const ctx = { agency: 'nato', feedUrl: 'https://www.nato.int/rss.xml', timeZone: 'Europe/Brussels', now };
  const item = (published: string | undefined, updated?: string) =>
    feedItemToIncoming({ kind: 'feed', title: 'NATO Allies agree on new test centres', link: 'https://www.nato.int/news_1.htm', categories: [], ...(published ? { published } : {}), ...(updated ? { updated } : {}) }, 0, ctx);

  it.each([
    { description: 'a readable date is the feed’s', published: '09 Oct. 2024 11:30:00 GMT', date: '2024-10-09T11:30:00.000Z', dateSource: 'feed', flag: undefined },
    { description: 'less than a day ahead is believed (clock skew)', published: '2024-10-11T07:00:00Z', date: '2024-10-11T07:00:00.000Z', dateSource: 'feed', flag: undefined },
    { description: 'more than a day ahead is held and flagged', published: '2024-10-11T09:00:00Z', date: undefined, dateSource: 'first-seen', flag: 'future' },
    { description: 'a wrong year is held and flagged', published: 'Wed, 09 Oct 2025 11:30:00 GMT', date: undefined, dateSource: 'first-seen', flag: 'future' },
    { description: 'an unreadable date falls back and is flagged', published: 'sometime last week', date: undefined, dateSource: 'first-seen', flag: 'unparseable' },
    { description: 'no date at all is first-seen, unflagged', published: undefined, date: undefined, dateSource: 'first-seen', flag: undefined },
  ])('$description', ({ published, date, dateSource, flag }) => {
    const r = item(published);
    expect(r.incoming!.published).toBe(date);
    expect(r.incoming!.dateSource).toBe(dateSource);
    expect(r.incoming!.dateFlag).toBe(flag);
    if (flag) expect(r.warnings.map((w) => w.message).join('\n')).toMatch(flag === 'future' ? /in the future/ : /unreadable date "sometime last week"/);
  });

  it('an Atom entry with only <updated> is dated by it', () => {
    const r = item(undefined, '2024-10-09T10:00:00+02:00');
    expect(r.incoming!.published).toBe('2024-10-09T08:00:00.000Z');
    expect(r.incoming!.dateSource).toBe('feed');
  });

  it('an unreadable <published> with a readable <updated> uses <updated> and says so', () => {
    const r = item('garbage', '2024-10-09T10:00:00+02:00');
    expect(r.incoming!.published).toBe('2024-10-09T08:00:00.000Z');
    expect(r.incoming!.dateFlag).toBeUndefined();
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/unreadable date "garbage"; using its updated date/);
  });
});
