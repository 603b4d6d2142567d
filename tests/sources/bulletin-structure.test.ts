// parseBulletin: the Source: line's harmless variants, and warnings where an item boundary looks missed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { BOUNDARIES, SOURCE_LINES, VARIANT_PLACES } from './bulletin-structure.data.js';

const BODY = 'The Council adopted new rules today.';

describe('Source: line variants', () => {
  it.each(SOURCE_LINES)('$description', ({ line, expected }) => {
    const parsed = parseBulletin(`A release title\n\n${line}\n\n${BODY}\n`);
    if (expected === null) {
      expect(parsed.items).toEqual([]);
    } else {
      expect(parsed.items.map((i) => [i.title, i.agencyName])).toEqual([['A release title', expected]]);
      expect(parsed.warnings).toEqual([]);
    }
  });
});

describe('where a variant Source line starts an item', () => {
  it.each(VARIANT_PLACES)('$description', ({ text, items, warned }) => {
    const parsed = parseBulletin(text);
    expect(parsed.items.map((i) => [i.title, i.agencyName])).toEqual(items);
    expect(parsed.warnings.filter((w) => w.message.includes('starts no item')).map((w) => w.line)).toEqual(warned);
  });
});

describe('missed item boundaries', () => {
  it.each(BOUNDARIES)('$description', ({ text, expected }) => {
    const warned = parseBulletin(text).warnings.filter((w) => w.message.includes('no "Source:" line under it'));
    expect(warned.map((w) => w.line)).toEqual(expected);
    for (const w of warned) expect(w.error).toBeUndefined();
  });

  it('the real seed digest has none', () => {
    const parsed = parseBulletin(readFileSync(new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url), 'utf8'));
    expect(parsed.items).toHaveLength(10);
    expect(parsed.warnings).toEqual([]);
  });

  it('a first release with its Source: line missing is warned about (nothing of it is read), a heading plainly', () => {
    const lines = readFileSync(new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url), 'utf8').split('\n');
    expect(lines[2]).toBe('Source: NATO');
    lines[2] = '';
    const parsed = parseBulletin(lines.join('\n'));
    expect(parsed.items).toHaveLength(9);
    expect(parsed.warnings).toEqual([
      { line: 1, message: 'the text above the first item (lines 1–12) reads like a release with no "Source:" line; it was not read' },
    ]);
    const heading = parseBulletin('PRESS DIGEST\nWednesday 9 October 2024\n\nA title\n\nSource: NATO\n\nText.\n');
    expect(heading.warnings).toEqual([{ line: 1, message: 'text before first item ignored' }]);
  });

  it('the seed with one Source: line deleted is warned about at the orphaned title', () => {
    const lines = readFileSync(new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url), 'utf8').split('\n');
    expect(lines[14]).toBe('Source: Europol');
    lines[14] = '';
    const parsed = parseBulletin(lines.join('\n'));
    expect(parsed.items).toHaveLength(9);
    expect(parsed.warnings.map((w) => w.line)).toEqual([13]);
  });
});
