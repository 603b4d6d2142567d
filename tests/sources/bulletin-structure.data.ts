// Source: lines as people write them, and text that hides a missed item boundary (or only looks like one).

export interface SourceLineCase {
  description: string;
  line: string;
  /** The agency name read, or null when the line is not a Source line. */
  expected: string | null;
}

export const SOURCE_LINES: SourceLineCase[] = [
  { description: 'the documented form', line: 'Source: NATO', expected: 'NATO' },
  { description: 'plural', line: 'Sources: NATO', expected: 'NATO' },
  { description: 'upper case', line: 'SOURCE: NATO', expected: 'NATO' },
  { description: 'lower case, no space after the colon', line: 'source:NATO', expected: 'NATO' },
  { description: 'space before the colon (French typing)', line: 'Source : NATO', expected: 'NATO' },
  { description: 'NBSP before the colon', line: 'Source\u00A0: NATO', expected: 'NATO' },
  { description: 'full-width colon', line: 'Source\uFF1A NATO', expected: 'NATO' },
  { description: 'en dash', line: 'Source – NATO', expected: 'NATO' },
  { description: 'em dash, no spaces on one side', line: 'Source—NATO', expected: null },
  { description: 'em dash with a space after', line: 'Source— NATO', expected: 'NATO' },
  { description: 'hyphen between spaces', line: 'Source - NATO', expected: 'NATO' },
  { description: 'colon and dash both', line: 'Source: – NATO', expected: 'NATO' },
  { description: 'indented, plural, upper case', line: '   SOURCES : Europol', expected: 'Europol' },
  { description: 'not a Source line: "Source-code audits"', line: 'Source-code audits were run', expected: null },
  { description: 'not a Source line: "Sources say"', line: 'Sources say the deal is near', expected: null },
  { description: 'not a Source line: "Sourcebook:"', line: 'Sourcebook: annual figures', expected: null },
];

export interface VariantPlaceCase {
  description: string;
  text: string;
  /** [title, agency] of each item read. */
  items: [string, string][];
  /** Lines warned about as a variant Source line read as text. */
  warned: number[];
}

export const VARIANT_PLACES: VariantPlaceCase[] = [
  {
    description: '"Sources:" under a title is an item',
    text: 'Title one\n\nSources: NATO\n\nText one.\n',
    items: [['Title one', 'NATO']],
    warned: [],
  },
  {
    description: '"Sources:" citing figures under a paragraph is text',
    text: 'Title one\n\nSource: Europol\n\nFigures rose by a third in 2023,\nthe agency said.\n\nSources: Eurostat, OECD\n',
    items: [['Title one', 'Europol']],
    warned: [8],
  },
  {
    description: '"Source –" under a one-line sentence is text',
    text: 'Title one\n\nSource: Europol\n\nFigures rose by a third in 2023.\n\nSource – national police data\n',
    items: [['Title one', 'Europol']],
    warned: [7],
  },
  {
    description: 'the documented "Source:" keeps its old reading even under a paragraph line',
    text: 'Title one\n\nSource: Europol\n\nFigures rose by a third\nin 2023\nSource: NATO\n\nText.\n',
    items: [['Title one', 'Europol'], ['in 2023', 'NATO']],
    warned: [],
  },
];

export interface BoundaryCase {
  description: string;
  text: string;
  /** Lines warned about as a missed item boundary. */
  expected: number[];
}

const LONG = 'The agency announced today that a joint operation led to the arrest of twelve suspects in four countries and the seizure of assets worth several million euros.';
const LONG2 = 'Investigators from five Member States worked for two years on the case, which began with a tip from a bank that noticed unusual transfers between shell companies.';

export const BOUNDARIES: BoundaryCase[] = [
  {
    description: 'a title with its Source: line missing, between two releases',
    text: `First release\n\nSource: NATO\n\n${LONG}\n\nSecond release has no source line\n\n${LONG2}\n\nThird release\n\nSource: NATO\n\n${LONG}\n`,
    expected: [7],
  },
  {
    description: 'the last item with its Source: line missing',
    text: `First release\n\nSource: NATO\n\n${LONG}\n\nEuropol dismantles a cyber gang in Spain\n\n${LONG2}\n`,
    expected: [7],
  },
  {
    description: 'two missing in a row',
    text: `First release\n\nSource: NATO\n\n${LONG}\n\nSecond release without its source\n\n${LONG2}\n\nThird release without its source\n\n${LONG}\n`,
    expected: [7, 11],
  },
  { description: 'a subheading right under the Source: line is not a boundary', text: `First release\n\nSource: NATO\n\nA standfirst in three words\n\n${LONG}\n`, expected: [] },
  { description: 'a short closing line followed by a short one', text: `First release\n\nSource: NATO\n\n${LONG}\n\nPhotographs will be available on the NATO website\n\nFor more information:\n\nContact the press office\n`, expected: [] },
  { description: 'a sentence ending in a full stop is not a title', text: `First release\n\nSource: NATO\n\n${LONG}\n\nThere will be no media opportunity.\n\n${LONG2}\n`, expected: [] },
  { description: 'a two-word heading ("About Europol") is not a title', text: `First release\n\nSource: NATO\n\n${LONG}\n\nAbout Europol\n\n${LONG2}\n`, expected: [] },
  { description: 'a line introducing a list is not a title', text: `First release\n\nSource: NATO\n\n${LONG}\n\nThe following were seized in the raids:\n\n${LONG2}\n`, expected: [] },
  { description: 'a bullet is not a title', text: `First release\n\nSource: NATO\n\n${LONG}\n\n• Twelve arrests in four countries\n\n${LONG2}\n`, expected: [] },
  { description: 'a title-like line in the middle of a paragraph is not one', text: `First release\n\nSource: NATO\n\n${LONG}\nSecond release has no source line\n${LONG2}\n`, expected: [] },
];
