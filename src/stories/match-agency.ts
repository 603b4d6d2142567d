// A `Source:` name as a person typed it → the agency it means: exactly, nearly (case, accents, a typo, a known
// abbreviation), or a new agency. Pure; the caller turns a near match into a warning.
import type { Agency } from '../model.js';
import { slugify, type AgencyRef } from './agencies.js';

export type AgencyMatch =
  | { kind: 'exact'; ref: AgencyRef }
  /** Attributed to an agency although no name or alias says so: `why` says what was forgiven. */
  | { kind: 'near'; ref: AgencyRef; why: string; matched: string }
  /** No agency is close enough (or two are equally close): a discovered agency. */
  | { kind: 'new'; ref: AgencyRef; ambiguous?: string[] };

// Words that people abbreviate or spell two ways in agency names. Both sides are reduced to the first form.
const WORD_FORMS: Record<string, string> = {
  eu: 'european union',
  un: 'united nations',
  org: 'organization',
  organisation: 'organization',
  intl: 'international',
  int: 'international',
  dept: 'department',
  govt: 'government',
  natl: 'national',
  nat: 'national',
  assoc: 'association',
  cttee: 'committee',
  comm: 'commission',
  defence: 'defense',
  centre: 'center',
  programme: 'program',
  labour: 'labor',
};

// What people write after an agency's name when they mean the agency: "NATO Press Office", "Europol newsroom".
const OFFICE_WORDS = new Set(['press', 'office', 'newsroom', 'news', 'media', 'communications', 'communication', 'team', 'service', 'unit', 'spokesperson', 'release', 'releases', 'centre', 'center', 'hq', 'headquarters']);

/** Names longer than this are not agency names (a pasted paragraph): matched exactly or not at all. */
const MAX_NEAR_CHARS = 120;

// Short words that neither make an acronym's letters nor tell two agencies apart.
const SMALL_WORDS = new Set(['of', 'the', 'for', 'and', 'on', 'in', 'to', 'de', 'du', 'des', 'la', 'le', 'et', 'a', 'an']);

/**
 * The name reduced to what a careless writer keeps: no accents, no case, no punctuation (`N.A.T.O.`,
 * `Europol.`), `&` as "and", a leading "the" dropped, abbreviations and British spellings in one form.
 */
export function looseName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    // Dots inside an acronym join its letters ("N.A.T.O." is "nato"); other punctuation separates words.
    .replace(/(?<=\b\p{L})\.(?=\p{L}\b)/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .flatMap((w) => (WORD_FORMS[w] ?? w).split(' '));
  if (words[0] === 'the' && words.length > 1) words.shift();
  return words.join(' ');
}

/** The initials of a name's significant words ("European Central Bank" → "ecb"); '' for fewer than three. */
function initials(loose: string): string {
  const words = loose.split(' ').filter((w) => !SMALL_WORDS.has(w));
  return words.length >= 3 ? words.map((w) => w[0]).join('') : '';
}

/** Letters of a loose name (its spaces left out). */
const letterCount = (loose: string) => loose.length - (loose.match(/ /g)?.length ?? 0);

/**
 * How many edits a typo may take. Acronyms and short names are never matched by spelling: EMA and EBA, ECB and
 * EIB, ESA and EDA are different agencies one letter apart. Five to seven letters: one edit (`Europl`); longer:
 * two (`Eurojsut`, `Counsil of the Europian Union` is three and is not forgiven).
 */
function allowedEdits(lettersA: number, lettersB: number): number {
  const shorter = Math.min(lettersA, lettersB);
  if (shorter < 5) return 0;
  return shorter < 8 ? 1 : 2;
}

/** A written name that is all capitals (or all capitals with dots) and short: an acronym, never spell-matched. */
function isAcronym(written: string): boolean {
  const letters = written.replace(/[.\s]/g, '');
  return letters.length <= 6 && /^\p{Lu}+$/u.test(letters);
}

/**
 * Edits between two names, a swap of two neighbouring letters counting as one (optimal string alignment): the
 * typos people make are a letter dropped, doubled, struck for its neighbour, or two letters swapped (`Eruopol`).
 * Names here are at most MAX_NEAR_CHARS long.
 */
export function typoDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = (rows[i] = new Array<number>(b.length + 1));
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row[j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row[j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * typoDistance when it is at most `max`, else `max + 1`: only cells within `max` of the diagonal are computed,
 * and a row whose every cell is past `max` ends the search (a bulletin of 20,000 distinct names meets every
 * known agency's names 20,000 times).
 */
/** Three rows reused by every call (matching is synchronous): no allocation per pair of names. */
let rowBuffers = [0, 1, 2].map(() => new Int32Array(256));

export function withinEdits(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  const over = max + 1;
  if (Math.abs(n - m) > max) return over;
  if (rowBuffers[0]!.length < m + 1) rowBuffers = [0, 1, 2].map(() => new Int32Array(2 * (m + 1)));
  let [older, prev, cur] = rowBuffers as [Int32Array, Int32Array, Int32Array];
  older.fill(over, 0, m + 1);
  prev.fill(over, 0, m + 1);
  for (let j = 0; j <= Math.min(m, max); j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur.fill(over, 0, m + 1);
    cur[0] = i <= max ? i : over;
    let rowMin = cur[0]!;
    for (let j = Math.max(1, i - max); j <= Math.min(m, i + max); j++) {
      const same = a.charCodeAt(i - 1) === b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (same ? 0 : 1));
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, older[j - 2]! + 1);
      cur[j] = Math.min(d, over);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return over;
    [older, prev, cur] = [prev, cur, older];
  }
  return Math.min(prev[m]!, over);
}

interface Candidate {
  agency: Agency;
  /** The configured name or alias it came closest to. */
  matched: string;
  edits: number;
  why: string;
}

/** One name of an agency (its name, an alias, its id), reduced once for every item of a bulletin. */
interface PreparedName {
  name: string;
  loose: string;
  /** `loose` and a space: the start of "NATO press office". */
  prefix: string;
  initials: string;
  acronym: boolean;
  letters: number;
}

interface PreparedAgency {
  agency: Agency;
  names: PreparedName[];
}

const fold = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
const refOf = (a: Agency): AgencyRef => ({ id: a.id, name: a.name, configured: a.configured });

function prepare(agencies: readonly Agency[]): { exact: Map<string, Agency>; near: PreparedAgency[] } {
  const exact = new Map<string, Agency>();
  const near: PreparedAgency[] = [];
  for (const a of agencies) {
    for (const n of [a.id, a.name, ...a.aliases]) if (!exact.has(fold(n))) exact.set(fold(n), a);
    const names: PreparedName[] = [];
    // The id too: `council-eu` is what "Council EU" slugifies to, and would otherwise become a second agency of it.
    for (const name of [a.name, ...a.aliases, a.id]) {
      const loose = looseName(name);
      if (loose) names.push({ name, loose, prefix: `${loose} `, initials: initials(loose), acronym: isAcronym(name), letters: letterCount(loose) });
    }
    near.push({ agency: a, names });
  }
  return { exact, near };
}

function nearCandidates(written: string, agencies: readonly PreparedAgency[]): Candidate[] {
  if (written.length > MAX_NEAR_CHARS) return [];
  const w = looseName(written);
  if (!w) return [];
  const acronym = isAcronym(written);
  const wInitials = initials(w);
  const wLetters = letterCount(w);
  const found: Candidate[] = [];
  for (const { agency: a, names } of agencies) {
    let best: Candidate | undefined;
    for (const n of names) {
      let c: Candidate | undefined;
      if (n.loose === w) c = { agency: a, matched: n.name, edits: 0, why: 'written differently (case, accents, punctuation or abbreviation)' };
      else if (acronym && n.initials === w) c = { agency: a, matched: n.name, edits: 0, why: `the initials of "${n.name}"` };
      else if (n.acronym && wInitials === n.loose) c = { agency: a, matched: n.name, edits: 0, why: `"${n.name}" is its initials` };
      else if (w.startsWith(n.prefix) && w.slice(n.prefix.length).split(' ').every((x) => OFFICE_WORDS.has(x)))
        c = { agency: a, matched: n.name, edits: 0, why: `"${n.name}" followed by "${w.slice(n.prefix.length)}"` };
      else if (!acronym && !n.acronym) {
        const allowed = allowedEdits(wLetters, n.letters);
        const d = allowed > 0 ? withinEdits(w, n.loose, allowed) : Infinity;
        if (d <= allowed) c = { agency: a, matched: n.name, edits: d, why: `${d === 1 ? 'one letter' : `${d} letters`} off "${n.name}"` };
      }
      if (c && (!best || c.edits < best.edits)) best = c;
    }
    if (best) found.push(best);
  }
  return found.sort((x, y) => x.edits - y.edits);
}

/**
 * A matcher for one list of agencies (a bulletin's run): exact names first (configured agencies before discovered
 * ones; case and spacing ignored), then near matches among configured agencies, then among discovered ones. Two
 * agencies equally near is no match: the writer's intent is not guessable. A name matching nothing whole may be a
 * known name followed by what people add ("NATO, 9 October 2024", "Europol (The Hague)").
 */
export function agencyMatcher(agencies: readonly Agency[]): (written: string) => AgencyMatch {
  const configured = prepare(agencies.filter((a) => a.configured));
  const discovered = prepare(agencies.filter((a) => !a.configured));
  const whole = (written: string): AgencyMatch => {
    const f = fold(written);
    const exact = configured.exact.get(f);
    if (exact) return { kind: 'exact', ref: refOf(exact) };
    const slug = slugify(written);
    const known = discovered.exact.get(f) ?? discovered.near.find((d) => d.agency.id === slug)?.agency;
    const fresh: AgencyRef = known ? refOf(known) : { id: slug, name: written.trim().replace(/\s+/g, ' '), configured: false };
    for (const group of [configured, discovered]) {
      const near = nearCandidates(written, group.near);
      const best = near[0];
      if (!best) continue;
      const tied = near.filter((c) => c.edits === best.edits && c.agency.id !== best.agency.id);
      if (tied.length > 0) return { kind: 'new', ref: fresh, ambiguous: [best.agency.id, ...tied.map((c) => c.agency.id)] };
      // A discovered agency of exactly this name (or its slug) stays itself rather than folding into a neighbour.
      if (group === discovered && known) break;
      return { kind: 'near', ref: refOf(best.agency), why: best.why, matched: best.matched };
    }
    return known ? { kind: 'exact', ref: fresh } : { kind: 'new', ref: fresh };
  };
  return (written) => {
    const m = whole(written);
    if (m.kind !== 'new' || m.ambiguous) return m;
    const cut = /\s*(?:[,;|(\[]|\s[-\u2013\u2014]\s)/.exec(written);
    const head = cut && cut.index > 0 ? written.slice(0, cut.index) : undefined;
    if (head === undefined) return m;
    const h = whole(head);
    if (h.kind === 'new') return m;
    return { kind: 'near', ref: h.ref, matched: h.kind === 'near' ? h.matched : head, why: `"${head}"${h.kind === 'near' ? ` (${h.why})` : ''} followed by "${written.slice(cut!.index).trim()}"` };
  };
}

/** One name against a list of agencies (see agencyMatcher; build the matcher once for many names). */
export function matchAgency(written: string, agencies: readonly Agency[]): AgencyMatch {
  return agencyMatcher(agencies)(written);
}
