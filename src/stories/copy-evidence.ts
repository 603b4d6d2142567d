// Whether an incoming item reads as a copy of a stored story: titles, the start of the text, dates, places, numbers.
import type { Incoming, Story } from '../model.js';
import {
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
/** The widest of the windows above: how far apart a copy's date can be, for finding candidates. */
export const SEARCH_MS = BULLETIN_BACK_MS;

/** What a story or an item offers for comparison, computed once per object. */
interface Profile {
  titles: string[];
  countries: Set<string>;
  numbers: Set<string>;
  leads: Lead[];
}

const profiles = new WeakMap<object, Profile>();

function profileOf(x: Story | Incoming): Profile {
  let p = profiles.get(x);
  if (p) return p;
  const titles = [x.title, ...('history' in x ? x.history.map((h) => h.title) : [])].map((t) => stripAgencyPrefix(foldTitle(t), x.agency));
  const current = titles[0] ?? '';
  const leads: Lead[] = [];
  for (const text of [x.summary, plainLead(x.contentHtml)]) {
    const l = prepareLead(text);
    if (l && !leads.some((o) => o.compact === l.compact)) leads.push(l);
  }
  p = { titles: [...new Set(titles)], countries: countriesIn(current), numbers: numbersIn(current), leads };
  profiles.set(x, p);
  return p;
}

function bestLeads(a: Profile, b: Profile): { similarity: number; contradict: boolean } {
  let best = { similarity: 0, contradict: false };
  for (const la of a.leads)
    for (const lb of b.leads) {
      const similarity = leadSimilarity(la, lb);
      if (similarity > best.similarity) best = { similarity, contradict: leadCountriesContradict(la, lb) };
    }
  return best;
}

/**
 * How strongly `inc` reads as a copy of `story`: 0 = another release (always, for another agency).
 * Titles are only one witness: agencies shorten a title, add "NATO: ", change a verb between channels, so the
 * start of the text (a bulletin's paragraphs against the feed's description or content) and the dates count too.
 * Never merged, whatever else agrees: titles naming different countries or numbers ("…in Latvia" / "…in
 * Lithuania", "16 suspects" / "18 suspects"), or texts whose same opening words name different countries.
 */
export function copyEvidence(story: Story, inc: Incoming, when: number): number {
  if (story.agency !== inc.agency) return 0;
  const [near, nearText] = windows(story, inc, when);
  if (!near && !nearText) return 0;
  const ps = profileOf(story);
  const pi = profileOf(inc);
  if (contradict(ps.countries, pi.countries) || contradict(ps.numbers, pi.numbers)) return 0;
  const lead = bestLeads(ps, pi);
  if (lead.contradict) return 0;
  const [incTitle] = pi.titles;
  if (incTitle === undefined) return 0;
  let exact = false;
  let similarity = 0;
  let overlap = 0;
  for (const t of ps.titles) {
    exact ||= t === incTitle;
    similarity = Math.max(similarity, titleSimilarity(t, incTitle));
    overlap = Math.max(overlap, titleOverlap(t, incTitle));
  }
  const bothHaveText = ps.leads.length > 0 && pi.leads.length > 0;
  if (exact && near) return 4 + lead.similarity;
  // One text is the start of the other, and the titles share words: a retitled copy.
  if (lead.similarity === 1 && overlap >= 0.3 && nearText) return 3 + similarity;
  // Small wording differences in the title, and the texts agree (or one copy has no text to compare).
  if (similarity >= 0.85 && near && (lead.similarity >= 0.5 || (!bothHaveText && similarity >= 0.9))) return 2 + similarity;
  // Lightly edited text under a reworded title.
  if (lead.similarity >= 0.7 && overlap >= 0.5 && near) return 1 + lead.similarity;
  return 0;
}

/** Whether two copies are dated close enough for title evidence, and for text evidence. */
function windows(story: Story, inc: Incoming, when: number): [boolean, boolean] {
  const storyMs = Date.parse(story.published);
  const pair = (feedMs: number, bulletinMs: number) => feedMs >= bulletinMs - BULLETIN_BACK_MS && feedMs <= bulletinMs + BULLETIN_AHEAD_MS;
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
