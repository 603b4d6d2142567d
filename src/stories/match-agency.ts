// A `Source:` name as a person typed it → the agency it means: exactly, nearly (case, accents, a typo, a known
// abbreviation), or a new agency. Pure; the caller turns a near match into a warning.
import type { Agency } from '../model.js';
import { resolveAgency, type AgencyRef } from './agencies.js';

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

/**
 * How many edits a typo may take. Acronyms and short names are never matched by spelling: EMA and EBA, ECB and
 * EIB, ESA and EDA are different agencies one letter apart. Five to seven letters: one edit (`Europl`); longer:
 * two (`Eurojsut`, `Counsil of the Europian Union` is three and is not forgiven).
 */
function allowedEdits(a: string, b: string): number {
  const shorter = Math.min(a.replace(/ /g, '').length, b.replace(/ /g, '').length);
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

interface Candidate {
  agency: Agency;
  /** The configured name or alias it came closest to. */
  matched: string;
  edits: number;
  why: string;
}

const refOf = (a: Agency): AgencyRef => ({ id: a.id, name: a.name, configured: a.configured });

function nearCandidates(written: string, agencies: readonly Agency[]): Candidate[] {
  if (written.length > MAX_NEAR_CHARS) return [];
  const w = looseName(written);
  if (!w) return [];
  const acronym = isAcronym(written);
  const found: Candidate[] = [];
  for (const a of agencies) {
    let best: Candidate | undefined;
    // The id too: `council-eu` is what "Council EU" slugifies to, and would otherwise become a second agency of it.
    for (const name of [a.name, ...a.aliases, a.id]) {
      const n = looseName(name);
      if (!n) continue;
      let c: Candidate | undefined;
      if (n === w) c = { agency: a, matched: name, edits: 0, why: 'written differently (case, accents, punctuation or abbreviation)' };
      else if (acronym && initials(n) === w) c = { agency: a, matched: name, edits: 0, why: `the initials of "${name}"` };
      else if (isAcronym(name) && initials(w) === n) c = { agency: a, matched: name, edits: 0, why: `"${name}" is its initials` };
      else if (w.startsWith(`${n} `) && w.slice(n.length + 1).split(' ').every((x) => OFFICE_WORDS.has(x)))
        c = { agency: a, matched: name, edits: 0, why: `"${name}" followed by "${w.slice(n.length + 1)}"` };
      else if (!acronym && !isAcronym(name)) {
        const allowed = allowedEdits(w, n);
        // A length apart by more than the edits allowed cannot be within them: skip the O(n·m) distance.
        const d = allowed > 0 && Math.abs(w.length - n.length) <= allowed ? typoDistance(w, n) : Infinity;
        if (d <= allowed) c = { agency: a, matched: name, edits: d, why: `${d === 1 ? 'one letter' : `${d} letters`} off "${name}"` };
      }
      if (c && (!best || c.edits < best.edits)) best = c;
    }
    if (best) found.push(best);
  }
  return found.sort((x, y) => x.edits - y.edits);
}

/**
 * Exact names first (configured agencies before discovered ones); then near matches among configured agencies,
 * then among discovered ones. Two agencies equally near is no match: the writer's intent is not guessable.
 */
export function matchAgency(written: string, agencies: readonly Agency[]): AgencyMatch {
  const whole = matchWhole(written, agencies);
  if (whole.kind !== 'new' || whole.ambiguous) return whole;
  // "NATO, 9 October 2024", "Europol (The Hague)", "Council of the EU | Brussels": a name, then what people add.
  const cut = /\s*(?:[,;|(\[]|\s[-\u2013\u2014]\s)/.exec(written);
  const head = cut && cut.index > 0 ? written.slice(0, cut.index) : undefined;
  if (head === undefined) return whole;
  const m = matchWhole(head, agencies);
  if (m.kind === 'new') return whole;
  return { kind: 'near', ref: m.ref, matched: m.kind === 'near' ? m.matched : head, why: `"${head}"${m.kind === 'near' ? ` (${m.why})` : ''} followed by "${written.slice(cut!.index).trim()}"` };
}

function matchWhole(written: string, agencies: readonly Agency[]): AgencyMatch {
  const configured = agencies.filter((a) => a.configured);
  const discovered = agencies.filter((a) => !a.configured);
  const exact = resolveAgency(written, configured);
  if (exact.configured) return { kind: 'exact', ref: exact };
  const exactDiscovered = resolveAgency(written, discovered);
  for (const group of [configured, discovered]) {
    const near = nearCandidates(written, group);
    const best = near[0];
    if (!best) continue;
    const tied = near.filter((c) => c.edits === best.edits && c.agency.id !== best.agency.id);
    if (tied.length > 0) return { kind: 'new', ref: exactDiscovered, ambiguous: [best.agency.id, ...tied.map((c) => c.agency.id)] };
    // A discovered agency of exactly this name (or its slug) stays itself rather than folding into a neighbour.
    if (group === discovered && discovered.some((a) => a.id === exactDiscovered.id)) break;
    return { kind: 'near', ref: refOf(best.agency), why: best.why, matched: best.matched };
  }
  if (discovered.some((a) => a.id === exactDiscovered.id)) return { kind: 'exact', ref: { ...exactDiscovered, configured: false, name: discovered.find((a) => a.id === exactDiscovered.id)!.name } };
  return { kind: 'new', ref: exactDiscovered };
}
