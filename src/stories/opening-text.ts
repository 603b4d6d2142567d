// Whether one copy's text is the opening of the other's, word for word: the strongest text evidence of one release.
//
// A teaser and its full text, a feed's description and the bulletin's paragraphs, a bulletin item and the
// agency's longer page: the shorter text, whole, starts the longer one (after folding case, punctuation, quotes
// and white space, and dropping a closing ellipsis or "Read more"). The shorter must run past what agencies
// share between releases at the start: one standard sentence ("Europol and its partners are using international
// cooperation and technological expertise to counter these threats, working to protect vulnerable individuals
// and dismantle criminal networks.": 164 letters and digits; "With the support of Eurojust, judicial and law
// enforcement authorities in …": 80; NATO's "NATO Secretary General Mark Rutte met …": 36). So it
// must hold two whole sentences or more and OPENING_MIN_CHARS letters and digits. A follow-up that repeats the
// original's first paragraph and goes on otherwise is no opening of it: neither text starts the other.
// Only the opening counts: a passage shared further on (closing boilerplate, a contact block) never does.
import type { Incoming, Story } from '../model.js';
import { compactFold } from '../text/compact-fold.js';
import { ELLIPSIS, stripReadMore } from '../text/read-more.js';
import { plainLead } from './text-match.js';

/**
 * Letters and digits the shared opening must run to. The copy shares two sentences (189); a standard
 * sentence alone runs to ~170, which the sentence count below keeps out.
 */
export const OPENING_MIN_CHARS = 150;
/** Whole sentences the shared opening must hold: boilerplate openings are one sentence. */
export const OPENING_MIN_SENTENCES = 2;
/** Characters of a body compared: two texts alike this far are one text. */
export const OPENING_MAX_CHARS = 6000;

export interface Opening {
  /** The text's letters and digits (compactFold), at most the first OPENING_MAX_CHARS characters' worth. */
  compact: string;
  /** Whether `compact` is the whole text (not cut at OPENING_MAX_CHARS). */
  whole: boolean;
  /** The text was cut by its source (a closing ellipsis or "Read more"): its last sentence is not whole. */
  cut: boolean;
  /** Offsets in `compact` at which its sentences end, in order. */
  sentenceEnds: number[];
}

const openings = new WeakMap<object, Opening | null>();
const heads = new WeakMap<object, string>();
/** Letters and digits of a text's start compared before the whole openings are prepared. */
const HEAD_CHARS = 48;

/**
 * The first letters and digits of a body, cheaply (its first few hundred characters of HTML): most stories of an
 * agency differ within them, so the merge need not prepare every candidate's whole opening.
 */
export function openingHead(x: Story | Incoming): string {
  let h = heads.get(x);
  if (h === undefined) {
    h = compactFold(x.contentHtml ? plainLead(x.contentHtml, 160) : x.summary.slice(0, 160)).slice(0, HEAD_CHARS);
    heads.set(x, h);
  }
  return h;
}

/** Whether two heads could start one text (one is a start of the other). */
export function headsAgree(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** The opening of a story's or an item's body (its description when it has no body), computed once per object. */
export function openingOf(x: Story | Incoming): Opening | undefined {
  const known = openings.get(x);
  if (known !== undefined) return known ?? undefined;
  const o = prepareOpening(x.contentHtml ? plainLead(x.contentHtml, OPENING_MAX_CHARS + 1) : x.summary);
  openings.set(x, o ?? null);
  return o;
}

/** A text as an Opening: folded, its closing "Read more" and ellipsis dropped, its sentence ends found. */
export function prepareOpening(text: string): Opening | undefined {
  const whole = text.length <= OPENING_MAX_CHARS;
  let t = whole ? text : text.slice(0, OPENING_MAX_CHARS);
  let cut = false;
  if (whole) {
    const stripped = stripReadMore(t);
    const bare = stripped.replace(ELLIPSIS, '');
    // Cut by its source (an ellipsis, or a "Read more" after no full stop): its last sentence is a part of one.
    cut = (bare !== stripped || stripped.length !== t.trimEnd().length) && !/[.!?]["'”’»)]*\s*$/u.test(bare);
    t = bare;
  }
  const sentenceEnds: number[] = [];
  let compact = '';
  // A sentence ends at . ! ? followed by white space, a capital or the end ("drugs.The" in a bulletin).
  for (const piece of t.split(/(?<=[.!?…])["'”’»)]*(?=\s|\p{Lu}|$)/u)) {
    const c = compactFold(piece);
    if (!c) continue;
    compact += c;
    sentenceEnds.push(compact.length);
  }
  return compact.length >= OPENING_MIN_CHARS ? { compact, whole, cut, sentenceEnds } : undefined;
}

/**
 * Whether the shorter text, whole, opens the longer (or both agree over all that was compared), over at least
 * OPENING_MIN_CHARS and OPENING_MIN_SENTENCES.
 */
export function sharedOpening(a: Opening, b: Opening): boolean {
  const [short, long] = a.compact.length <= b.compact.length ? [a, b] : [b, a];
  if (!long.compact.startsWith(short.compact)) return false;
  const n = short.compact.length;
  if (n < OPENING_MIN_CHARS) return false;
  // Two texts alike over all that was compared are one text.
  if (!short.whole) return true;
  // Sentences wholly inside the shared opening: the shorter text's last counts unless its source cut it.
  const sentences = short.sentenceEnds.filter((e) => e < n).length + (short.cut ? 0 : 1);
  return sentences >= OPENING_MIN_SENTENCES;
}
