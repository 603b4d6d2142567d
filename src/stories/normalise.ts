// Bulletin items and feed items → Incoming, the one shape stories are made of. Every fallback is decided here.
import type { BulletinItem, DateFlag, FeedItem, Incoming, ParseWarning } from '../model.js';
import { renderBlocks } from '../sources/parse-bulletin.js';
import { dateInFileName, parseDate } from './dates.js';
import { identityChain, keys } from './identity.js';
import { sanitiseHtml } from './sanitise-html.js';
import { htmlToSummary } from './summary.js';
import { stripXmlInvalid } from './xml-chars.js';

const cleanTitle = (t: string) => stripXmlInvalid(t).replace(/\s+/g, ' ').trim();

/** The plain text of a bulletin body, for summaries and matching. */
function blocksText(item: BulletinItem): string {
  return item.blocks.map((b) => (b.kind === 'p' ? b.text : b.items.join(' '))).join(' ');
}

export function bulletinToIncoming(item: BulletinItem, ctx: { file: string; agency: string }): Incoming {
  const title = cleanTitle(item.title);
  const day = dateInFileName(ctx.file);
  // The bulletin's own date is the day its file is named for; without one the story keeps its first-seen time.
  const published = day ? new Date(Date.UTC(day.y, day.m - 1, day.d)).toISOString() : undefined;
  const text = stripXmlInvalid(blocksText(item)).replace(/\s+/g, ' ').trim();
  return {
    agency: ctx.agency,
    title,
    ...(published ? { published } : {}),
    dateSource: published ? 'bulletin' : 'first-seen',
    contentHtml: stripXmlInvalid(renderBlocks(item.blocks)),
    summary: text.length > 500 ? `${text.slice(0, 500).replace(/\s+\S*$/, '')}…` : text,
    teaser: item.teaser,
    categories: [],
    source: { kind: 'bulletin', file: ctx.file, line: item.line },
    keys: [keys.bulletin(ctx.agency, published?.slice(0, 10), title)],
  };
}

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
  const content = item.contentHtml?.trim() ? sanitiseHtml(item.contentHtml, item.link ?? ctx.feedUrl) : '';
  const summaryHtml = item.summaryHtml?.trim() ? sanitiseHtml(item.summaryHtml, item.link ?? ctx.feedUrl) : '';
  const body = content || summaryHtml;
  let title = item.title ? cleanTitle(item.title) : '';
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
      teaser: /(…|\.\.\.)\s*(<\/p>)?\s*$/.test(body) && !content,
      categories: item.categories.map((c) => cleanTitle(c)).filter(Boolean).slice(0, 20),
      source: { kind: 'feed', url: ctx.feedUrl, ...(item.guid?.trim() ? { guid: item.guid.trim() } : {}) },
      keys: itemKeys,
    },
  };
}
