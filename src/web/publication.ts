// Every default document for one base URL, rendered once per store change: the table the web tier serves from,
// plus the indexes that query variants, archives and story pages are rendered from on demand.
import type { SourceState, StoreData, Story } from '../model.js';
import { failingSourcesLine } from '../publish/failing-line.js';
import { archiveHistory, archiveUrl, closedMonths, currentMonth, indexMonthsByFeed, monthName, subscriptionHistory, unarchivedCount, type MonthIndex } from '../publish/archives.js';
import { renderFrontPage, renderOpml } from '../publish/pages.js';
import { CONTENT_TYPES, feedUrl, prepareItems, renderItems, selfUrlOf, type FeedFormat, type FeedMeta, type PreparedItem } from '../publish/render-feed.js';
import { linkHeader } from '../publish/hub-link.js';
import { selectStories, type StoryQuery } from '../publish/select-stories.js';
import { agencyIncidents, renderStatusFeed, sourceIncidents } from '../publish/status-feed.js';
import { healthIncidents } from '../publish/health-incidents.js';
import type { HealthSnapshot } from '../health.js';
import { renderStoryPage } from '../publish/story-page.js';
import { publishedDatesOf, storedDates, type PublishedDates } from '../publish/story-day.js';
import { prepare, type Prepared } from './prepared.js';

export interface AgencyInfo {
  id: string;
  name: string;
  homepage?: string;
  /** IANA zone: a day-only story's day is read and published in it (publish/story-day.ts), and lists show days in it. Default UTC. */
  timezone?: string;
}

export interface PublishOptions {
  /** Stories per default feed. */
  limit: number;
  /** Seconds a reader or cache may reuse a feed: derived from the shortest source schedule. */
  maxAgeSeconds: number;
  /** The WebSub hub (only with PUBLIC_URL): subscription feeds and their variants advertise it (src/push/). */
  hub?: string;
  /** False for a stored source the config no longer lists: it leaves the status feed and the front page's count. */
  isConfigured?: (state: SourceState) => boolean;
  /** When a source is really tried next (the first cron tick after its back-off): the status feed's "Next attempt". */
  nextAttempt?: (state: SourceState) => string | undefined;
  /** The process's health: its degraded parts are incidents of the status feed (publish/health-incidents.ts). */
  health?: () => HealthSnapshot;
}

export const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/**
 * HTML pages show sanitised upstream HTML: no inline script, no plugin, no foreign form may run from it even if
 * one slipped by. The site's own stylesheet and copy script are files on this origin (/assets/), and its search
 * forms submit here (`form-action 'self'`).
 */
export const PAGE_CSP =
  "default-src 'none'; img-src http: https: data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
export const HTML_HEADERS = {
  'Content-Security-Policy': PAGE_CSP,
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};
export const HTML = 'text/html; charset=utf-8';

const ID_AGENCY = /^tag:[^,]*,[^:]*:([^/]+)\//;

/**
 * Newest first by the published instant as `dates` gives it (a day-only story at the noon it is published at:
 * see datesAsPublished); stories of the same instant keep the order they were first seen in.
 */
export function sortStories(stories: readonly Story[], dates: (s: Story) => PublishedDates = storedDates): Story[] {
  // Each story's instant worked out once, not at each of the n·log n comparisons.
  const keyed = stories.map((s) => ({ p: dates(s).published, s }));
  keyed.sort((a, b) => (a.p < b.p ? 1 : a.p > b.p ? -1 : a.s.seq - b.s.seq));
  return keyed.map((k) => k.s);
}

/**
 * The dates stories are published, shown and ordered by, each in its agency's zone (publish/story-day.ts): the
 * one rule of every document of the web tier.
 */
export function datesAsPublished(agencies: readonly AgencyInfo[]): (s: Story) => PublishedDates {
  const zones = new Map(agencies.map((a) => [a.id, a.timezone]));
  return publishedDatesOf((id) => zones.get(id));
}

/** Every agency with a feed: configured ones, those first named by bulletins, and any a story names. */
export function publishedAgencies(configured: readonly AgencyInfo[], data: StoreData): AgencyInfo[] {
  const out = new Map<string, AgencyInfo>();
  for (const a of configured) out.set(a.id, a);
  for (const d of Object.values(data.discoveredAgencies)) if (!out.has(d.id)) out.set(d.id, { id: d.id, name: d.name });
  for (const s of data.stories) if (!out.has(s.agency)) out.set(s.agency, { id: s.agency, name: s.agency });
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function feedMeta(key: string, agencies: readonly AgencyInfo[], baseUrl: string, opts: PublishOptions): FeedMeta {
  const byId = Object.fromEntries(agencies.map((a) => [a.id, a]));
  const agency = byId[key];
  return {
    key,
    title: agency ? `${agency.name} press releases (Pressroom)` : 'All agencies: press releases (Pressroom)',
    description: agency
      ? `Press releases of ${agency.name}, merged from its own feed and source bulletins.`
      : 'Press releases of every agency Pressroom follows, one story per release.',
    baseUrl,
    homePage: agency?.homepage ?? `${baseUrl}/`,
    ttlMinutes: Math.max(1, Math.round(opts.maxAgeSeconds / 60)),
    merged: key === 'all',
    agencies: byId,
  };
}

/**
 * When a document of these stories last changed: the newest story's `updated`, or its `firstSeen` when that is
 * later. A story that arrives with an old date (a late bulletin, an agency back-filling its feed) changes the
 * document without moving any `updated`; a reader revalidating with If-Modified-Since alone must still see it.
 */
export function lastChange(stories: readonly Story[]): Date | undefined {
  return newestOf(stories, (s) => [s.updated, s.firstSeen]);
}

/** The newest `updated` among stories: the `updated` the feed of them has (and an empty view of it gets). */
function newestUpdated(stories: readonly Story[]): Date | undefined {
  return newestOf(stories, (s) => [s.updated]);
}

function newestOf(stories: readonly Story[], dates: (s: Story) => readonly string[]): Date | undefined {
  let max = -Infinity;
  // Stored dates are nearly always `toISOString()` output, which compares as text: parse only when one is not.
  let maxIso = '';
  for (const s of stories) {
    for (const d of dates(s)) {
      if (d.length === 24 && d.endsWith('Z')) {
        if (d > maxIso) maxIso = d;
      } else {
        const t = Date.parse(d);
        if (t > max) max = t;
      }
    }
  }
  if (maxIso !== '') max = Math.max(max, Date.parse(maxIso));
  return Number.isFinite(max) ? new Date(max) : undefined;
}

export interface Publication {
  baseUrl: string;
  /** Every default document by path: the feeds, /feeds/status.atom, / and /feeds.opml. */
  docs: Map<string, Prepared>;
  agencies: AgencyInfo[];
  agencyById: Record<string, AgencyInfo>;
  /** Every story, newest first. */
  sorted: Story[];
  /** The dates each story is published and ordered by (datesAsPublished): lists, cursors, months and `since` use them. */
  dates: (s: Story) => PublishedDates;
  /** 'all' and every agency id → all its stories, newest first. */
  lists: Map<string, Story[]>;
  /** 'all' and every agency id → its archive months. */
  months: Map<string, MonthIndex>;
  /** A story by id, for its page; the index is built on the first call (most store versions never need it). */
  story(id: string): Story | undefined;
  opts: PublishOptions;
  /** What each default feed document was rendered from, so the next publication can reuse it unchanged. */
  inputs: Map<string, FeedInputs>;
  /** The UTC month this publication was built in: it is no archive yet; the web tier rebuilds when it ends. */
  month: string;
  /** The store's newest change: the date of a document whose scope has no stories (see FeedMeta.emptyUpdated). */
  changed: Date;
  /** See buildPublication. */
  withdrawnAt: ReadonlyMap<string, Date>;
}

/**
 * When the store last changed as far as its contents tell: the newest story change, else the newest attempt
 * at any source (an ingest that found nothing still committed its source states). A store that never ingested
 * anything has neither; its documents are then dated when this process first published them, once, not per
 * request.
 */
function storeChanged(sorted: readonly Story[], data: StoreData, builtAt: Date): Date {
  const fromStories = lastChange(sorted);
  if (fromStories) return fromStories;
  let max = '';
  for (const s of Object.values(data.sources)) if (s.lastAttempt && s.lastAttempt > max) max = s.lastAttempt;
  const t = Date.parse(max);
  return Number.isFinite(t) ? new Date(t) : builtAt;
}

interface FeedInputs {
  /** Everything but the stories: meta, format and cache policy, as one string. */
  meta: string;
  stories: readonly Story[];
}

/** Story objects are never edited (a change makes a new object), so the same objects mean the same items. */
function sameStories(a: readonly Story[], b: readonly Story[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function feedDoc(format: FeedFormat, meta: FeedMeta, stories: readonly Story[], cacheControl: string, items = prepareItems(meta, stories), floor?: Date): Prepared {
  const changed = later(lastChange(stories) ?? meta.emptyUpdated, floor);
  // WebSub §4: the hub and the exact topic URL in one Link header, on 200, 304 and HEAD alike.
  const headers = meta.hub !== undefined ? { headers: { Link: linkHeader(meta.hub, selfUrlOf(meta, format)) } } : {};
  return prepare(renderItems(format, meta, items), CONTENT_TYPES[format], { ...(changed ? { lastModified: changed } : {}), cacheControl, cors: true, ...headers });
}

/** The later of two dates; a story withdrawn from a document is a change of it newer than any story left in it. */
function later(a: Date | undefined, b: Date | undefined): Date | undefined {
  return a === undefined ? b : b === undefined || a >= b ? a : b;
}

/**
 * Renders the merged feed and one feed per agency in every format, the status feed, the front page and the OPML.
 * A feed document of `previous` whose inputs are unchanged is kept as it is (with the compressed bytes it has
 * made so far): an ingest run usually changes the merged feed and one or two agencies', not all of them.
 */
export function buildPublication(
  data: StoreData,
  configured: readonly AgencyInfo[],
  baseUrl: string,
  opts: PublishOptions,
  previous?: Publication,
  now: Date = new Date(),
  /**
   * 'all' and agency id → when a story last left its documents (web/public-view.ts): their Last-Modified is never
   * older, so a reader revalidating with If-Modified-Since alone does not keep a withdrawn story.
   */
  withdrawnAt: ReadonlyMap<string, Date> = new Map(),
): Publication {
  const agencies = publishedAgencies(configured, data);
  const agencyById = Object.fromEntries(agencies.map((a) => [a.id, a]));
  const dates = datesAsPublished(agencies);
  const sorted = sortStories(data.stories, dates);
  const month = currentMonth(now);
  const changed = storeChanged(sorted, data, previous?.changed ?? now);
  const docs = new Map<string, Prepared>();
  const cacheControl = `public, max-age=${opts.maxAgeSeconds}`;

  const lists = new Map<string, Story[]>([['all', sorted]]);
  for (const a of agencies) lists.set(a.id, []);
  for (const s of sorted) lists.get(s.agency)?.push(s);
  const months = indexMonthsByFeed(sorted, agencies.map((a) => a.id), dates);
  // Ids are minted as tag:pressroom,<day>:<agency>/<hash> (stories/identity.ts), so a story is looked for in that
  // agency's list first (~5,000 stories at 100,000). Anything else (an id not found there, a foreign id) builds a
  // map of every id, once per store version: 60-90 ms at 100,000, which most versions never spend.
  let byId: Map<string, Story> | undefined;
  const story = (id: string): Story | undefined => {
    const agency = ID_AGENCY.exec(id)?.[1];
    const hit = agency === undefined ? undefined : lists.get(agency)?.find((s) => s.id === id);
    return hit ?? (byId ??= new Map(sorted.map((s) => [s.id, s]))).get(id);
  };

  const inputs = new Map<string, FeedInputs>();
  for (const [key, all] of lists) {
    const index = months.get(key) ?? { months: [], stories: new Map() };
    // Every story of the current month is in the subscription document, however many: none of them is in an
    // archive yet (RFC 5005 §4), so a reader following prev-archive from here misses nothing.
    const stories = all.slice(0, Math.max(opts.limit, unarchivedCount(all, month, dates)));
    const meta: FeedMeta = { ...feedMeta(key, agencies, baseUrl, opts), emptyUpdated: newestUpdated(all) ?? changed, ...(opts.hub !== undefined ? { hub: opts.hub } : {}) };
    // Cleaned once for the three formats, and only if one of them is rendered: a reader reads each story's body
    // from disk when it is first asked for (src/store/reader-stories.ts).
    let items: readonly PreparedItem[] | undefined;
    for (const format of FORMATS) {
      const history = format === 'atom' ? subscriptionHistory(index, baseUrl, key, month) : undefined;
      const m = history ? { ...meta, history } : meta;
      const path = `/feeds/${key}.${format}`;
      const input = { meta: JSON.stringify([format, cacheControl, m, withdrawnAt.get(key)]), stories };
      const before = previous?.inputs.get(path);
      const kept = before && before.meta === input.meta && sameStories(before.stories, stories) ? previous?.docs.get(path) : undefined;
      docs.set(path, kept ?? feedDoc(format, m, stories, cacheControl, (items ??= prepareItems(meta, stories)), withdrawnAt.get(key)));
      inputs.set(path, input);
    }
  }

  const names = Object.fromEntries(agencies.map((a) => [a.id, a.name]));
  const shown: Record<string, SourceState> = {};
  for (const [k, s] of Object.entries(data.sources)) {
    if (opts.isConfigured && !opts.isConfigured(s)) continue;
    const next = s.errorCode !== undefined ? opts.nextAttempt?.(s) : undefined;
    shown[k] = next === undefined ? s : { ...s, nextAttempt: next };
  }
  const configuredIds = new Set(configured.map((a) => a.id));
  const incidents = [...healthIncidents(opts.health?.()), ...sourceIncidents(shown, names), ...agencyIncidents(data.discoveredAgencies, configuredIds)].sort((a, b) =>
    a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  // The status entries change at each attempt of a failing source (failure count, last error), so the document
  // last changed at the newest of the incidents' dates and those attempts.
  let statusChanged = incidents.reduce((m, i) => Math.max(m, Date.parse(i.updated)), -Infinity);
  for (const i of incidents) if (i.kind === 'failing' && i.state?.lastAttempt) statusChanged = Math.max(statusChanged, Date.parse(i.state.lastAttempt));
  docs.set(
    '/feeds/status.atom',
    prepare(renderStatusFeed(incidents, baseUrl, changed.toISOString()), CONTENT_TYPES.atom, {
      lastModified: Number.isFinite(statusChanged) ? new Date(statusChanged) : changed,
      cacheControl,
      cors: true,
    }),
  );

  const feeds = [{ id: 'all', name: 'All agencies' }, ...agencies];
  const newest = later(lastChange(sorted), withdrawnAt.get('all'));
  docs.set(
    '/',
    prepare(
      renderFrontPage({
        baseUrl,
        notice: failingSourcesLine(shown, baseUrl),
        agencies: agencyById,
        feeds: feeds.map((f) => {
          const list = lists.get(f.id) ?? [];
          const m = months.get(f.id);
          const newestArchive = m ? closedMonths(m, month)[0] : undefined;
          return { id: f.id, name: f.name, stories: list.slice(0, 5), total: list.length, ...(newestArchive ? { newestArchive } : {}) };
        }),
      }),
      HTML,
      { ...(newest ? { lastModified: newest } : {}), cacheControl: 'public, max-age=60', headers: HTML_HEADERS },
    ),
  );
  docs.set(
    '/feeds.opml',
    prepare(renderOpml(baseUrl, feeds, (newest ?? changed).toISOString()), 'text/x-opml; charset=utf-8', { lastModified: newest ?? changed, cacheControl, cors: true }),
  );

  return { baseUrl, docs, agencies, agencyById, sorted, dates, lists, months, story, opts, inputs, month, changed, withdrawnAt };
}

/** What a query variant's title adds, so a reader's list tells two variants of one feed apart. */
function describeQuery(query: StoryQuery): string {
  const parts = [
    query.q !== undefined ? `matching “${query.q}”` : '',
    query.category !== undefined ? `in “${query.category}”` : '',
    query.since !== undefined ? `since ${query.since.toISOString().slice(0, 10)}` : '',
  ].filter((p) => p !== '');
  return parts.length ? ` — ${parts.join(', ')}` : '';
}

/** A feed with query parameters; `canonical` is the normalised query string (not empty). */
export function renderVariant(pub: Publication, key: string, format: FeedFormat, query: StoryQuery, canonical: string): Prepared {
  const all = pub.lists.get(key) ?? [];
  const stories = selectStories(all, query, pub.agencyById, pub.dates);
  // A query that matches nothing is dated by its feed's newest change: what it would have shown changed then.
  const meta: FeedMeta = { ...feedMeta(key, pub.agencies, pub.baseUrl, pub.opts), emptyUpdated: newestUpdated(all) ?? pub.changed, ...(pub.opts.hub !== undefined ? { hub: pub.opts.hub } : {}) };
  return feedDoc(
    format,
    { ...meta, title: `${meta.title}${describeQuery(query)}`, selfUrl: `${feedUrl(pub.baseUrl, key, format)}?${canonical}` },
    stories,
    `public, max-age=${pub.opts.maxAgeSeconds}`,
    undefined,
    pub.withdrawnAt.get(key),
  );
}

/** The Atom archive of one closed month of a feed, or undefined when that month has no stories or is not closed. */
export function renderArchive(pub: Publication, key: string, month: string): Prepared | undefined {
  if (month >= pub.month) return undefined;
  const index = pub.months.get(key);
  const stories = index?.stories.get(month);
  if (index === undefined || stories === undefined) return undefined;
  const meta = feedMeta(key, pub.agencies, pub.baseUrl, pub.opts);
  const name = key === 'all' ? 'All agencies' : (pub.agencyById[key]?.name ?? key);
  return feedDoc(
    'atom',
    {
      ...meta,
      title: `${name}: press releases of ${monthName(month)} (Pressroom archive)`,
      selfUrl: archiveUrl(pub.baseUrl, key, month),
      history: archiveHistory(index, pub.baseUrl, key, month, pub.month),
    },
    stories,
    `public, max-age=${pub.opts.maxAgeSeconds}`,
    undefined,
    pub.withdrawnAt.get(`${key}@${month}`),
  );
}

/** A story's own page. */
export function renderStory(pub: Publication, story: Story): Prepared {
  const name = pub.agencyById[story.agency]?.name ?? story.agency;
  const changed = lastChange([story]);
  return prepare(renderStoryPage(story, name, pub.baseUrl, pub.agencyById[story.agency]?.timezone), HTML, {
    ...(changed ? { lastModified: changed } : {}),
    cacheControl: 'public, max-age=300',
    headers: HTML_HEADERS,
  });
}
