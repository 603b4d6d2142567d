// The day a story is dated by, as a person in the agency's zone reads it, and the instants feeds publish for it.
// Pure; every page and feed formats a story's day through here, so the front page, lists, story page and the
// three feed formats agree.
import type { Story } from '../model.js';
import { dayIn, dayIso, noonOfDay, zoneOffsetMinutes } from '../stories/dates.js';

/** A bulletin's order stamps (normalise.ts) lie within this of the day's start: seconds, not an edit. */
const ORDER_STAMP_MS = 3600_000;

/**
 * A story dated by a day only: a bulletin's day (stored as that day's 00:00 in the agency's zone), or a feed
 * date with no time of day, which parses to the same midnight; a feed writing 00:00:00 local means a day too.
 */
export function isDayOnly(story: Pick<Story, 'published' | 'dateSource'>, timeZone = 'UTC'): boolean {
  if (story.dateSource === 'bulletin') return true;
  if (story.dateSource !== 'feed' && story.dateSource !== 'page') return false;
  const t = Date.parse(story.published);
  if (!Number.isFinite(t)) return false;
  const local = t + zoneOffsetMinutes(timeZone, t) * 60_000;
  return local % 86_400_000 === 0;
}

/** "2024-10-09": the story's day in the agency's zone (UTC for an agency without one); '' for a bad date. */
export function storyDay(story: Pick<Story, 'published'>, timeZone = 'UTC'): string {
  const t = Date.parse(story.published);
  return Number.isFinite(t) ? dayIso(dayIn(t, timeZone)) : '';
}

/**
 * The `published` and `updated` feeds carry. A day-only story is published at 12:00 in the agency's zone, so a
 * reader anywhere less than 12 hours from it shows the right day (midnight in Brussels is 8 October to every
 * reader west of Brussels); its order stamp moves with it, so stories of one bulletin keep distinct `updated`s in
 * bulletin order. Any other story is published as stored.
 */
export function publicationDates(story: Pick<Story, 'published' | 'updated' | 'dateSource'>, timeZone = 'UTC'): { published: string; updated: string } {
  const p = Date.parse(story.published);
  const u = Date.parse(story.updated);
  if (!Number.isFinite(p) || !isDayOnly(story, timeZone)) return { published: story.published, updated: story.updated };
  const noon = Date.parse(noonOfDay(dayIn(p, timeZone), timeZone));
  const shift = noon - p;
  const sinceStart = u - p;
  const updated = !Number.isFinite(u) ? noon : sinceStart >= 0 && sinceStart <= ORDER_STAMP_MS ? u + shift : Math.max(u, noon);
  return { published: new Date(noon).toISOString(), updated: new Date(updated).toISOString() };
}
