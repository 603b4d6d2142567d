// The day a list shows for a story (pure): in its agency's zone, UTC without one; and the summary's first line.
import { describe, expect, it } from 'vitest';
import { humanDay, listDay } from '../../src/publish/list-day.js';
import { firstLine } from '../../src/publish/story-list.js';

describe('listDay', () => {
  it.each([
    { description: 'UTC', published: '2024-10-09T23:30:00.000Z', zone: 'UTC', expected: '2024-10-09' },
    { description: 'Brussels, late evening UTC is the next day', published: '2024-10-09T23:30:00.000Z', zone: 'Europe/Brussels', expected: '2024-10-10' },
    { description: 'New York, early UTC is the day before', published: '2024-10-09T02:00:00.000Z', zone: 'America/New_York', expected: '2024-10-08' },
    { description: 'a bulletin day stored as Brussels midnight', published: '2024-10-08T22:00:00.000Z', zone: 'Europe/Brussels', expected: '2024-10-09' },
    { description: 'an unknown zone falls back to UTC', published: '2024-10-09T23:30:00.000Z', zone: 'Nowhere/City', expected: '2024-10-09' },
    { description: 'a date that does not parse', published: 'garbage', zone: 'UTC', expected: '' },
  ])('$description', ({ published, zone, expected }) => {
    expect(listDay({ published }, zone)).toBe(expected);
  });

  it('reads a story without a zone in UTC', () => {
    expect(listDay({ published: '2024-10-08T23:00:00.000Z' })).toBe('2024-10-08');
  });

  it.each([
    ['2024-10-09', '9 October 2024'],
    ['2024-01-31', '31 January 2024'],
    ['not a day', 'not a day'],
  ])('humanDay(%s) is %s', (day, expected) => expect(humanDay(day)).toBe(expected));
});

describe('firstLine', () => {
  it.each([
    { description: 'the first non-empty line', summary: '\n  First line.  \nSecond.', expected: 'First line.' },
    { description: 'white space folded', summary: 'a\tb   c', expected: 'a b c' },
    { description: 'empty', summary: '', expected: '' },
    { description: 'a long line cut at a word, with an ellipsis', summary: `${'word '.repeat(60)}end`, expected: `${'word '.repeat(44).trim()}…` },
  ])('$description', ({ summary, expected }) => {
    expect(firstLine(summary)).toBe(expected);
  });
});
