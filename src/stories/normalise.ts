// Bulletin items and feed items → Incoming, the one shape stories are made of. Every fallback is decided here.
import type { BulletinItem, FeedItem, Incoming, ParseWarning } from '../model.js';
import { renderBlocks } from '../sources/parse-bulletin.js';
import { dateInFileName, parseDate } from './dates.js';
import { keys } from './identity.js';
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
    keys: [keys.bulletin(ctx.agency, title)],
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
  let published = parseDate(item.published, ctx.timeZone) ?? parseDate(item.updated, ctx.timeZone);
  const updated = parseDate(item.updated, ctx.timeZone);
  if (item.published && !parseDate(item.published, ctx.timeZone))
    warnings.push({ line: 0, message: `item ${index + 1} ("${title.slice(0, 60)}"): unreadable date "${item.published.slice(0, 60)}"` });
  // A date more than a day ahead is a feed's mistake (wrong zone, wrong year): not believed.
  const horizon = ctx.now.getTime() + 24 * 3600 * 1000;
  if (published && Date.parse(published) > horizon) {
    warnings.push({ line: 0, message: `item ${index + 1} ("${title.slice(0, 60)}"): date ${published} is in the future; using first-seen` });
    published = undefined;
  }
  const itemKeys: string[] = [];
  if (item.guid?.trim()) itemKeys.push(keys.guid(ctx.agency, ctx.feedUrl, item.guid));
  const linkKey = item.link ? keys.link(item.link) : undefined;
  if (linkKey) itemKeys.push(linkKey);
  const day = (published ?? ctx.now.toISOString()).slice(0, 10);
  itemKeys.push(keys.titleDate(ctx.agency, title, day));
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
      contentHtml: body,
      summary: summaryText,
      teaser: /(…|\.\.\.)\s*(<\/p>)?\s*$/.test(body) && !content,
      categories: item.categories.map((c) => cleanTitle(c)).filter(Boolean).slice(0, 20),
      source: { kind: 'feed', url: ctx.feedUrl, ...(item.guid?.trim() ? { guid: item.guid.trim() } : {}) },
      keys: itemKeys,
    },
  };
}
