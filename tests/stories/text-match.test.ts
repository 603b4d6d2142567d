// The witnesses merge.ts weighs: folded titles, the start of two texts, places and numbers.
import { describe, expect, it } from 'vitest';
import { contradict, countriesIn, foldTitle, leadSimilarity, numbersIn, plainLead, prepareLead, stripAgencyPrefix, titleOverlap, titleSimilarity } from '../../src/stories/text-match.js';

describe('foldTitle', () => {
  it.each([
    { description: 'case', a: 'NATO Allies Agree', b: 'nato allies agree' },
    { description: 'curly and straight quotes', a: 'NATO’s “new” centres', b: "NATO's \"new\" centres" },
    { description: 'dashes and colons', a: 'Deep Dive Recap – Protection of Civilians', b: 'Deep Dive Recap: Protection of Civilians' },
    { description: 'double spaces, newlines, CDATA padding', a: '\n   EMPACT  Hackathon\t', b: 'EMPACT Hackathon' },
    { description: 'NFKC (full-width letters, ligatures)', a: 'ＮＡＴＯ ﬁnal', b: 'NATO final' },
  ])('$description', ({ a, b }) => {
    expect(foldTitle(a)).toBe(foldTitle(b));
  });

  it('strips a leading agency name only', () => {
    expect(stripAgencyPrefix(foldTitle('Europol: 5 tonnes of glass eels seized'), 'europol')).toBe('5 tonnes of glass eels seized');
    expect(stripAgencyPrefix(foldTitle('Europol supports Latvia'), 'europol')).toBe('supports latvia');
    expect(stripAgencyPrefix(foldTitle('NATO'), 'nato')).toBe('nato');
  });
});

describe('title similarity and overlap', () => {
  it.each([
    { a: 'europol supports latvia in dismantling major synthetic drug lab network', b: 'europol supports lithuania in dismantling major synthetic drug lab network', min: 0.9, max: 1 },
    { a: 'nato secretary general to visit the united kingdom', b: 'nato acting deputy secretary general to visit finland', min: 0, max: 0.7 },
  ])('$a / $b', ({ a, b, min, max }) => {
    const s = titleSimilarity(a, b);
    expect(s).toBeGreaterThanOrEqual(min);
    expect(s).toBeLessThanOrEqual(max);
  });

  it('measures how much of the shorter title the longer keeps', () => {
    expect(titleOverlap('glass eels 5 tonnes seized new smuggling routes identified', '5 tonnes of trafficked glass eels seized and new smuggling routes identified in global operation')).toBe(1);
    expect(titleOverlap('empact action days against child trafficking', 'empact hackathon 16 suspected human traffickers and 60 potential victims identified')).toBeLessThan(0.3);
  });
});

describe('leadSimilarity', () => {
  const lead = (t: string) => prepareLead(t)!;
  const full =
    'Europol and its partners are using international cooperation and technological expertise to counter these threats. The experts also participated in workshops and trainings on open-source intelligence.';

  it.each([
    { description: 'a teaser cut mid-word is the start of the full text', a: 'Europol and its partners are using international cooperation and technological expertise to counter these threats. The experts also participated in workshops and training…', b: full, expected: 1 },
    { description: 'a heading run into its paragraph', a: 'LockBit full infrastructure in the crosshairs of law enforcementThese are some of the results of the third phase', b: 'LockBit full infrastructure in the crosshairs of law enforcement These are some of the results of the third phase of Operation Cronos', expected: 1 },
    { description: 'a missing space after a full stop', a: 'including synthetic cathinones and other high-risk drugs.The operation, which culminated in coordinated raids', b: 'including synthetic cathinones and other high-risk drugs. The operation, which culminated in coordinated raids across Latvia', expected: 1 },
  ])('$description', ({ a, b, expected }) => {
    expect(leadSimilarity(lead(a), lead(b))).toBe(expected);
  });

  it('scores unrelated texts low and ignores texts too short to say anything', () => {
    const other = 'On Thursday, 10 October 2024, NATO Secretary General Mark Rutte will travel to London, United Kingdom, to meet the Prime Minister.';
    expect(leadSimilarity(lead(full), lead(other))).toBeLessThan(0.2);
    expect(prepareLead('NATO Secretary General')).toBeUndefined();
  });

  it('reads the text of HTML cheaply', () => {
    expect(plainLead('<h3>LockBit</h3><p>These &amp; those &#8217;s &#x2019; &nbsp;x</p>').replace(/\s+/g, ' ').trim()).toBe('LockBit These & those ’s ’ x');
  });
});

describe('places and numbers', () => {
  it.each([
    { text: 'europol worked closely with latvian partners', expected: ['latvia'] },
    { text: 'raids across lithuania and in the united kingdom', expected: ['lithuania', 'united kingdom'] },
    { text: 'uk prime minister', expected: ['united kingdom'] },
    { text: 'finnish officials and the president of finland', expected: ['finland'] },
    { text: 'join us for the summit', expected: [] },
  ])('$text', ({ text, expected }) => {
    expect([...countriesIn(text)].sort()).toEqual(expected);
  });

  it('reads counts in digits and words', () => {
    expect([...numbersIn('four arrests and 9 companies seized 2024')]).toEqual(['4', '9', '2024']);
  });

  it.each([
    { a: ['latvia'], b: ['lithuania'], expected: true },
    { a: ['italy', 'brazil'], b: ['italy'], expected: false },
    { a: [], b: ['lithuania'], expected: false },
    { a: ['16', '60'], b: ['18', '60'], expected: true },
  ])('$a vs $b contradict: $expected', ({ a, b, expected }) => {
    expect(contradict(new Set(a), new Set(b))).toBe(expected);
  });
});
