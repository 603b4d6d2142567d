// Whether an incoming item reads as a copy of a stored story: titles, the start of the text, dates, places, numbers.
import type { Incoming, MergeRule, Story } from '../model.js';
import { headsAgree, openingHead, openingOf, sharedOpening } from './opening-text.js';
import {
  contentWords,
  contradict,
  countriesIn,
  foldTitle,
  leadCountriesContradict,
  leadSimilarity,
  numbersIn,
  plainLead,
  prepareLead,
  stripAgencyPrefix,
  titleOverlap,
  titleSimilarity,
  type Lead,
} from './text-match.js';

const DAY_MS = 24 * 3600 * 1000;
/** Copies of one press release found in different channels are dated within a few days of each other. */
const TITLE_WINDOW_MS = 4 * DAY_MS;
/** Copies identified by their text may be dated a little further apart. */
const BODY_WINDOW_MS = 7 * DAY_MS;
/**
 * A bulletin digests the releases of the past fortnight or so: the agency's own copy is dated up to that long
 * before the bulletin's day, and never much after it (the day is midnight UTC; the release's zone can add one).
 */
const BULLETIN_BACK_MS = 14 * DAY_MS;
const BULLETIN_AHEAD_MS = 2 * DAY_MS;
/**
 * A bulletin's date is a hint (a file is named by the day it was saved, or wrongly), so a copy that carries
 * the same title and the same text is one release however far apart the two dates are, up to this. Beyond it
 * an agency re-running a release word for word is the likelier story.
 */
const SAME_TEXT_WINDOW_MS = 60 * DAY_MS;
/** Share of the shorter text's opening the other must carry (leadSimilarity) for the same-text window. */
const SAME_TEXT_MIN = 0.7;
/** Letters and digits the shared text must run to for a reworded title to merge across the same-text window. */
const FAR_TEXT_MIN_CHARS = 200;
/** Share of the shorter title's content words the other must have, for that. */
const FAR_TITLE_OVERLAP = 0.5;
/** The widest of the windows above: how far apart a copy's date can be, for finding candidates. */
export const SEARCH_MS = SAME_TEXT_WINDOW_MS;

/** What a story or an item offers for comparison, computed once per object. */
interface Profile {
  titles: string[];
  countries: Set<string>;
  numbers: Set<string>;
  leads: Lead[];
}

const profiles = new WeakMap<object, Profile>();
const titleLists = new WeakMap<object, string[]>();

/** Folded titles, current first, then the story's earlier ones: cheap, so far candidates are sifted by them. */
function titlesOf(x: Story | Incoming): string[] {
  let t = titleLists.get(x);
  if (t) return t;
  t = [...new Set([x.title, ...('history' in x ? x.history.map((h) => h.title) : [])].map((s) => stripAgencyPrefix(foldTitle(s), x.agency)))];
  titleLists.set(x, t);
  return t;
}

function profileOf(x: Story | Incoming): Profile {
  let p = profiles.get(x);
  if (p) return p;
  const titles = titlesOf(x);
  const current = titles[0] ?? '';
  const leads: Lead[] = [];
  for (const text of [x.summary, plainLead(x.contentHtml)]) {
    const l = prepareLead(text);
    if (l && !leads.some((o) => o.compact === l.compact)) leads.push(l);
  }
  p = { titles, countries: countriesIn(current), numbers: numbersIn(current), leads };
  profiles.set(x, p);
  return p;
}

/** The best-matching pair of texts: how alike, whether they name different countries, and the shorter's length. */
function bestLeads(a: Profile, b: Profile): { similarity: number; contradict: boolean; shorter: number } {
  let best = { similarity: 0, contradict: false, shorter: 0 };
  for (const la of a.leads)
    for (const lb of b.leads) {
      const similarity = leadSimilarity(la, lb);
      const shorter = Math.min(la.compact.length, lb.compact.length);
      if (similarity > best.similarity || (similarity === best.similarity && shorter > best.shorter))
        best = { similarity, contradict: leadCountriesContradict(la, lb), shorter };
    }
  return best;
}

const titleWordSets = new WeakMap<object, Set<string>[]>();

/** Share of the smaller title's content words the other has (titleOverlap), with each story's word sets kept. */
function sharesTitleWords(story: Story, inc: Incoming, min: number): boolean {
  const sets = (x: Story | Incoming) => {
    let s = titleWordSets.get(x);
    if (!s) titleWordSets.set(x, (s = titlesOf(x).map(contentWords)));
    return s;
  };
  const [b] = sets(inc);
  if (!b) return false;
  return sets(story).some((a) => {
    const [small, large] = a.size <= b.size ? [a, b] : [b, a];
    if (small.size === 0) return false;
    let n = 0;
    for (const w of small) if (large.has(w)) n++;
    return n / small.size >= min;
  });
}

/**
 * How strongly `inc` reads as a copy of `story`: 0 = another release (always, for another agency).
 * Titles are only one witness: agencies shorten a title, add "NATO: ", change a verb between channels, so the
 * start of the text (a bulletin's paragraphs against the feed's description or content) and the dates count too.
 * Never merged, whatever else agrees: titles naming different countries or numbers ("…in Latvia" / "…in
 * Lithuania", "16 suspects" / "18 suspects"), or texts whose same opening words name different countries.
 */
export function copyEvidence(story: Story, inc: Incoming, when: number): number {
  return copyMatch(story, inc, when).score;
}

/** A copy's score (copyEvidence) and the rule that gave it; score 0 and no rule for another release. */
export interface CopyMatch {
  score: number;
  rule?: MergeRule;
}

const NONE: CopyMatch = { score: 0 };
/**
 * One copy's text is the opening of the other's, word for word, over more than agency boilerplate openings run
 * to (opening-text.ts): as strong as the same title, whatever the titles say, across the same-text window.
 * Scored below a dated match by title.
 */
const OPENING_SCORE = 0.45;

export function copyMatch(story: Story, inc: Incoming, when: number): CopyMatch {
  if (story.agency !== inc.agency) return NONE;
  const [near, nearText] = windows(story, inc, when);
  const far = Math.abs(Date.parse(story.published) - when) <= SAME_TEXT_WINDOW_MS;
  if (!near && !nearText && !far) return NONE;
  const [incTitle] = titlesOf(inc);
  if (incTitle === undefined) return NONE;
  // Outside the date windows only the strongest evidence counts: compare the titles (cheap) before the texts,
  // and the openings (cheap: most differ in their first few letters) when the titles do not agree.
  if (!near && !nearText && !titlesOf(story).includes(incTitle) && !sharesTitleWords(story, inc, FAR_TITLE_OVERLAP))
    return sameOpening(story, inc) && !contradicts(story, inc) ? { score: OPENING_SCORE, rule: 'opening-text' } : NONE;
  const ps = profileOf(story);
  const pi = profileOf(inc);
  if (contradict(ps.countries, pi.countries) || contradict(ps.numbers, pi.numbers)) return NONE;
  const lead = bestLeads(ps, pi);
  if (lead.contradict) return NONE;
  const score = scoreOf(ps, pi, incTitle, lead, near, nearText, far);
  if (score.score > 0) return score;
  return sameOpening(story, inc) ? { score: OPENING_SCORE, rule: 'opening-text' } : NONE;
}

function sameOpening(story: Story, inc: Incoming): boolean {
  if (!headsAgree(openingHead(story), openingHead(inc))) return false;
  const a = openingOf(story);
  const b = openingOf(inc);
  return a !== undefined && b !== undefined && sharedOpening(a, b);
}

/** Titles or texts naming different countries or numbers: another release whatever else agrees. */
function contradicts(story: Story, inc: Incoming): boolean {
  const ps = profileOf(story);
  const pi = profileOf(inc);
  return contradict(ps.countries, pi.countries) || contradict(ps.numbers, pi.numbers) || bestLeads(ps, pi).contradict;
}

function scoreOf(
  ps: Profile,
  pi: Profile,
  incTitle: string,
  lead: { similarity: number; shorter: number },
  near: boolean,
  nearText: boolean,
  far: boolean,
): CopyMatch {
  let exact = false;
  let similarity = 0;
  let overlap = 0;
  for (const t of ps.titles) {
    exact ||= t === incTitle;
    similarity = Math.max(similarity, titleSimilarity(t, incTitle));
    overlap = Math.max(overlap, titleOverlap(t, incTitle));
  }
  const bothHaveText = ps.leads.length > 0 && pi.leads.length > 0;
  if (exact && near) return { score: 4 + lead.similarity, rule: 'same-title' };
  // One text is the start of the other, and the titles share words: a retitled copy.
  if (lead.similarity === 1 && overlap >= 0.3 && nearText) return { score: 3 + similarity, rule: 'retitled-same-text' };
  // Small wording differences in the title, and the texts agree (or one copy has no text to compare).
  if (similarity >= 0.85 && near && (lead.similarity >= 0.5 || (!bothHaveText && similarity >= 0.9))) return { score: 2 + similarity, rule: 'similar-title' };
  // Lightly edited text under a reworded title.
  if (lead.similarity >= 0.7 && overlap >= 0.5 && near) return { score: 1 + lead.similarity, rule: 'edited-text' };
  // The same title and the same text, dated further apart than any window above allows: the dates are what is
  // wrong (a bulletin named for the day before its releases). Scored below every dated match, so a copy
  // inside the windows always wins.
  if (exact && bothHaveText && lead.similarity >= SAME_TEXT_MIN && far) return { score: lead.similarity / 2, rule: 'same-title-far' };
  // The very same text, one copy the start of the other over a paragraph or more, under a reworded title that
  // keeps most of its words (NATO's feed says "Director General of the NATO International Military Staff
  // visits Azerbaijan" where the bulletin says "The Director General of NATO IMS visits Azerbaijan"): as strong
  // as the same title, scored lower still.
  if (!exact && lead.similarity === 1 && lead.shorter >= FAR_TEXT_MIN_CHARS && overlap >= FAR_TITLE_OVERLAP && far) return { score: 0.3, rule: 'reworded-title-same-text' };
  return NONE;
}

/** A feed's date fits a bulletin's day: the release is at most a fortnight older than the digest, never much newer. */
const pair = (feedMs: number, bulletinMs: number) => feedMs >= bulletinMs - BULLETIN_BACK_MS && feedMs <= bulletinMs + BULLETIN_AHEAD_MS;

/** Whether a bulletin dated `bulletinIso` could carry a release the agency's feed dates `feedIso`. */
export function bulletinDateFits(feedIso: string, bulletinIso: string): boolean {
  return pair(Date.parse(feedIso), Date.parse(bulletinIso));
}

/** Whether two copies are dated close enough for title evidence, and for text evidence. */
function windows(story: Story, inc: Incoming, when: number): [boolean, boolean] {
  const storyMs = Date.parse(story.published);
  if (inc.dateSource === 'bulletin' && story.dateSource === 'feed') {
    const ok = pair(storyMs, when);
    return [ok, ok];
  }
  if (inc.dateSource === 'feed' && story.dateSource === 'bulletin') {
    const ok = pair(when, storyMs);
    return [ok, ok];
  }
  const dt = Math.abs(storyMs - when);
  return [dt <= TITLE_WINDOW_MS, dt <= BODY_WINDOW_MS];
}

/** A looser test for a key that needs confirming (a guid whose link changed): the title or the text agree. */
export function confirms(story: Story, inc: Incoming): boolean {
  const ps = profileOf(story);
  const pi = profileOf(inc);
  if (contradict(ps.countries, pi.countries) || contradict(ps.numbers, pi.numbers)) return false;
  const t = pi.titles[0] ?? '';
  return ps.titles.some((x) => titleSimilarity(x, t) >= 0.6) || bestLeads(ps, pi).similarity >= 0.5;
}
