// How lists write a day and a summary (pure): humanDay and firstLine. The day itself is story-day.ts's (its own tests).
import { describe, expect, it } from 'vitest';
import { humanDay } from '../../src/publish/human-day.js';
import { firstLine } from '../../src/publish/story-list.js';

describe('humanDay', () => {
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
