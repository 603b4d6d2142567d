// Picks the stories of a feed variant (`?q=`, `?category=`, `?since=`, `?limit=`): pure, newest first in, newest first out.
import type { Story } from '../model.js';
import { storedDates, type PublishedDates } from './story-day.js';

export interface StoryQuery {
  /** 1–500. */
  limit: number;
  /** Case-insensitive text that title or summary must contain. */
  q?: string;
  /** An agency id or name, or one of the story's categories, compared case-insensitively. */
  category?: string;
  /** Only stories published or updated at or after this instant. */
  since?: Date;
}

/** Case and compatibility folding, so "NATO", "nato" and "ＮＡＴＯ" compare equal. */
export function foldText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

// Printable ASCII (and white space) folds to itself under NFKC: lower-casing is all it needs.
const PLAIN = /^[\x20-\x7e\t\n\r]*$/;
const fold = (s: string) => (PLAIN.test(s) ? s.toLowerCase() : foldText(s));

/**
 * Whether a story's title or summary contains the folded text. Folded afresh per query rather than memoised: a
 * memo would hold a second copy of every title and summary for as long as the web tier runs (~30 MB at 100,000
 * stories), and each query's result is cached by the web tier anyway.
 */
function mentions(story: Story, q: string): boolean {
  return fold(story.title).includes(q) || fold(story.summary).includes(q);
}

/**
 * The test a story must pass to be in a query's view (`q`, `category`, `since`; `limit` is the caller's): the one
 * matcher of the feeds' variants and the HTML lists and searches (src/publish/list-window.ts), so both agree.
 */
export function storyMatcher(
  query: Omit<StoryQuery, 'limit'>,
  agencies: Readonly<Record<string, { id: string; name: string }>>,
  /** The dates `since` compares with: as published (story-day.ts's publishedDatesOf), so a reader gets what the feed shows. */
  dates: (s: Story) => PublishedDates = storedDates,
): (story: Story) => boolean {
  const q = query.q === undefined ? undefined : foldText(query.q.trim());
  const category = query.category === undefined ? undefined : foldText(query.category.trim());
  // An agency named like the category: its stories match whatever their own categories say.
  const agencyIds = new Set<string>();
  if (category !== undefined) {
    for (const a of Object.values(agencies)) if (foldText(a.id) === category || foldText(a.name) === category) agencyIds.add(a.id);
  }
  const since = query.since?.getTime();
  return (story) => {
    if (since !== undefined) {
      const d = dates(story);
      if (!(Date.parse(d.updated) >= since || Date.parse(d.published) >= since)) return false;
    }
    if (category !== undefined && !agencyIds.has(story.agency) && foldText(story.agency) !== category && !story.categories.some((c) => foldText(c.trim()) === category)) return false;
    if (q !== undefined && !mentions(story, q)) return false;
    return true;
  };
}

export function selectStories(
  sorted: readonly Story[],
  query: StoryQuery,
  agencies: Readonly<Record<string, { id: string; name: string }>>,
  dates: (s: Story) => PublishedDates = storedDates,
): Story[] {
  const matches = storyMatcher(query, agencies, dates);
  const out: Story[] = [];
  for (const story of sorted) {
    if (out.length >= query.limit) break;
    if (matches(story)) out.push(story);
  }
  return out;
}
