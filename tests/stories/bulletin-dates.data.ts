// Where a bulletin item's day comes from: dateline, header, file name, file time, none; and the instant it becomes.
import type { Block, DateBasis } from '../../src/model.js';

export interface BulletinDateCase {
  description: string;
  /** The item's first paragraph. */
  firstParagraph: string;
  file: string;
  header?: string;
  fileTime?: string;
  timeZone?: string;
  /** `YYYY-MM-DD` and its basis, or undefined: no date (first-seen). */
  expected: { day: string; basis: DateBasis; published: string } | undefined;
}

export const paragraph = (text: string): Block[] => [{ kind: 'p', text }];

export const BULLETIN_DATES: BulletinDateCase[] = [
  { description: 'a dateline with a place outranks the file name', firstParagraph: 'Brussels, 9 October 2024 – The Council today adopted new rules.', file: 'bulletin-2024-10-08.txt', timeZone: 'Europe/Brussels', expected: { day: '2024-10-09', basis: 'dateline', published: '2024-10-08T22:00:00.000Z' } },
  { description: 'an upper-case place and a colon', firstParagraph: 'THE HAGUE, 8 October 2024: Eurojust supported an operation.', file: 'digest.txt', timeZone: 'Europe/Amsterdam', expected: { day: '2024-10-08', basis: 'dateline', published: '2024-10-07T22:00:00.000Z' } },
  { description: 'a month-first dateline without a place', firstParagraph: 'October 9, 2024 - NATO Allies met in Brussels.', file: 'digest.txt', expected: { day: '2024-10-09', basis: 'dateline', published: '2024-10-09T00:00:00.000Z' } },
  { description: 'a date inside the first sentence is not a dateline ("From 5 to 9 October 2024, …")', firstParagraph: 'From 5 to 9 October 2024, the Director General visited Azerbaijan.', file: 'bulletin-2024-10-08.txt', timeZone: 'Europe/Brussels', expected: { day: '2024-10-08', basis: 'file-name', published: '2024-10-07T22:00:00.000Z' } },
  { description: '"On 10 and 11 October 2024, …" is not a dateline either', firstParagraph: 'On 10 and 11 October 2024, the Deputy Secretary General will travel to Helsinki.', file: 'bulletin-2024-10-09.txt', expected: { day: '2024-10-09', basis: 'file-name', published: '2024-10-09T00:00:00.000Z' } },
  { description: 'a date in the header outranks the file name', firstParagraph: 'The Council adopted new rules.', file: 'bulletin-2024-10-08.txt', header: 'PRESS DIGEST\nWednesday 9 October 2024', timeZone: 'Europe/Brussels', expected: { day: '2024-10-09', basis: 'header', published: '2024-10-08T22:00:00.000Z' } },
  { description: 'an ISO date in the header', firstParagraph: 'The Council adopted new rules.', file: 'digest.txt', header: 'Digest 2024-10-09', expected: { day: '2024-10-09', basis: 'header', published: '2024-10-09T00:00:00.000Z' } },
  { description: 'a header without a date: the file name', firstParagraph: 'The Council adopted new rules.', file: 'bulletin-2024-10-09.txt', header: 'DAILY DIGEST\nOctober', expected: { day: '2024-10-09', basis: 'file-name', published: '2024-10-09T00:00:00.000Z' } },
  { description: 'an impossible header date (31 February) is skipped', firstParagraph: 'Text.', file: 'bulletin-2024-02-28.txt', header: 'Digest of 31 February 2024', expected: { day: '2024-02-28', basis: 'file-name', published: '2024-02-28T00:00:00.000Z' } },
  { description: 'the file name in winter, in the agency zone (CET)', firstParagraph: 'Text.', file: 'bulletin-2024-12-09.txt', timeZone: 'Europe/Brussels', expected: { day: '2024-12-09', basis: 'file-name', published: '2024-12-08T23:00:00.000Z' } },
  { description: 'no date in the name: the file time, as a day in the agency zone', firstParagraph: 'Text.', file: 'digest.txt', fileTime: '2024-10-09T21:30:00.000Z', timeZone: 'Europe/Brussels', expected: { day: '2024-10-09', basis: 'file-time', published: '2024-10-08T22:00:00.000Z' } },
  { description: 'a file saved after local midnight is of the next day', firstParagraph: 'Text.', file: 'digest.txt', fileTime: '2024-10-09T22:30:00.000Z', timeZone: 'Europe/Brussels', expected: { day: '2024-10-10', basis: 'file-time', published: '2024-10-09T22:00:00.000Z' } },
  { description: 'an impossible date in the name (30 February): the file time', firstParagraph: 'Text.', file: 'bulletin-2024-02-30.txt', fileTime: '2024-03-01T10:00:00.000Z', expected: { day: '2024-03-01', basis: 'file-time', published: '2024-03-01T00:00:00.000Z' } },
  { description: 'nothing at all: no date (the story keeps its first-seen time)', firstParagraph: 'Text.', file: 'digest.txt', expected: undefined },
];
