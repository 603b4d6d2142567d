// matchAgency: typos and variants map to the agency meant; look-alikes that are other agencies do not.
import { describe, expect, it } from 'vitest';
import type { Agency } from '../../src/model.js';
import { looseName, matchAgency, typoDistance, withinEdits } from '../../src/stories/match-agency.js';
import { AGENCIES, MATCH_CASES } from './match-agency.data.js';

describe('matchAgency', () => {
  it.each(MATCH_CASES)('$description', ({ written, expected }) => {
    const m = matchAgency(written, AGENCIES);
    expect({ kind: m.kind, id: m.ref.id }).toEqual(expected);
  });

  it('a near match says what it forgave and which name it matched', () => {
    const m = matchAgency('Europl', AGENCIES);
    expect(m).toMatchObject({ kind: 'near', matched: 'Europol', why: expect.stringContaining('one letter') });
  });

  it('a name equally near two agencies is attributed to neither', () => {
    const two: Agency[] = [
      { id: 'alpha-agency', name: 'Alphax', aliases: [], timezone: 'UTC', feeds: [], configured: true },
      { id: 'beta-agency', name: 'Alphay', aliases: [], timezone: 'UTC', feeds: [], configured: true },
    ];
    const m = matchAgency('Alphaz', two);
    expect(m.kind).toBe('new');
    expect(m.kind === 'new' && m.ambiguous).toEqual(['alpha-agency', 'beta-agency']);
  });

  it.each([
    { input: 'N.A.T.O.', expected: 'nato' },
    { input: 'The Council of the EU', expected: 'council of the european union' },
    { input: 'Organisation for Security & Co-operation', expected: 'organization for security and co operation' },
    { input: 'Éuropól', expected: 'europol' },
  ])('looseName($input)', ({ input, expected }) => {
    expect(looseName(input)).toBe(expected);
  });

  it.each([
    { a: 'europol', b: 'europol', d: 0 },
    { a: 'europl', b: 'europol', d: 1 },
    { a: 'eruopol', b: 'europol', d: 1 },
    { a: 'europa', b: 'europol', d: 2 },
    { a: '', b: 'abc', d: 3 },
    { a: 'kitten', b: 'sitting', d: 3 },
  ])('typoDistance($a, $b) = $d', ({ a, b, d }) => {
    expect(typoDistance(a, b)).toBe(d);
    expect(typoDistance(b, a)).toBe(d);
    for (const max of [0, 1, 2, 3]) expect(withinEdits(a, b, max)).toBe(Math.min(d, max + 1));
  });

  it('withinEdits agrees with typoDistance on random near-names', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const word = () => Array.from({ length: 3 + Math.floor(rnd() * 8) }, () => 'abcde'[Math.floor(rnd() * 5)]).join('');
    for (let k = 0; k < 2000; k++) {
      const a = word();
      const b = rnd() < 0.5 ? word() : a.slice(0, Math.floor(rnd() * a.length)) + 'abcde'[Math.floor(rnd() * 5)] + a.slice(Math.floor(rnd() * a.length));
      const d = typoDistance(a, b);
      for (const max of [1, 2]) expect(withinEdits(a, b, max), `${a} ${b}`).toBe(Math.min(d, max + 1));
    }
  });
});
