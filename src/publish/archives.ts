// RFC 5005 §4 archived feeds: stories grouped by the month they were published in, and the links between months.
import type { Story } from '../model.js';
import { feedUrl, type FeedHistory } from './render-feed.js';
import { storedDates, type PublishedDates } from './story-day.js';

/** `YYYY-MM`, the name of an archive document. */
export const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

const UTC_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

/**
 * The UTC month a story was published in (its published instant as `dates` gives it: story-day.ts), or undefined
 * for a date that does not parse (no archive holds it).
 */
export function monthOf(story: Story, dates: (s: Story) => PublishedDates = storedDates): string | undefined {
  const published = dates(story).published;
  // Stored dates are nearly always UTC ("…Z"): their month is their first seven characters, no parsing needed.
  if (UTC_ISO.test(published)) return published.slice(0, 7);
  const t = Date.parse(published);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 7);
}

/** Where the archive of `key` (an agency id or 'all') for `month` lives. Archives are Atom documents. */
export function archiveUrl(baseUrl: string, key: string, month: string): string {
  return `${baseUrl}/feeds/${encodeURIComponent(key)}/archive/${month}.atom`;
}

/** "October 2024", for titles; fixed English month names so the bytes do not depend on the machine's locale. */
export function monthName(month: string): string {
  const m = MONTH_RE.exec(month);
  if (!m) return month;
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${names[Number(m[2]) - 1] ?? ''} ${m[1]}`;
}

export interface MonthIndex {
  /** Months that have stories, newest first. Months without stories are not archives: the chain skips them. */
  months: string[];
  /** The stories of each month, in the order given (newest first). */
  stories: Map<string, Story[]>;
}

/** Groups stories (newest first) by month; linear in the number of stories. */
export function indexMonths(sorted: readonly Story[], dates: (s: Story) => PublishedDates = storedDates): MonthIndex {
  return indexMonthsByFeed(sorted, [], dates).get('all')!;
}

/**
 * The month index of the merged feed ('all') and of every agency feed in one pass, each story's month worked out
 * once. Agencies in `agencyIds` without stories get an empty index.
 */
export function indexMonthsByFeed(sorted: readonly Story[], agencyIds: readonly string[], dates: (s: Story) => PublishedDates = storedDates): Map<string, MonthIndex> {
  const byFeed = new Map<string, Map<string, Story[]>>([['all', new Map()]]);
  for (const id of agencyIds) byFeed.set(id, new Map());
  const add = (feed: string, month: string, story: Story) => {
    let months = byFeed.get(feed);
    if (!months) byFeed.set(feed, (months = new Map()));
    const list = months.get(month);
    if (list) list.push(story);
    else months.set(month, [story]);
  };
  // Newest first, so runs of stories share a month: one that starts like the last one's UTC date is in it.
  let last: string | undefined;
  for (const story of sorted) {
    const p = dates(story).published;
    const month = last !== undefined && p.length === 24 && p.startsWith(last) && UTC_ISO.test(p) ? last : monthOf(story, dates);
    if (month === undefined) continue;
    last = month;
    add('all', month, story);
    add(story.agency, month, story);
  }
  // Published dates may carry offsets, so insertion order is not quite month order: sort the keys.
  return new Map([...byFeed].map(([feed, stories]) => [feed, { months: [...stories.keys()].sort().reverse(), stories }]));
}

/** The UTC month of `now`, `YYYY-MM`: the one month that is never an archive, since it is still growing. */
export function currentMonth(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/**
 * Months whose stories can no longer change by the calendar alone: every month before `current`, newest first.
 * RFC 5005 §4: "archive documents ... are stable"; a reader that has fetched one need never fetch it again.
 * So the current month (and, at a month's end, a story dated ahead into the next) is not an archive.
 */
export function closedMonths(index: MonthIndex, current: string): string[] {
  return index.months.filter((m) => m < current);
}

/**
 * The RFC 5005 links of one closed month: `prev-archive` to the next older month that has stories and
 * `current` to the subscription feed. No `next-archive` (the RFC makes it optional): it would have to be added
 * to this month's document when the next one closes, and an archive's bytes must not change once its month
 * has. They still change when a story in it is edited upstream (its `updated` moves), or when a story arrives
 * dated in an older month that had none (the chain gains a link).
 */
export function archiveHistory(index: MonthIndex, baseUrl: string, key: string, month: string, current: string): FeedHistory {
  const closed = closedMonths(index, current);
  const at = closed.indexOf(month);
  const older = at >= 0 ? closed[at + 1] : closed.find((m) => m < month);
  return {
    archive: true,
    current: feedUrl(baseUrl, key, 'atom'),
    ...(older !== undefined ? { prevArchive: archiveUrl(baseUrl, key, older) } : {}),
  };
}

/**
 * The subscription feed's link into the archives: `prev-archive` to the newest *closed* month (RFC 5005 §4).
 * The stories of the current month are all in the subscription document itself (see publication.ts).
 */
export function subscriptionHistory(index: MonthIndex, baseUrl: string, key: string, current: string): FeedHistory | undefined {
  const newest = closedMonths(index, current)[0];
  return newest === undefined ? undefined : { archive: false, prevArchive: archiveUrl(baseUrl, key, newest) };
}

/** How many of a feed's stories (newest first) are of the current month or later: none of them is archived. */
export function unarchivedCount(sorted: readonly Story[], current: string, dates: (s: Story) => PublishedDates = storedDates): number {
  let n = 0;
  for (const s of sorted) {
    const m = monthOf(s, dates);
    if (m === undefined || m < current) break;
    n++;
  }
  return n;
}
