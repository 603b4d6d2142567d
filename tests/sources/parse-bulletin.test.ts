// Tests parseBulletin on every shape a bulletin takes, the real seed digest, and renderBlocks' escaping.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Block, BulletinItem, ParseWarning } from '../../src/model.js';
import { parseBulletin, renderBlocks } from '../../src/sources/parse-bulletin.js';

const NBSP = '\u00A0';

function item(line: number, title: string, agencyName: string, blocks: Block[], teaser = false): BulletinItem {
  return { kind: 'bulletin', line, title, agencyName, blocks, teaser };
}
const p = (text: string): Block => ({ kind: 'p', text });
const ul = (...items: string[]): Block => ({ kind: 'ul', items });
const ol = (...items: string[]): Block => ({ kind: 'ol', items });
const simple = [item(1, 'Title', 'NATO', [p('Para one wrapped'), p('Para two')])];

interface Case {
  description: string;
  input: string;
  expected: { items: BulletinItem[]; warnings: ParseWarning[]; header?: string };
}

const cases: Case[] = [
  {
    description: 'LF endings, wrapped lines joined',
    input: 'Title\n\nSource: NATO\n\nPara one\nwrapped\n\nPara two\n',
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'CRLF endings',
    input: 'Title\r\n\r\nSource: NATO\r\n\r\nPara one\r\nwrapped\r\n\r\nPara two\r\n',
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'CR endings',
    input: 'Title\r\rSource: NATO\r\rPara one\rwrapped\r\rPara two',
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'mixed endings',
    input: 'Title\r\n\nSource: NATO\r\rPara one\nwrapped\r\n\rPara two\n',
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'leading BOM',
    input: '\uFEFFTitle\n\nSource: NATO\n\nPara one\nwrapped\n\nPara two',
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'NBSP-only and Unicode-space-only lines count as blank',
    input: `Title\n${NBSP}\nSource: NATO\n \u2003${NBSP}\t\nPara one\nwrapped\n${NBSP} \nPara two`,
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'trailing spaces trimmed, inner whitespace runs (NBSP too) collapsed',
    input: `  Title  \t\n\nSource:   NATO  \n\n  Para${NBSP} one \t \nwrapped   \n\nPara  two${NBSP}\n`,
    expected: { items: simple, warnings: [] },
  },
  {
    description: 'C0 controls, DEL, U+FFFE/U+FFFF and lone surrogates stripped; pairs kept',
    input: 'Ti\u0000tle\n\nSource: NA\u0007TO\n\nPara\u0001 one\uFFFE\nwrapped\uD800\n\nPara \uDC00two\u007F \uD83D\uDE00',
    expected: { items: [item(1, 'Title', 'NATO', [p('Para one wrapped'), p('Para two \uD83D\uDE00')])], warnings: [] },
  },
  {
    description: 'a title containing "Source:" mid-line is a title',
    input: 'Open Source: new tools\n\nSource: ENISA\n\nBody',
    expected: { items: [item(1, 'Open Source: new tools', 'ENISA', [p('Body')])], warnings: [] },
  },
  {
    description: '"source:" in any case, indented, agency as written',
    input: 'Title\n\n   sOuRcE:  Council of the  EU \n\nBody',
    expected: { items: [item(1, 'Title', 'Council of the EU', [p('Body')])], warnings: [] },
  },
  {
    description: 'Source line right under its title, body right under it',
    input: 'Title\nSource: NATO\nBody',
    expected: { items: [item(1, 'Title', 'NATO', [p('Body')])], warnings: [] },
  },
  {
    description: 'an item with no body is still an item',
    input: 'First\n\nSource: NATO\n\nSecond\n\nSource: Europol\n\nBody',
    expected: {
      items: [item(1, 'First', 'NATO', []), item(5, 'Second', 'Europol', [p('Body')])],
      warnings: [],
    },
  },
  {
    description: 'Source with no agency: warning, that item skipped, neighbours intact',
    input: 'A\n\nSource: NATO\n\nBody A\n\nB\n\nSource:  \n\nBody B\n\nC\n\nSource: Europol\n\nBody C',
    expected: {
      items: [item(1, 'A', 'NATO', [p('Body A')]), item(13, 'C', 'Europol', [p('Body C')])],
      warnings: [{ line: 9, message: '"Source:" names no agency; item skipped', error: true }],
    },
  },
  {
    description: 'Source at the top with no title above: warning, no item',
    input: '\n\nSource: NATO\n\nBody',
    expected: {
      items: [],
      warnings: [
        { line: 3, message: '"Source:" line with no title above: Source: NATO', error: true },
        { line: 0, message: 'no items found: no line starts with "Source:" under a title', error: true },
      ],
    },
  },
  {
    description: 'two consecutive Source lines: the second warned and left out of the body',
    input: 'Title\n\nSource: NATO\n\nSource: Europol\n\nBody',
    expected: {
      items: [item(1, 'Title', 'NATO', [p('Body')])],
      warnings: [{ line: 5, message: '"Source:" line with no title above: Source: Europol', error: true }],
    },
  },
  {
    description: 'text before the first title is ignored with a warning',
    input: 'DAILY DIGEST\nOctober\n\nTitle\n\nSource: NATO\n\nBody',
    expected: {
      items: [item(4, 'Title', 'NATO', [p('Body')])],
      warnings: [{ line: 1, message: 'text before first item ignored' }],
      // Not an item, but reported: a digest's heading may carry its date (normalise.ts bulletinDay).
      header: 'DAILY DIGEST\nOctober',
    },
  },
  {
    description: 'empty file',
    input: '',
    expected: { items: [], warnings: [{ line: 0, message: 'empty bulletin', error: true }] },
  },
  {
    description: 'whitespace-only file',
    input: `\uFEFF \r\n${NBSP}\n\t\n`,
    expected: { items: [], warnings: [{ line: 0, message: 'empty bulletin', error: true }] },
  },
  {
    description: 'text without any Source line',
    input: 'Just some text\n\nand more',
    expected: {
      items: [],
      warnings: [{ line: 0, message: 'no items found: no line starts with "Source:" under a title', error: true }],
    },
  },
  {
    description: 'binary file (NULs)',
    input: `Title\n\nSource: NATO\n\n${'\u0000\u0001PK\u0003\u0004'.repeat(50)}`,
    expected: { items: [], warnings: [{ line: 0, message: 'not a text bulletin', error: true }] },
  },
  {
    description: 'binary file (decoded as U+FFFD)',
    input: `%PDF-1.7\n${'\uFFFD\uFFFDx\uFFFD'.repeat(100)}`,
    expected: { items: [], warnings: [{ line: 0, message: 'not a text bulletin', error: true }] },
  },
  {
    description: 'teaser ending in …',
    input: 'Title\n\nSource: Europol\n\nAmong the arrested were key…',
    expected: { items: [item(1, 'Title', 'Europol', [p('Among the arrested were key…')], true)], warnings: [] },
  },
  {
    description: 'teaser ending in ... with trailing spaces',
    input: 'Title\n\nSource: Europol\n\nThe experts also participated in ...  \n\n',
    expected: { items: [item(1, 'Title', 'Europol', [p('The experts also participated in ...')], true)], warnings: [] },
  },
  {
    description: 'an ellipsis before the last paragraph is not a teaser',
    input: 'Title\n\nSource: NATO\n\nWait for it…\n\nDone.',
    expected: { items: [item(1, 'Title', 'NATO', [p('Wait for it…'), p('Done.')])], warnings: [] },
  },
  {
    description: 'ul from • and · lines, indented; a wrapped item continues',
    input: 'Title\n\nSource: Eurojust\n\nInvolved:\n\n  • Italy: Palermo\n    and Rome\n  ·Brazil\n',
    expected: { items: [item(1, 'Title', 'Eurojust', [p('Involved:'), ul('Italy: Palermo and Rome', 'Brazil')])], warnings: [] },
  },
  {
    description: 'ol from 1. and 2) lines, a loose list stays one list, teaser read from the last item',
    input: 'Title\n\nSource: NATO\n\nFour elements:\n  1. Understanding\n\n  2) Mitigate...\n',
    expected: { items: [item(1, 'Title', 'NATO', [p('Four elements:'), ol('Understanding', 'Mitigate...')], true)], warnings: [] },
  },
  {
    description: '-, * and years are not list markers',
    input: 'Title\n\nSource: NATO\n\n- a dash\n\n* a star\n\n2024. A year\n\n12:00 (CEST) Remarks',
    expected: {
      items: [item(1, 'Title', 'NATO', [p('- a dash'), p('* a star'), p('2024. A year'), p('12:00 (CEST) Remarks')])],
      warnings: [],
    },
  },
  {
    description: 'a paragraph after a list ends it',
    input: 'Title\n\nSource: NATO\n\n• one\n\nAfter.\n\n• two',
    expected: { items: [item(1, 'Title', 'NATO', [ul('one'), p('After.'), ul('two')])], warnings: [] },
  },
];

describe('parseBulletin', () => {
  it.each(cases)('$description', ({ input, expected }) => {
    expect(parseBulletin(input)).toEqual(expected);
  });

  it.each([
    { description: '20 MB of prose with no item', input: 'Lorem ipsum dolor sit amet.\n'.repeat(750_000) },
    { description: '20 MB on one line', input: 'x '.repeat(10_000_000) },
    { description: '200,000 spaces then a Source-like word', input: `${' '.repeat(200_000)}Sourc\n`.repeat(100) },
    { description: '20 MB of NBSP and blank lines', input: `${NBSP} \t\r\n`.repeat(4_000_000) },
    { description: '20 MB of prose, one item at the end', input: `${'Lorem ipsum dolor sit amet.\n'.repeat(750_000)}T\n\nSource: X\n` },
    { description: '20 MB of binary', input: '\u0000\uFFFD\u0001PK'.repeat(4_000_000) },
    { description: '200,000 spaces before each Source line', input: `${' '.repeat(200_000)}Source: X\n`.repeat(100) },
    {
      description: '100,000 items',
      input: 'Title\n\nSource: NATO\n\nOne paragraph of body text…\n\n'.repeat(100_000),
    },
  ])(
    '$description is parsed without a hang (speed itself is measured by npm run bench, not here)',
    ({ input }) => {
      const { items, warnings } = parseBulletin(input);
      // Whatever the shape, the parser reports what it found; it never throws and never loops.
      expect(items.length + warnings.length).toBeGreaterThan(0);
    },
    // A quadratic parser takes minutes on these inputs; a linear one well under a second.
    20_000,
  );
});

describe('parseBulletin on the seed digest of 2024-10-09', () => {
  const text = readFileSync(new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url), 'utf8');
  const { items, warnings } = parseBulletin(text);

  it('finds the 10 items in order, with agency and teaser flag', () => {
    expect(items.map((i) => [i.title, i.agencyName, i.teaser])).toEqual([
      ['The Director General of NATO IMS visits Azerbaijan', 'NATO', false],
      ['Europol supports Latvia in dismantling major synthetic drug lab network', 'Europol', true],
      ['NATO Acting Deputy Secretary General to visit Finland', 'NATO', false],
      ['NATO Secretary General to visit the United Kingdom', 'NATO', false],
      ['Four arrests and nine companies seized in anti-mafia operation in Italy and Brazil', 'Eurojust', false],
      ['Secretary General thanks President of Finland for contributions to NATO and Ukraine', 'NATO', false],
      ['Deep Dive Recap: Protection of Civilians and the Gender Perspective', 'NATO', false],
      ['EMPACT Hackathon: 16 suspected human traffickers and 60 potential victims identified', 'Europol', true],
      ['5 tonnes of trafficked glass eels seized and new smuggling routes identified in global operation', 'Europol', true],
      ['LockBit power cut: four new arrests and financial sanctions against affiliates', 'Europol', true],
    ]);
    expect(items.map((i) => i.line)).toEqual([1, 13, 19, 41, 68, 87, 107, 130, 136, 142]);
    expect(warnings).toEqual([]);
  });

  it('reads the Eurojust ul and the Deep Dive ol', () => {
    const lists = (i: BulletinItem | undefined) => i?.blocks.filter((b) => b.kind !== 'p') ?? [];
    expect(lists(items[4])).toEqual([
      ul(
        'Italy: Public Prosecutor’s Office of Palermo – District Antimafia Directorate; Guardia di Finanza – G.I.C.O. (Organized Crime Investigative Group) of Palermo',
        'Brazil: Federal Prosecutor’s Office of Rio Grande do Norte',
      ),
    ]);
    expect(lists(items[6])).toEqual([
      ol(
        'Understanding the Human Environment (UHE) from a population’s perspective;',
        'Mitigate Harm (MH) through minimizing harm from own actions and the actions of Perpetrators;',
        'Facilitate Access to Basic Needs (FABN) for civilians and aid workers;',
        'Contribute to a Safe and Secure Environment (C-SASE) for local governments and institutions.',
      ),
    ]);
  });

  it('keeps the noise as written and drops NBSP-only lines', () => {
    const all = JSON.stringify(items);
    expect(all).toContain('he focuseFFId on NATO’s');
    expect(all).toContain('high-risk drugs.The operation');
    expect(all).not.toContain(NBSP);
    expect(items[3]?.blocks.map((b) => (b.kind === 'p' ? b.text : ''))).toContain('For more information:');
  });
});

describe('renderBlocks', () => {
  it.each([
    { description: 'empty', input: [], expected: '' },
    { description: 'escapes & < > " \'', input: [p(`Tom & "Jerry" <b>'s</b>`)], expected: '<p>Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt;</p>' },
    {
      description: 'lists',
      input: [ul('a<', 'b'), ol('1 & 2')],
      expected: '<ul><li>a&lt;</li><li>b</li></ul>\n<ol><li>1 &amp; 2</li></ol>',
    },
  ])('$description', ({ input, expected }) => {
    expect(renderBlocks(input)).toBe(expected);
  });
});
