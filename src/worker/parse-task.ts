// One source's text → its items as Incoming, or a story's page → its article: the CPU-heavy part of an ingest,
// run on a parse thread (or inline).
// Only strings and plain data go in and out: the task and its answer cross a thread boundary by structured clone.
import type { Agency, Incoming, ParseWarning } from '../model.js';
import { extractArticle, type ExtractInput, type ExtractResult } from '../sources/extract-article.js';
import { parseBulletin } from '../sources/parse-bulletin.js';
import { parseFeed } from '../sources/parse-feed.js';
import { readBulletinText } from '../stories/check-bulletin.js';
import { feedItemToIncoming } from '../stories/normalise.js';

export interface FeedTask {
  kind: 'feed';
  /** The decoded body, as fetched. */
  body: string;
  /** Where the body came from after redirects: the base for relative links. */
  finalUrl: string;
  agency: string;
  /** The configured URL: the source's key, and the base for links when the item names none. */
  feedUrl: string;
  timeZone: string;
  nowIso: string;
}

export interface BulletinTask {
  kind: 'bulletin';
  text: string;
  /** File name relative to feeds/bulletins (its date names the stories' day). */
  file: string;
  /** The file's modification time (ISO 8601): the last hint of the bulletin's day. */
  fileTime?: string;
  /** Configured and discovered agencies, for matchAgency. */
  agencies: Agency[];
  /** The run's time (ISO 8601); the file time stands in for it when absent. */
  nowIso?: string;
  /** How the file's bytes were read (read-bulletins.ts), and the warning when they were not UTF-8. */
  encoding?: string;
  encodingWarning?: string;
}

/** A story's page: the article in it, accepted only when it holds the teaser (sources/extract-article.ts). */
export interface PageTask extends ExtractInput {
  kind: 'page';
}

export type ParseTask = FeedTask | BulletinTask | PageTask;

export type FeedOutcome =
  | { kind: 'feed'; ok: true; incoming: Incoming[]; warnings: ParseWarning[] }
  | { kind: 'feed'; ok: false; code: 'malformed' | 'not-a-feed'; message: string };

export interface BulletinOutcome {
  kind: 'bulletin';
  incoming: Incoming[];
  /** Names that matched no known agency, each with the line of its first item. */
  discovered: { id: string; name: string; line: number }[];
  warnings: ParseWarning[];
}

export interface PageOutcome {
  kind: 'page';
  result: ExtractResult;
}

export type ParseOutcome<T extends ParseTask> = T extends FeedTask ? FeedOutcome : T extends BulletinTask ? BulletinOutcome : PageOutcome;

async function feedTask(t: FeedTask): Promise<FeedOutcome> {
  const parsed = await parseFeed(t.body, t.finalUrl);
  if (!parsed.ok) return { kind: 'feed', ok: false, code: parsed.code, message: parsed.message };
  const now = new Date(t.nowIso);
  const incoming: Incoming[] = [];
  const warnings = [...parsed.warnings];
  parsed.items.forEach((item, i) => {
    const n = feedItemToIncoming(item, i, { agency: t.agency, feedUrl: t.feedUrl, timeZone: t.timeZone, now });
    warnings.push(...n.warnings);
    if (n.incoming) incoming.push(n.incoming);
  });
  if (incoming.length > MAX_FEED_ITEMS) {
    warnings.unshift({ line: 0, message: `${incoming.length} items; the newest ${MAX_FEED_ITEMS} kept` });
    return { kind: 'feed', ok: true, incoming: newest(incoming, MAX_FEED_ITEMS), warnings: boundWarnings(warnings) };
  }
  return { kind: 'feed', ok: true, incoming, warnings: boundWarnings(warnings) };
}

/**
 * Items read from one feed document. An agency's feed is a window on its latest releases (NATO's and Europol's
 * carry 20–50); the 10 MB fetch cap allows ~80,000 one-line items, which a hostile feed can change at every
 * poll: each would become a story, stored, merged and rendered on every run. Past this, the newest are kept.
 */
export const MAX_FEED_ITEMS = 1000;

/** The `n` newest items by date (undated ones count as new: they are dated when first seen), in feed order. */
function newest(items: Incoming[], n: number): Incoming[] {
  const order = items.map((it, i) => ({ i, d: it.published ?? '\uffff' }));
  order.sort((a, b) => (a.d < b.d ? 1 : a.d > b.d ? -1 : a.i - b.i));
  const keep = new Set(order.slice(0, n).map((o) => o.i));
  return items.filter((_, i) => keep.has(i));
}

function bulletinTask(t: BulletinTask): BulletinOutcome {
  const now = new Date(t.nowIso ?? t.fileTime ?? Date.now());
  const read = readBulletinText(t.text, t.file, t.agencies, now, {
    ...(t.fileTime !== undefined ? { fileTime: t.fileTime } : {}),
    ...(t.encoding !== undefined ? { encoding: t.encoding } : {}),
    ...(t.encodingWarning !== undefined ? { encodingWarning: t.encodingWarning } : {}),
  });
  const discovered = read.report.newAgencies;
  return { kind: 'bulletin', incoming: read.incoming, discovered, warnings: boundWarnings(read.warnings) };
}

/** Warnings kept per source: what /status shows and the log gets, and what crosses back from the thread. */
export const MAX_WARNINGS = 20;

/**
 * A hostile source can earn a warning per line or per item (a bulletin of 100,000 stray `Source:` lines): logged
 * one by one, they stalled the thread that serves HTTP for a second. The first ones say what is wrong; a last
 * one says how many more there were.
 */
function boundWarnings(warnings: ParseWarning[]): ParseWarning[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS), { line: 0, message: `… and ${warnings.length - MAX_WARNINGS} more warnings` }];
}

/** Runs one task to the end on the calling thread. */
export async function runParseTask<T extends ParseTask>(task: T): Promise<ParseOutcome<T>> {
  if (task.kind === 'feed') return (await feedTask(task)) as ParseOutcome<T>;
  if (task.kind === 'bulletin') return bulletinTask(task) as ParseOutcome<T>;
  const { kind: _k, ...input } = task as PageTask;
  return { kind: 'page', result: extractArticle(input) } satisfies PageOutcome as ParseOutcome<T>;
}
