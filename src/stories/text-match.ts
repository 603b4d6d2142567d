// Evidence that two copies are one press release: folded titles, the lead of the body text, places and numbers.
import { distance } from 'fastest-levenshtein';
import { replaceTags } from '../sources/scan-text.js';

/**
 * Folds a title for comparison: NFKC, case folding, quotes (’ ' “ "), dashes and colons (– — - :), and runs of
 * punctuation and white space (double spaces, CDATA padding, newlines) all compare equal.
 */
export function foldTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032'`´]/g, '')
    .replace(/[\u201c\u201d\u201e\u201f\u2033"«»]/g, '')
    .replace(/[\p{P}\p{S}\p{Z}\s]+/gu, ' ')
    .trim();
}

/** Words too common in press-release titles to say which release a title names. */
const STOPWORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or the their to was were with will after over new'.split(' '),
);

/** A leading "NATO: " or "Europol – " names the channel, not the release: agencies add it in one channel only. */
export function stripAgencyPrefix(folded: string, agency: string): string {
  const prefix = `${agency.replace(/-/g, ' ')} `;
  return folded.startsWith(prefix) && folded.length > prefix.length + 10 ? folded.slice(prefix.length) : folded;
}

/**
 * Characters of each title that the edit distance compares. Edit distance costs length × length (Myers'
 * bit-vector: /32): two 1 MB titles would take hours, two of this length ~30 µs. Press-release titles are far
 * shorter (the longest seen are ~250 characters), so only hostile titles lose their tails here.
 */
export const MAX_COMPARED_TITLE = 1000;

/** Normalised edit distance similarity of two folded titles, 1 = equal (their first MAX_COMPARED_TITLE characters). */
export function titleSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = a.length > MAX_COMPARED_TITLE ? a.slice(0, MAX_COMPARED_TITLE) : a;
  const y = b.length > MAX_COMPARED_TITLE ? b.slice(0, MAX_COMPARED_TITLE) : b;
  if (x === y) return 1;
  const longest = Math.max(x.length, y.length);
  return longest === 0 ? 1 : 1 - distance(x, y) / longest;
}

export const contentWords = (folded: string) => new Set(folded.split(' ').filter((w) => w && !STOPWORDS.has(w)));

/** Share of the shorter title's content words that the other title also has (a shortened title keeps its words). */
export function titleOverlap(a: string, b: string): number {
  const wa = contentWords(a);
  const wb = contentWords(b);
  const small = wa.size <= wb.size ? wa : wb;
  const large = small === wa ? wb : wa;
  if (small.size === 0) return 0;
  let n = 0;
  for (const w of small) if (large.has(w)) n++;
  return n / small.size;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The plain text at the start of an HTML body, cheaply: tags become spaces, the common entities are decoded.
 * Good enough to compare two copies' leads, which are folded the same way; never shown to anyone.
 */
export function plainLead(html: string, maxChars = 1500): string {
  return replaceTags(html.slice(0, maxChars * 3), ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .slice(0, maxChars);
}

/** A text folded to words: what survives re-typing, re-wrapping and re-punctuating between channels. */
export function foldText(text: string): string {
  // A closing ellipsis and the white space after it dropped (`/(…|\.\.\.)\s*$/`, by trimming the end instead).
  const t = text.trimEnd();
  const cut = t.endsWith('…') ? 1 : t.endsWith('...') ? 3 : 0;
  return foldTitle(cut ? t.slice(0, t.length - cut) : text);
}

/**
 * The text as letters and digits only. Bulletins are pasted from web pages: a heading runs into the next
 * paragraph ("law enforcementThese are…") and a space goes missing after a full stop ("drugs.The"); without
 * spaces both copies read the same.
 */
export function compact(folded: string): string {
  return folded.replace(/ /g, '');
}

/** Characters both compact texts share at their start. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Shorter texts than this are too generic ("NATO Secretary General") to identify a release by their start. */
const MIN_LEAD = 60;

/** A text prepared once for comparing: folded to words, and compacted to letters and digits. */
export interface Lead {
  folded: string;
  compact: string;
}

/** Only the first ~1,500 characters of a body are compared: the start of a release is what channels share. */
export function prepareLead(text: string): Lead | undefined {
  const folded = foldText(text.slice(0, 1500));
  const c = compact(folded);
  return c.length >= MIN_LEAD ? { folded, compact: c } : undefined;
}

/**
 * How strongly two texts read as copies of one release, 0…1.
 * 1: one is the start of the other (a teaser and its full text, a feed description and the bulletin's first
 * paragraph), modulo white space, punctuation and a teaser's cut-off last word.
 * Otherwise: the share of the shorter text's word 3-shingles (over its first ~400 characters) found in the
 * other one, for copies lightly edited between channels.
 */
export function leadSimilarity(a: Lead, b: Lead): number {
  const shorter = Math.min(a.compact.length, b.compact.length);
  // A teaser cut mid-word ("training…" for "trainings") still matches to its last character; a
  // truncated summary loses at most its last word, so 90 % of the shorter text is the bar.
  if (commonPrefixLength(a.compact, b.compact) >= shorter * 0.9) return 1;
  return shingleContainment(a.folded, b.folded);
}

function shingles(folded: string, maxChars: number): Set<string> {
  const words = folded.slice(0, maxChars).split(' ').filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

function shingleContainment(fa: string, fb: string): number {
  const window = Math.min(400, fa.length, fb.length);
  // The same span of each text: a 400-character lead against a 200-character description compares 200 each.
  const full = containment(shingles(fa, window + 40), shingles(fb, window + 40));
  // And the first half of it on its own: a passage two releases share further on (a media advisory's closing
  // paragraphs on registration and contacts under two different opening sentences) is no evidence of one release.
  const half = Math.max(120, window / 2);
  return Math.min(full, containment(shingles(fa, half + 40), shingles(fb, half + 40)));
}

function containment(sa: Set<string>, sb: Set<string>): number {
  const small = sa.size <= sb.size ? sa : sb;
  const large = small === sa ? sb : sa;
  if (small.size < 5) return 0;
  let n = 0;
  for (const s of small) if (large.has(s)) n++;
  return n / small.size;
}

// Countries and the adjectives releases use for them ("Latvian partners"). Near-identical releases about
// different countries are the classic false merge: an agency runs the same operation in Latvia and in
// Lithuania and words both releases from one template.
const COUNTRY_WORDS: Record<string, string[]> = {
  albania: ['albanian'], andorra: [], armenia: ['armenian'], austria: ['austrian'], azerbaijan: ['azerbaijani'],
  belarus: ['belarusian'], belgium: ['belgian'], 'bosnia and herzegovina': ['bosnian'], bulgaria: ['bulgarian'],
  croatia: ['croatian'], cyprus: ['cypriot'], 'czech republic': ['czechia', 'czech'], denmark: ['danish'],
  estonia: ['estonian'], finland: ['finnish'], france: ['french'], georgia: ['georgian'], germany: ['german'],
  greece: ['greek'], hungary: ['hungarian'], iceland: ['icelandic'], ireland: ['irish'], italy: ['italian'],
  kosovo: [], latvia: ['latvian'], liechtenstein: [], lithuania: ['lithuanian'], luxembourg: [], malta: ['maltese'],
  moldova: ['moldovan'], monaco: [], montenegro: ['montenegrin'], netherlands: ['dutch'], 'north macedonia': ['macedonian'],
  norway: ['norwegian'], poland: ['polish'], portugal: ['portuguese'], romania: ['romanian'], russia: ['russian'],
  'san marino': [], serbia: ['serbian'], slovakia: ['slovak', 'slovakian'], slovenia: ['slovenian'], spain: ['spanish'],
  sweden: ['swedish'], switzerland: ['swiss'], turkey: ['turkish', 'turkiye', 'türkiye'], ukraine: ['ukrainian'],
  'united kingdom': ['british', 'uk'], 'united states': ['american', 'usa'], canada: ['canadian'],
  brazil: ['brazilian'], colombia: ['colombian'], ecuador: ['ecuadorian'], mexico: ['mexican'], peru: ['peruvian'],
  argentina: ['argentinian', 'argentine'], morocco: ['moroccan'], algeria: ['algerian'], tunisia: ['tunisian'],
  libya: ['libyan'], egypt: ['egyptian'], nigeria: ['nigerian'], senegal: ['senegalese'], mauritania: ['mauritanian'],
  'south africa': [], israel: ['israeli'], jordan: ['jordanian'], iraq: ['iraqi'], iran: ['iranian'], syria: ['syrian'],
  afghanistan: ['afghan'], pakistan: ['pakistani'], india: ['indian'], china: ['chinese'], 'hong kong': [],
  japan: ['japanese'], 'south korea': ['korean'], vietnam: ['vietnamese'], thailand: ['thai'], australia: ['australian'],
  'new zealand': [], 'united arab emirates': ['uae', 'emirati'], qatar: ['qatari'], 'saudi arabia': ['saudi'],
  kazakhstan: ['kazakh'], mongolia: ['mongolian'],
};

const COUNTRY_OF = new Map<string, string>();
for (const [country, words] of Object.entries(COUNTRY_WORDS)) {
  COUNTRY_OF.set(country, country);
  for (const w of words) COUNTRY_OF.set(w, country);
}
const COUNTRY_RE = new RegExp(
  `(?:^| )(${[...COUNTRY_OF.keys()].sort((a, b) => b.length - a.length).join('|')})(?= |$)`,
  'g',
);

/** The countries a folded text names. */
export function countriesIn(folded: string): Set<string> {
  const out = new Set<string>();
  for (const m of folded.matchAll(COUNTRY_RE)) out.add(COUNTRY_OF.get(m[1]!)!);
  return out;
}

const NUMBER_WORDS: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', thirteen: '13', fourteen: '14', fifteen: '15', sixteen: '16', seventeen: '17',
  eighteen: '18', nineteen: '19', twenty: '20', thirty: '30', forty: '40', fifty: '50', hundred: '100',
};

/** The counts a folded title names ("4 arrests", "four arrests" and "16 suspects" → 4, 16). */
export function numbersIn(folded: string): Set<string> {
  const out = new Set<string>();
  for (const w of folded.split(' ')) {
    if (/^\d+$/.test(w)) out.add(String(Number(w)));
    else if (NUMBER_WORDS[w]) out.add(NUMBER_WORDS[w]);
  }
  return out;
}

/** Both name some, and neither names all the other does: "…in Latvia" vs "…in Lithuania", "16 suspects" vs "18". */
export function contradict(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const sub = (x: ReadonlySet<string>, y: ReadonlySet<string>) => [...x].every((v) => y.has(v));
  return !sub(a, b) && !sub(b, a);
}

/** The same span of two leads (as many words as the shorter has, at most ~70): what they say about places. */
export function leadCountriesContradict(a: Lead, b: Lead): boolean {
  const wa = a.folded.split(' ');
  const wb = b.folded.split(' ');
  const n = Math.min(wa.length, wb.length, 70);
  return contradict(countriesIn(wa.slice(0, n).join(' ')), countriesIn(wb.slice(0, n).join(' ')));
}
