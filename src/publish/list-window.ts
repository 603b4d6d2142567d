// One page of a story list (newest first) by cursor, not offset: a page's URL names the story it starts after,
// so a story arriving at the top leaves every older page's URL showing the same stories.
import type { Story } from '../model.js';
import { storedDates, type PublishedDates } from './story-day.js';

/** Stories per HTML list page: the feeds' default limit, so a search's first page is its feed's stories. */
export const PAGE_SIZE = 50;

/**
 * A place in the order of `sortStories` (published descending as text, then seq ascending; published as shown,
 * story-day.ts's publishedDatesOf): the page holds the stories after it. Written `<published>~<seq>`, e.g.
 * `2024-10-09T08:00:00.000Z~123`.
 */
export interface Cursor {
  published: string;
  seq: number;
}

const CURSOR_RE = /^(.{1,64})~(\d{1,15})$/s;

export function parseCursor(raw: string): Cursor | undefined {
  const m = CURSOR_RE.exec(raw);
  return m ? { published: m[1]!, seq: Number(m[2]) } : undefined;
}

/** The cursor as a query value: a date's `:` and `.` stay readable (RFC 3986 allows both in a query). */
export function formatCursor(c: Cursor): string {
  return `${encodeURIComponent(c.published).replace(/%3A/gi, ':')}~${c.seq}`;
}

type DatesOf = (s: Story) => PublishedDates;

const cursorOf = (s: Story, dates: DatesOf): Cursor => ({ published: dates(s).published, seq: s.seq });

/** Whether `s` comes after the cursor in the list's order. */
function isAfter(s: Story, c: Cursor, dates: DatesOf): boolean {
  const p = dates(s).published;
  return p < c.published || (p === c.published && s.seq > c.seq);
}

/** Index of the first story after the cursor (binary search: the list is sorted in this very order). */
function firstAfter(sorted: readonly Story[], c: Cursor, dates: DatesOf): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isAfter(sorted[mid]!, c, dates)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export interface ListWindow {
  stories: Story[];
  /** The cursor of the next (older) page, when there are older stories. */
  next?: Cursor;
  /** The newer page: `null` for the first page (no cursor), undefined on the first page itself. */
  prev?: Cursor | null;
  /** Where the first story of this page stands in the whole list (0-based); only for an unfiltered list. */
  offset?: number;
}

/**
 * The page after `cursor` (the first page without one) of the stories `matches` accepts. Work is bounded by the
 * stories scanned to fill this page and to find the newer one, as a feed variant scans to fill its limit.
 */
export function listWindow(
  sorted: readonly Story[],
  cursor: Cursor | undefined,
  matches?: (s: Story) => boolean,
  size = PAGE_SIZE,
  /** The dates the list is sorted by (story-day.ts's publishedDatesOf). */
  dates: DatesOf = storedDates,
): ListWindow {
  const start = cursor === undefined ? 0 : firstAfter(sorted, cursor, dates);
  const stories: Story[] = [];
  let i = start;
  let more = false;
  for (; i < sorted.length; i++) {
    const s = sorted[i]!;
    if (matches && !matches(s)) continue;
    if (stories.length === size) {
      more = true;
      break;
    }
    stories.push(s);
  }
  const out: ListWindow = { stories };
  if (more) out.next = cursorOf(stories[stories.length - 1]!, dates);
  if (matches === undefined) out.offset = start;
  if (cursor !== undefined && start > 0) {
    // The newer page holds the `size` matching stories before this one's first; its cursor is the match before
    // those, or none (the first page) when there are not more than `size` of them.
    let found = 0;
    let j = start - 1;
    for (; j >= 0; j--) {
      if (matches && !matches(sorted[j]!)) continue;
      if (found === size) break;
      found++;
    }
    if (found > 0) out.prev = j >= 0 ? cursorOf(sorted[j]!, dates) : null;
  }
  return out;
}

/** The largest `seq` a cursor may carry (15 digits): a cursor at a day's end with it passes every story of that instant. */
const LAST_SEQ = 999_999_999_999_999;

/**
 * The days (UTC, `YYYY-MM-DD`) of a month's stories (newest first), each with the cursor of the page that starts
 * with that day's newest story: undefined for the month's newest day (the month's first page). A month page
 * links them, so any story of the month is a day's click and a page or two away.
 */
export function dayCursors(monthStories: readonly Story[], dates: DatesOf = storedDates): { day: string; cursor?: Cursor }[] {
  const out: { day: string; cursor?: Cursor }[] = [];
  let last = '';
  for (const s of monthStories) {
    const t = Date.parse(dates(s).published);
    if (Number.isNaN(t)) continue;
    const day = new Date(t).toISOString().slice(0, 10);
    if (day === last) continue;
    last = day;
    if (out.length === 0) {
      out.push({ day });
      continue;
    }
    // Every story published before the next day's midnight, i.e. this day and older. Stored dates are ISO
    // strings in UTC, which compare in time order; a stored date with an offset is placed by its text.
    const next = new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
    out.push({ day, cursor: { published: next, seq: LAST_SEQ } });
  }
  return out;
}
