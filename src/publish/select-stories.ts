// Picks the stories of a feed variant (`?q=`, `?category=`, `?since=`, `?limit=`): pure, newest first in, newest first out.
import type { Story } from '../model.js';

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

/** Folded title + summary per story object; merging replaces a story object rather than editing it, so the memo does not go stale. */
const haystacks = new WeakMap<Story, string>();
function haystackOf(story: Story): string {
  let h = haystacks.get(story);
  if (h === undefined) {
    h = foldText(`${story.title}\n${story.summary}`);
    haystacks.set(story, h);
  }
  return h;
}

export function selectStories(
  sorted: readonly Story[],
  query: StoryQuery,
  agencies: Readonly<Record<string, { id: string; name: string }>>,
): Story[] {
  const q = query.q === undefined ? undefined : foldText(query.q.trim());
  const category = query.category === undefined ? undefined : foldText(query.category.trim());
  // An agency named like the category: its stories match whatever their own categories say.
  const agencyIds = new Set<string>();
  if (category !== undefined) {
    for (const a of Object.values(agencies)) if (foldText(a.id) === category || foldText(a.name) === category) agencyIds.add(a.id);
  }
  const since = query.since?.getTime();
  const out: Story[] = [];
  for (const story of sorted) {
    if (out.length >= query.limit) break;
    if (since !== undefined && !(Date.parse(story.updated) >= since || Date.parse(story.published) >= since)) continue;
    if (category !== undefined && !agencyIds.has(story.agency) && foldText(story.agency) !== category && !story.categories.some((c) => foldText(c.trim()) === category)) continue;
    if (q !== undefined && !haystackOf(story).includes(q)) continue;
    out.push(story);
  }
  return out;
}
