// checkBulletin: the report the CLI prints and POST /bulletins answers with, from text, a file name and agencies.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBulletin, checkBulletinBytes, formatReport } from '../../src/stories/check-bulletin.js';
import { AGENCIES } from './match-agency.data.js';

const NOW = new Date('2026-01-15T10:00:00Z');
const seed = readFileSync(new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url), 'utf8');

describe('checkBulletin', () => {
  it('the seed: ten items, dated by the file name, teasers marked, no warnings', () => {
    const r = checkBulletin(seed, 'bulletin-2024-10-09.txt', AGENCIES, NOW, { encoding: 'utf-8' });
    expect(r.ok).toBe(true);
    expect(r.items).toHaveLength(10);
    expect(r.items[1]).toEqual({
      line: 13,
      title: 'Europol supports Latvia in dismantling major synthetic drug lab network',
      agency: { written: 'Europol', id: 'europol', name: 'Europol', match: 'exact' },
      day: '2024-10-09',
      dateBasis: 'file-name',
      published: expect.stringMatching(/^2024-10-09T/),
      teaser: true,
    });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.newAgencies).toEqual([]);
    expect(r.encoding).toBe('utf-8');
  });

  it('a typo is attributed with a warning naming the line and the agency; a new name is announced', () => {
    const text = 'One\n\nSource: Europl\n\nText one.\n\nTwo\n\nSource: Frontexx Agency\n\nText two.\n';
    const r = checkBulletin(text, 'b.txt', AGENCIES, NOW);
    expect(r.items.map((i) => [i.agency.id, i.agency.match])).toEqual([
      ['europol', 'near'],
      ['frontexx-agency', 'new'],
    ]);
    expect(r.warnings[0]).toEqual({ line: 1, message: expect.stringMatching(/"Source: Europl" \(item at line 1\) read as Europol \(europol\)/) });
    expect(r.warnings[1]!.message).toMatch(/new agency Frontexx Agency \(frontexx-agency\)/);
    expect(r.newAgencies).toEqual([{ id: 'frontexx-agency', name: 'Frontexx Agency', line: 7 }]);
    expect(r.ok).toBe(true);
  });

  it('an item skipped is an error; the file name is printed with its control characters escaped', () => {
    const r = checkBulletin('Title\n\nSource:\n\nText.\n', 'evil\n\u001b[31mname.txt', AGENCIES, NOW);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([{ line: 3, message: '"Source:" names no agency; item skipped' }]);
    expect(r.file).toBe('evil\\n\\x1b[31mname.txt');
    expect(formatReport(r)).not.toMatch(/[\u0000-\u001f](?<!\n)/);
  });

  it('no items at all is an error', () => {
    expect(checkBulletin('Just a note to self\n', 'note.txt', AGENCIES, NOW)).toMatchObject({ ok: false, items: [] });
  });

  it('the encoding warning is reported at line 0', () => {
    const r = checkBulletin('T\n\nSource: NATO\n\nx.\n', 'b.txt', AGENCIES, NOW, { encoding: 'windows-1252', encodingWarning: 'not valid UTF-8: read as windows-1252' });
    expect(r.warnings).toEqual([{ line: 0, message: 'encoding: b.txt: not valid UTF-8: read as windows-1252' }]);
    const utf8 = checkBulletin('T\n\nSource: NATO\n\nx.\n', 'c.txt', AGENCIES, NOW, { encoding: 'utf-8', encodingWarning: 'UTF-8 with 2 invalid bytes (each shown as U+FFFD)' });
    expect(utf8.warnings[0]!.message).toBe('encoding: c.txt: UTF-8 with 2 invalid bytes (each shown as U+FFFD)');
  });

  it('an undated item with no file time is dated by now (the moment it would be saved)', () => {
    const r = checkBulletin('T\n\nSource: NATO\n\nx.\n', 'b.txt', AGENCIES, NOW);
    expect(r.items[0]).toMatchObject({ day: '2026-01-15', dateBasis: 'file-time' });
  });

  it('the report is plain JSON (stable shape)', () => {
    const r = checkBulletin(seed, 'bulletin-2024-10-09.txt', AGENCIES, NOW);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(Object.keys(r).sort()).toEqual(['encoding', 'errors', 'file', 'items', 'newAgencies', 'ok', 'warnings']);
  });

  it.each([
    { encoding: 'utf-8', bytes: Buffer.from('Café in München\n\nSource: Europol\n\nText.\n', 'utf8'), warned: false },
    { encoding: 'windows-1252', bytes: Buffer.from('Caf\xe9 in M\xfcnchen\n\nSource: Europol\n\nText.\n', 'latin1'), warned: true },
    { encoding: 'utf-16le', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Café in München\n\nSource: Europol\n\nText.\n', 'utf16le')]), warned: false },
  ])('checkBulletinBytes reads $encoding to the same item', ({ encoding, bytes, warned }) => {
    const r = checkBulletinBytes(bytes, 'b.txt', AGENCIES, NOW);
    expect(r.encoding).toBe(encoding);
    expect(r.items.map((i) => [i.title, i.agency.id])).toEqual([['Café in München', 'europol']]);
    expect(r.warnings.length > 0).toBe(warned);
  });
});
