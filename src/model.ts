// Types shared by every stage: config, raw items from each source, stories, source state. Imports nothing.

/** One upstream feed of an agency, as configured in feeds/agencies/<id>.json. */
export interface FeedConfig {
  url: string;
  /** node-cron expression; default every 15 minutes. */
  schedule: string;
  /**
   * Request headers sent to the feed's own origin (never to another host a redirect leads to), resolved from
   * `"env:NAME"` references at start-up: credentials kept out of the URL. Secret: never logged or shown.
   */
  headers?: Record<string, string>;
}

export interface Agency {
  /** Lowercase kebab-case; the same string in feeds/agencies/<id>.json, /feeds/<id>.atom and story.agency. */
  id: string;
  name: string;
  homepage?: string;
  aliases: string[];
  /** IANA zone used to read zone-less upstream times. */
  timezone: string;
  feeds: FeedConfig[];
  /**
   * Page fetching for teaser stories (feeds/agencies/<id>.json `fulltext`): absent = on, with the extractor's
   * guess of the article block; `false` = off; a selector = that element is the article body.
   */
  fulltext?: false | { selector: string };
  /** false for an agency first named by a bulletin (`Source: Frontex`) that no config file declares. */
  configured: boolean;
}

/** A paragraph-level block of a bulletin body. */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'ul'; items: string[] }
  | { kind: 'ol'; items: string[] };

/** One item of a bulletin, exactly as written; parse-bulletin reports, normalise decides. */
export interface BulletinItem {
  kind: 'bulletin';
  /** 1-based line of the title in the file. */
  line: number;
  title: string;
  /** The text after `Source:`, trimmed, as written (e.g. "NATO", "Council of the EU"). */
  agencyName: string;
  blocks: Block[];
  /** The text ends in `…` or `...`: only the start of the press release. */
  teaser: boolean;
}

export interface ParseWarning {
  /** 1-based line, 0 when it concerns the whole file. */
  line: number;
  message: string;
  /** Set when text was lost (an item skipped, a file not read): `pressroom check-bulletin` exits 1. */
  error?: true;
}

/** One item of an agency's RSS/Atom feed, as found; every field may be missing. */
export interface FeedItem {
  kind: 'feed';
  guid?: string;
  /** Absolute link (resolved against xml:base or the feed URL). */
  link?: string;
  title?: string;
  /** Raw date strings as found; normalise reads them. */
  published?: string;
  updated?: string;
  /** Full HTML body (content:encoded, Atom content). */
  contentHtml?: string;
  /** Short HTML or text (description, Atom summary). */
  summaryHtml?: string;
  author?: string;
  categories: string[];
  /**
   * The xml:base in scope at the element the content (or summary) came from, when the feed declared one: the
   * base of the relative URLs inside it. Absent: they resolve against the item's link, then the feed URL.
   */
  contentBase?: string;
  summaryBase?: string;
  /** The language the feed declares for the item (BCP 47; see src/text/language-tag.ts). */
  language?: string;
}

export type StorySource =
  | { kind: 'bulletin'; file: string; line: number }
  | { kind: 'feed'; url: string; guid?: string }
  /** The story's own page, fetched because all we held was a teaser (worker/fulltext.ts). */
  | { kind: 'page'; url: string; fetchedAt: string };

/** What an incoming item can come from: a page is never an item, it only completes a story (worker/fulltext.ts). */
export type ItemSource = Exclude<StorySource, { kind: 'page' }>;

/** `page`: the article page's own date, which replaced a date known only from a bulletin's file name. */
export type DateSource = 'feed' | 'page' | 'bulletin' | 'first-seen';

/**
 * Where a bulletin item's date came from, best first: a dateline opening the item ("Brussels, 9 October 2024 –"),
 * a date in the bulletin's header (text above its first item), the file's name, the file's modification time.
 * A bulletin date is a day, never a time of day.
 */
export type DateBasis = 'dateline' | 'header' | 'file-name' | 'file-time';

/** A bulletin copy's day that the feed's date contradicts: the story keeps the feed's date and shows this. */
export interface DateConflict {
  /** The bulletin's day, `YYYY-MM-DD`. */
  day: string;
  basis: DateBasis;
  /** The bulletin file that said so. */
  file: string;
}

/**
 * Why a story's date is not its source's: the source's date was more than a day in the future when first seen
 * (held at first-seen), or could not be read at all (fell back to the bulletin's date or first-seen).
 */
export type DateFlag = 'future' | 'unparseable';

/** An item from any source, normalised into the shape a story is made of. */
export interface Incoming {
  agency: string;
  title: string;
  link?: string;
  /** ISO 8601; undefined when the source gave no usable date (the story then uses first-seen). */
  published?: string;
  updated?: string;
  dateSource: DateSource;
  /** With dateSource 'bulletin': what the bulletin's day was read from. */
  dateBasis?: DateBasis;
  /** Set when the source gave a date that was not believed (see DateFlag). */
  dateFlag?: DateFlag;
  contentHtml: string;
  summary: string;
  teaser: boolean;
  categories: string[];
  source: ItemSource;
  /** Upstream identity keys, strongest first (guid, canonical link, bulletin key). */
  keys: string[];
  /** The language its source declared (BCP 47); bulletins declare none. */
  language?: string;
  /** `YYYY-MM-DD`: the release's day in its agency's zone; a story minted for this item is named with it. */
  day?: string;
}

/**
 * Why a copy joined a story (merge.ts, copy-evidence.ts), published in JSON Feed `_pressroom.merged_by`:
 * an upstream key it shares (`same-guid`, `same-link`, `same-title-and-day`, `same-bulletin-item`), or the
 * comparison of title and text that found it (`same-title`, `retitled-same-text`, `similar-title`,
 * `edited-text`, `same-title-far`, `reworded-title-same-text`, `opening-text`).
 */
export type MergeRule =
  | 'same-guid'
  | 'same-link'
  | 'same-title-and-day'
  | 'same-bulletin-item'
  | 'same-key'
  | 'same-title'
  | 'retitled-same-text'
  | 'similar-title'
  | 'edited-text'
  | 'same-title-far'
  | 'reworded-title-same-text'
  | 'opening-text';

/**
 * What one copy of a story said, kept once a second copy joins so that `mergedBy` can be worked out from the
 * set of copies, whatever order they came in (stories/merge-evidence.ts): its keys, title, dates and the start
 * of its text (as much as the opening-text rule reads).
 */
export interface StoredCopy {
  /** sourceKey of the copy. */
  source: string;
  title: string;
  /** The copy's date, or when it was first seen when it gave none. */
  published: string;
  dateSource: DateSource;
  summary: string;
  /**
   * The start of the copy's body as plain text (stories/merge-evidence.ts COPY_TEXT_CHARS); absent for the copy
   * the story's body comes from (`bodyFrom`), whose text is the story's own.
   */
  text?: string;
  keys: string[];
}

/** One copy merged into a story after its first: which rule, and which source (sourceKey, merge.ts). */
export interface MergedBy {
  rule: MergeRule;
  source: string;
}

export interface TitleChange {
  title: string;
  /** When the title was replaced (ISO 8601). */
  until: string;
}

export interface Story {
  /** `tag:` URI minted once when first seen; never recomputed. */
  id: string;
  /** Insertion order, a tie-break for stories with the same date. */
  seq: number;
  agency: string;
  title: string;
  link?: string;
  published: string;
  updated: string;
  firstSeen: string;
  dateSource: DateSource;
  /** With dateSource 'bulletin': what the bulletin's day was read from (`published` is then that day's midnight). */
  dateBasis?: DateBasis;
  /** Set while `published` is first-seen or a bulletin's day because a feed's date was not believed. */
  dateFlag?: DateFlag;
  /** A bulletin copy dated otherwise than the feed's date (kept): see merge.ts. */
  dateConflict?: DateConflict;
  /** The newest update time a source declared for this release (Atom <updated>); feeds `updated` (see merge.ts). */
  declaredUpdated?: string;
  contentHtml: string;
  summary: string;
  teaser: boolean;
  categories: string[];
  /** The language a source declared for the story's text (BCP 47: `en`, `fr-BE`); absent when none did. */
  language?: string;
  sources: StorySource[];
  /** Which source the body came from (see sourceKey), so that source's edits replace it. */
  bodyFrom: string;
  history: TitleChange[];
  /** Each copy that joined the story after the one that made it, and the rule that joined it (absent: none yet). */
  mergedBy?: MergedBy[];
  /** Each copy's evidence, once the story has two or more (stories/merge-evidence.ts); mergedBy is computed from it. */
  copies?: StoredCopy[];
  /**
   * Every upstream identity key that names this story (guid, guid+link, canonical link, bulletin key, title+date).
   * The alias table is built from these; stored with the story so only the story's partition is rewritten
   * when a key is added. Optional only for stories written before schema 2.
   */
  keys?: string[];
  /** Set while the story is withdrawn: it leaves every feed and list, its page answers 410 (stories/withdraw.ts). */
  withdrawn?: Withdrawal;
}

/**
 * Why a story left the feeds. `source`: no source carries it any more (its bulletin item was removed or its file
 * deleted); lifted when a source carries it again. `operator`: `pressroom withdraw` or `agencies forget`; lifted
 * only by the operator (`withdraw --undo`, `agencies restore`).
 */
export interface Withdrawal {
  at: string;
  by: 'source' | 'operator';
  /** One line for the 410 page and /status, e.g. "removed from bulletin digest.txt". */
  reason: string;
}

/** An agency first named by a bulletin's `Source:` line that matched no known agency. */
export interface DiscoveredAgency {
  id: string;
  name: string;
  /** When, and where, it was first named (absent for agencies discovered before these were kept). */
  firstSeen?: string;
  file?: string;
  line?: number;
  /** `pressroom agencies forget`: its feeds answer 410 and its stories are withdrawn (stories/withdraw.ts). */
  forgotten?: { at: string; reason: string };
}

/** What the worker knows about one source (an agency feed URL or a bulletin file). */
export interface SourceState {
  kind: 'feed' | 'bulletin';
  /** Feed URL, or bulletin file name relative to feeds/bulletins. */
  key: string;
  agency?: string;
  lastAttempt?: string;
  lastSuccess?: string;
  lastStatus?: number;
  errorCode?: string;
  /** Safe to publish: names the reason, never words or status from a host a redirect led to. */
  errorMessage?: string;
  /** Operator-only (GET /status/detail, the CLI, the log): the redirect chain, a refused address, the raw error. */
  errorDetail?: string;
  consecutiveFailures: number;
  nextAttempt?: string;
  etag?: string;
  lastModified?: string;
  /** sha256 of the last body (feeds) or file content (bulletins). */
  contentHash?: string;
  itemsLastFetch?: number;
  movedTo?: string;
  gone?: boolean;
  warnings?: string[];
  /**
   * When the current run of failures began: the first failed attempt after a success (ISO 8601). Set by the
   * worker on the first failure, kept while failing, cleared on success. With the source key it names the
   * incident in /feeds/status.atom, so it must never change during one run of failures.
   */
  failingSince?: string;
  /** The last run of failures that ended in a success: the "recovered" entry of the status feed. */
  recovered?: RecoveredIncident;
  /** When `movedTo` was first seen (ISO 8601); kept while it stays the same URL. */
  movedSince?: string;
  /**
   * A bulletin whose processing failed (too slow, crashed): the hash of that content. The same content waits
   * for `nextAttempt`; an edited file is tried at once.
   */
  failedContentHash?: string;
  /** A bulletin file no longer in the drop folder since then (ISO 8601): a deletion once the grace period ends. */
  missingSince?: string;
}

export interface RecoveredIncident {
  /** The run's `failingSince`. */
  since: string;
  /** The successful attempt that ended it. */
  at: string;
  failures: number;
  errorCode?: string;
  errorMessage?: string;
}

/** One story's page fetches (worker/fulltext.ts): at most one success, retries with back-off, then none. */
export interface PageState {
  agency: string;
  url: string;
  attempts: number;
  lastAttempt: string;
  /** Not before this (back-off); absent once accepted or given up. */
  nextAttempt?: string;
  /** `blocked`: a bot challenge or firewall block page (detect-block.ts); the teaser stays, the host backs off. */
  outcome: 'accepted' | 'refused' | 'failed' | 'blocked';
  /** The refusal reason (extract-article.ts) or the fetch error code; safe to publish. */
  reason?: string;
  message?: string;
  /** Validators of the last page fetched, for a conditional GET on a retry. */
  etag?: string;
  lastModified?: string;
}

export interface PageCounts {
  fetches: number;
  accepted: number;
  refused: number;
  failed: number;
  /** Answered with a bot challenge or a firewall's block page (absent in stores written before it was counted). */
  blocked?: number;
}

/** A host whose pages answer with a bot challenge or a block page: none of its pages is asked for until `until`. */
export interface BlockedHost {
  /** What blocked us ("Cloudflare challenge"). */
  what: string;
  /** The first block of this run of blocks (ISO 8601). */
  since: string;
  until: string;
  /** Blocks in a row; the wait doubles with each. */
  blocks: number;
}

export interface FulltextState {
  /** Story id → its page fetches. */
  pages: Record<string, PageState>;
  /** Agency id → page fetches since the store began. */
  counts: Record<string, PageCounts>;
  /** Host → its back-off after a bot challenge or block page; absent once a page of it is fetched again. */
  blockedHosts?: Record<string, BlockedHost>;
  /** Host → the last charset guess on one of its pages (worker/fulltext.ts); absent once a page of it decodes cleanly. */
  charsetWarnings?: Record<string, PageCharsetWarning>;
}

/** A story page whose charset had to be guessed (src/text/decode-text.ts): shown on /status like a feed's. */
export interface PageCharsetWarning {
  agency: string;
  /** The page's URL as fetched (redacted before it is shown). */
  page: string;
  /** The story's source that linked the page (a `sources` key: `feed:<url>`, `bulletin:<file>`), when it has one. */
  source?: string;
  /** The decoder's words: `not valid UTF-8 and no charset declared: read as windows-1252`. */
  warning: string;
  /** The encoding the page was read as. */
  encoding: string;
  /** When it was read (ISO 8601). */
  at: string;
}

/** 1: one pressroom.json holding everything. 2: a manifest plus one partition file per month (src/store/). */
export const SCHEMA_VERSION = 2;

export interface StoreData {
  schema: number;
  nextSeq: number;
  stories: Story[];
  /**
   * Upstream key → story id. Built from the stories' `keys` when the store opens; merge.ts extends it without
   * copying it (see alias-table.ts). Read it with `aliases[key]`; it is never written to disk as such.
   */
  aliases: Record<string, string>;
  sources: Record<string, SourceState>;
  /** Agencies first seen in bulletins, so their ids and names survive restarts. */
  discoveredAgencies: Record<string, DiscoveredAgency>;
  /**
   * Feed URL → ids of the stories its latest successful fetch listed. Retention never prunes these: a story
   * still in its source feed would only come back under a new id.
   */
  inFeed?: Record<string, string[]>;
  /** Page fetches for teaser stories (worker/fulltext.ts); absent until the first. */
  fulltext?: FulltextState;
}
