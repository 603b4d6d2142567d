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
  // Every zone's offset is a whole number of quarter hours: an instant off that grid is no local midnight.
  if (!Number.isFinite(t) || t % 900_000 !== 0) return false;
  return isLocalMidnight(t, timeZone);
}

/**
 * Intl's zone arithmetic costs ~25 µs a call (noonOfDay makes five), and a publication asks for every day-only
 * story's noon: 100,000 stories took a second. A zone's offset is read at both ends of a week and kept; when they
 * agree it holds all week (no zone changes its clocks twice within a week), else each instant is asked directly.
 * Bounded; cleared when full.
 */
const WEEK_MS = 7 * 86_400_000;
const weeks = new Map<string, number | null>();
const WEEKS_MAX = 20_000;

/** The offset of `timeZone` at the instant `t`, in minutes east of UTC (as zoneOffsetMinutes). */
function offsetAt(t: number, timeZone: string): number {
  const week = Math.floor(t / WEEK_MS);
  const key = `${timeZone} ${week}`;
  let steady = weeks.get(key);
  if (steady === undefined) {
    const start = zoneOffsetMinutes(timeZone, week * WEEK_MS);
    steady = start === zoneOffsetMinutes(timeZone, (week + 1) * WEEK_MS - 1) ? start : null;
    if (weeks.size >= WEEKS_MAX) weeks.clear();
    weeks.set(key, steady);
  }
  return steady ?? zoneOffsetMinutes(timeZone, t);
}

/** Whether the instant `t` is 00:00 in `timeZone`. */
const isLocalMidnight = (t: number, timeZone: string) => (t + offsetAt(t, timeZone) * 60_000) % 86_400_000 === 0;

/** 12:00 (UTC ms) of the day `t` falls on in `timeZone`: noonOfDay(dayIn(t)), with the offsets above. */
function noonOfDayOf(t: number, timeZone: string): number {
  const local = t + offsetAt(t, timeZone) * 60_000;
  const localNoon = Math.floor(local / 86_400_000) * 86_400_000 + 43_200_000;
  const guess = localNoon - offsetAt(t, timeZone) * 60_000;
  const noon = localNoon - offsetAt(guess, timeZone) * 60_000;
  // Clocks that change between midnight and noon: noon read as stories/dates.ts reads any wall-clock time.
  if (offsetAt(noon, timeZone) !== offsetAt(guess, timeZone)) return Date.parse(noonOfDay(dayIn(t, timeZone), timeZone));
  return noon;
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
  const noon = noonOfDayOf(p, timeZone);
  const shift = noon - p;
  const sinceStart = u - p;
  const updated = !Number.isFinite(u) ? noon : sinceStart >= 0 && sinceStart <= ORDER_STAMP_MS ? u + shift : Math.max(u, noon);
  return { published: new Date(noon).toISOString(), updated: new Date(updated).toISOString() };
}

export interface PublishedDates {
  published: string;
  updated: string;
}

/** Published dates already worked out, per story object and zone: a story is never edited in place (a change makes a new object). */
const memo = new WeakMap<object, { timeZone: string | undefined; dates: PublishedDates }>();

/**
 * The dates a story is published, shown *and ordered* by, for stories of many agencies (`zoneOf` gives an
 * agency's zone): publicationDates, memoised. Everything that orders or groups stories for output (the feeds'
 * and lists' order, page cursors, archive months and their days, `since`) goes through this, so a day-only
 * story sorts and files where it is shown (at 12:00 in its agency's zone), not at the midnight it is stored at;
 * the store itself is never rewritten.
 */
export function publishedDatesOf(zoneOf: (agency: string) => string | undefined): (story: Story) => PublishedDates {
  return (story) => {
    // Most stories carry a time of day: answered without a zone's arithmetic or a memo entry.
    if (story.dateSource !== 'bulletin' && ((story.dateSource !== 'feed' && story.dateSource !== 'page') || offQuarterHour(story.published))) return story;
    const timeZone = zoneOf(story.agency);
    const hit = memo.get(story);
    if (hit !== undefined && hit.timeZone === timeZone) return hit.dates;
    const p = publicationDates(story, timeZone);
    // A story published as stored (a feed time on the quarter hour that is no local midnight) is its own answer.
    const dates = p.published === story.published && p.updated === story.updated ? story : p;
    memo.set(story, { timeZone, dates });
    return dates;
  };
}

/** Whether a stored date is certainly no local midnight anywhere: `…T08:07:00.000Z` read without parsing. */
function offQuarterHour(iso: string): boolean {
  if (iso.length === 24 && iso.endsWith(':00.000Z')) return !QUARTERS.has(iso.slice(14, 16));
  if (iso.length === 24 && iso.endsWith('Z')) return true;
  return Date.parse(iso) % 900_000 !== 0;
}
const QUARTERS = new Set(['00', '15', '30', '45']);

/** The instant as stored: for callers that have no agencies' zones (tests, tools); the default of every ordering. */
export const storedDates = (story: Story): PublishedDates => story;
