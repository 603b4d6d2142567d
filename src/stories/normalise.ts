// Bulletin items and feed items → Incoming, the one shape stories are made of. Every fallback is decided here.
import type { BulletinItem, DateBasis, DateFlag, FeedItem, Incoming, ParseWarning } from '../model.js';
import { renderBlocks } from '../sources/parse-bulletin.js';
import { dateInFileName, datelineDay, dayIn, dayIso, firstDayIn, parseDate, startOfDay, type Day } from './dates.js';
import { identityChain, keys } from './identity.js';
import { sanitiseHtml } from './sanitise-html.js';
import { htmlToSummary } from './summary.js';
import { stripXmlInvalid } from './xml-chars.js';
import { isJsSpace } from '../sources/scan-text.js';

const foldSpace = (t: string) => stripXmlInvalid(t).replace(/\s+/g, ' ').trim();
const cleanTitle = (t: string) => capTitle(foldSpace(t));

/**
 * The longest title kept. Agencies' titles run to ~200 characters (NATO's longest in a year of its feed: 160); a
 * title of megabytes is a hostile feed, and it would be copied into every document and identity key. Longer ones
 * are cut at a word boundary near the cap, with an ellipsis.
 */
export const MAX_TITLE_CHARS = 1000;

function capTitle(t: string): string {
  if (t.length <= MAX_TITLE_CHARS) return t;
  let end = t.lastIndexOf(' ', MAX_TITLE_CHARS);
  if (end < MAX_TITLE_CHARS * 0.8) end = MAX_TITLE_CHARS;
  const code = t.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // never split a surrogate pair
  return `${t.slice(0, end).trimEnd()}…`;
}

/** The plain text of a bulletin body, for summaries and matching. */
function blocksText(item: BulletinItem): string {
  return item.blocks.map((b) => (b.kind === 'p' ? b.text : b.items.join(' '))).join(' ');
}

export interface BulletinContext {
  /** File name in the drop folder. */
  file: string;
  agency: string;
  /** The agency's IANA zone: a bulletin's day begins at 00:00 there. Default UTC. */
  timeZone?: string;
  /** The text above the bulletin's first item (ParsedBulletin.header). */
  header?: string;
  /** The file's modification time (ISO 8601), from read-bulletins. */
  fileTime?: string;
}

/**
 * A bulletin's days are a hint of who wrote them, so they come with their evidence, best first:
 *  1. a dateline opening the item ("Brussels, 9 October 2024 – …"): the release's own date;
 *  2. a date in the bulletin's header ("Press digest, 9 October 2024");
 *  3. the date in the file's name (the user's choice when saving it, often the day after or before);
 *  4. the day of the file's modification time, in the agency's zone;
 *  5. none: the story keeps its first-seen time.
 */
export function bulletinDay(item: BulletinItem, ctx: BulletinContext): { day: Day; basis: DateBasis } | undefined {
  const first = item.blocks[0];
  const dateline = first?.kind === 'p' ? datelineDay(first.text) : undefined;
  if (dateline) return { day: dateline, basis: 'dateline' };
  const header = ctx.header ? firstDayIn(ctx.header) : undefined;
  if (header) return { day: header, basis: 'header' };
  const named = dateInFileName(ctx.file);
  if (named) return { day: named, basis: 'file-name' };
  const t = ctx.fileTime ? Date.parse(ctx.fileTime) : NaN;
  if (Number.isFinite(t) && t > 0) return { day: dayIn(t, ctx.timeZone ?? 'UTC'), basis: 'file-time' };
  return undefined;
}

/**
 * Stories of one bulletin day share `published` (the day at 00:00 in the agency's zone) and are told apart by
 * `updated`: one second per line before this item's line runs out, so the first item of a bulletin is the
 * newest and a reader sorting by date keeps the bulletin's order. Derived from the line, it is the same on
 * every run.
 */
const DAY_ORDER_SECONDS = 3600;

export function bulletinToIncoming(item: BulletinItem, ctx: BulletinContext): Incoming {
  const title = cleanTitle(item.title);
  const dated = bulletinDay(item, ctx);
  const published = dated ? startOfDay(dated.day, ctx.timeZone ?? 'UTC') : undefined;
  const updated = published ? new Date(Date.parse(published) + Math.max(0, DAY_ORDER_SECONDS - item.line) * 1000).toISOString() : undefined;
  const text = stripXmlInvalid(blocksText(item)).replace(/\s+/g, ' ').trim();
  return {
    agency: ctx.agency,
    title,
    ...(published ? { published, updated, dateBasis: dated!.basis } : {}),
    dateSource: published ? 'bulletin' : 'first-seen',
    contentHtml: stripXmlInvalid(renderBlocks(item.blocks)),
    summary: text.length > 500 ? `${dropLastWord(text.slice(0, 500))}…` : text,
    teaser: item.teaser,
    categories: [],
    source: { kind: 'bulletin', file: ctx.file, line: item.line },
    keys: [keys.bulletin(ctx.agency, dated ? dayIso(dated.day) : undefined, title)],
    ...(dated ? { day: dayIso(dated.day) } : {}),
  };
}

/**
 * `s.replace(/\s+\S*$/, '')`: the last run of white space and the word after it cut off (a word cut short at
 * the 500th character), by looking back from the end instead of trying the regex at every space.
 */
function dropLastWord(s: string): string {
  let i = s.length;
  while (i > 0 && !isJsSpace(s.charCodeAt(i - 1))) i--;
  if (i === 0) return s;
  while (i > 0 && isJsSpace(s.charCodeAt(i - 1))) i--;
  return s.slice(0, i);
}

/**
 * A feed description cut short by the agency ends in an ellipsis, perhaps inside its last paragraph:
 * `/(…|\.\.\.)\s*(<\/p>)?\s*$/` without its backtracking (quadratic on `...`, a long run of white space and
 * any other character: a 1 MB item held the event loop for about half an hour). Trim the end, then compare.
 */
function endsInEllipsis(html: string): boolean {
  let s = html.trimEnd();
  if (s.endsWith('</p>')) s = s.slice(0, -4).trimEnd();
  return s.endsWith('…') || s.endsWith('...');
}

/**
 * A body longer than this is not a press release (the fetch cap allows 10 MB in one item): it is cut here,
 * with a warning, before the sanitiser and html-to-text, which cost ~1 µs per character even when linear. Cut,
 * not refused: the item's title, link and date are still good, and the start of the text is what readers and
 * matching (the first 1,500 characters) use.
 */
export const MAX_BODY_CHARS = 1024 * 1024;

export interface FeedContext {
  agency: string;
  feedUrl: string;
  timeZone: string;
  /** Dates more than this far past `now` are not believed. */
  now: Date;
}

/** A feed item → Incoming, or a warning when it cannot become a story. */
export function feedItemToIncoming(item: FeedItem, index: number, ctx: FeedContext): { incoming?: Incoming; warnings: ParseWarning[] } {
  const warnings: ParseWarning[] = [];
  const capped = (html: string | undefined, what: string): string | undefined => {
    if (html === undefined || html.length <= MAX_BODY_CHARS) return html;
    warnings.push({ line: 0, message: `item ${index + 1}: ${what} of ${html.length} characters cut to ${MAX_BODY_CHARS}` });
    // Never cut a surrogate pair in half.
    const code = html.charCodeAt(MAX_BODY_CHARS - 1);
    return html.slice(0, code >= 0xd800 && code <= 0xdbff ? MAX_BODY_CHARS - 1 : MAX_BODY_CHARS);
  };
  const contentHtml = capped(item.contentHtml, 'content');
  const summarySource = capped(item.summaryHtml, 'description');
  // Relative URLs in the text: against the xml:base the feed declared for it, else the item's page, else the feed.
  const content = contentHtml?.trim() ? sanitiseHtml(contentHtml, item.contentBase ?? item.link ?? ctx.feedUrl) : '';
  const summaryHtml = summarySource?.trim() ? sanitiseHtml(summarySource, item.summaryBase ?? item.link ?? ctx.feedUrl) : '';
  const body = content || summaryHtml;
  const fullTitle = item.title ? foldSpace(item.title) : '';
  let title = capTitle(fullTitle);
  if (title !== fullTitle) warnings.push({ line: 0, message: `item ${index + 1}: title of ${fullTitle.length} characters cut to ${title.length}` });
  // Some feeds publish untitled items; the start of the text names them better than nothing.
  if (!title) title = htmlToSummary(body, 80);
  if (!title) {
    warnings.push({ line: 0, message: `item ${index + 1}: no title and no text; skipped` });
    return { warnings };
  }
  // published, else updated (Atom entries may carry only <updated>), else first-seen. A date that is there but
  // cannot be read, or lies more than a day ahead (a wrong zone or year), is not believed: the story keeps its
  // first-seen time (or a bulletin's day) and is flagged, and the feed is told in its warnings.
  const rawDate = item.published ?? item.updated;
  let published = parseDate(item.published, ctx.timeZone) ?? parseDate(item.updated, ctx.timeZone);
  const updated = parseDate(item.updated, ctx.timeZone);
  let dateFlag: DateFlag | undefined;
  if (rawDate?.trim() && !published) {
    dateFlag = 'unparseable';
    warnings.push({ line: 0, message: `item ${index + 1} ("${title.slice(0, 60)}"): unreadable date "${rawDate.trim().slice(0, 60)}"; using first-seen` });
  } else if (item.published?.trim() && !parseDate(item.published, ctx.timeZone))
    warnings.push({ line: 0, message: `item ${index + 1} ("${title.slice(0, 60)}"): unreadable date "${item.published.trim().slice(0, 60)}"; using its updated date` });
  const horizon = ctx.now.getTime() + 24 * 3600 * 1000;
  if (published && Date.parse(published) > horizon) {
    warnings.push({ line: 0, message: `item ${index + 1} ("${title.slice(0, 60)}"): date ${published} is in the future; using first-seen` });
    published = undefined;
    dateFlag = 'future';
  }
  const itemKeys = identityChain({
    agency: ctx.agency,
    feedUrl: ctx.feedUrl,
    ...(item.guid?.trim() ? { guid: item.guid } : {}),
    ...(item.link?.trim() ? { link: item.link } : {}),
    title,
    ...(published ? { day: published.slice(0, 10) } : {}),
  });
  const summaryText = htmlToSummary(summaryHtml || content, 500);
  return {
    warnings,
    incoming: {
      agency: ctx.agency,
      title,
      ...(item.link ? { link: item.link } : {}),
      ...(published ? { published } : {}),
      ...(updated && Date.parse(updated) <= horizon ? { updated } : {}),
      dateSource: published ? 'feed' : 'first-seen',
      ...(dateFlag ? { dateFlag } : {}),
      contentHtml: body,
      summary: summaryText,
      teaser: endsInEllipsis(body) && !content,
      categories: item.categories.map((c) => cleanTitle(c)).filter(Boolean).slice(0, 20),
      source: { kind: 'feed', url: ctx.feedUrl, ...(item.guid?.trim() ? { guid: item.guid.trim() } : {}) },
      keys: itemKeys,
      ...(item.language ? { language: item.language } : {}),
      // The identity key above keeps the UTC day it always had (stored stories are found by it); the id is the agency's.
      ...(published ? { day: dayIso(dayIn(Date.parse(published), ctx.timeZone)) } : {}),
    },
  };
}
