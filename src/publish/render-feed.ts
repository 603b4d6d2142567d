// Renders one list of stories as RSS 2.0, Atom 1.0 or JSON Feed 1.1: pure, deterministic, stories in, text out.

import { Feed, type Extension, type Item } from 'feed';
import type { Story, StorySource } from '../model.js';
import { sourceKey } from '../stories/source-key.js';
import { stripXmlInvalid } from '../stories/xml-chars.js';
import { el, writeXmlDocument, type XmlElement } from './xml.js';
import { publicationDates } from './story-day.js';
import { redactSecrets } from '../text/redact-secrets.js';

export interface FeedMeta {
  /** 'all' or an agency id */
  key: string;
  title: string;
  description: string;
  /** absolute base URL of this server, no trailing slash, e.g. "http://127.0.0.1:8080" */
  baseUrl: string;
  /** agency homepage or the server's front page */
  homePage: string;
  /** default "en" */
  language?: string;
  /** RSS <ttl> */
  ttlMinutes: number;
  /** true for 'all': items carry source attribution */
  merged: boolean;
  /** for names and attribution */
  agencies: Record<string, { id: string; name: string; homepage?: string; timezone?: string }>;
  /**
   * Absolute URL of this document when it is not the default one for `key` and the format rendered (a query
   * variant or an archive month): its self link, and its Atom id, since a filtered view is a feed of its own.
   */
  selfUrl?: string;
  /** RFC 5005 feed paging and archiving links; Atom only. */
  history?: FeedHistory;
  /**
   * The `updated` of the document when it has no stories: the newest change of its scope (the agency's newest
   * story, else the store's newest change). Never the epoch (validator: ImplausibleDate) and never "now" (the
   * bytes, and so the ETag, would change on every request).
   */
  emptyUpdated?: Date;
  /**
   * The WebSub hub of this document (PUBLIC_URL + /websub), advertised beside its self link: Atom `<link
   * rel="hub">`, RSS `<atom:link rel="hub">`, JSON Feed 1.1 `hubs`. Never on archives, which never change.
   */
  hub?: string;
}

/** RFC 5005 §4 (archived feeds): what this document is in the chain of archives, and its neighbours. */
export interface FeedHistory {
  /** An archive document: `<fh:archive/>`, "the feed document is an archive document" (§4). */
  archive: boolean;
  /** The next older archive document. */
  prevArchive?: string;
  /** The next newer archive document. */
  nextArchive?: string;
  /** The subscription document, linked from every archive document. */
  current?: string;
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** The server's page for one story: the item link when upstream gave none. */
export function storyUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/stories/${encodeURIComponent(id)}`;
}

/** Where this server publishes feed `key` in `format`: the self link of that document. */
export function feedUrl(baseUrl: string, key: string, format: FeedFormat): string {
  return `${baseUrl}/feeds/${encodeURIComponent(key)}.${format}`;
}

export function renderFeed(format: FeedFormat, meta: FeedMeta, stories: readonly Story[]): string {
  return renderItems(format, meta, prepareItems(meta, stories));
}

/**
 * The stories of one feed cleaned for rendering, once for all three formats. Depends on the meta's agencies and
 * base URL only, so one list serves every format (and history) of a feed.
 */
export function prepareItems(meta: FeedMeta, stories: readonly Story[]): readonly PreparedItem[] {
  const items = stories.map((story) => prepareItem(meta, story));
  // Two entries of one document with the same `updated` read as one entry edited twice to some readers
  // (validator: DuplicateUpdated). Stories rarely share one (bulletin stories of one day get distinct order
  // stamps, see normalise.ts); when two do, the later-listed one is moved on by a second until it is alone. The
  // list's order fixes which, so the bytes are the same on every render of the same stories.
  const seen = new Set<number>();
  for (const item of items) {
    let t = item.updated.getTime();
    if (seen.has(t)) {
      while (seen.has(t)) t += 1000;
      item.updated = new Date(t);
    }
    seen.add(t);
  }
  return items;
}

export function renderItems(format: FeedFormat, meta: FeedMeta, items: readonly PreparedItem[]): string {
  switch (format) {
    case 'rss':
      return renderRss(meta, items);
    case 'atom':
      return renderAtom(meta, items);
    case 'json':
      return renderJson(meta, items);
  }
}

/**
 * The last resort for a date that cannot be read and for an empty feed given no `emptyUpdated`: fixed, so the
 * bytes stay the same. Publication always passes `emptyUpdated`; this is for callers that render by hand.
 */
const EMPTY_UPDATED = new Date('1970-01-01T00:00:00Z');

/** One story, cleaned once for every format: all text XML-safe, dates valid, link absolute. */
export interface PreparedItem {
  story: Story;
  id: string;
  title: string;
  link: string;
  published: Date;
  updated: Date;
  contentHtml: string;
  summary: string;
  agencyId: string;
  agencyName: string;
  categories: string[];
  /** The language its source declared (BCP 47), if any. */
  language?: string;
}

function prepareItem(meta: FeedMeta, story: Story): PreparedItem {
  // Stories carry valid ISO dates, but one bad date would make the feed package throw and take the whole
  // document down (atom1/json1) or print "Invalid Date" (rss2): fall back to the other date, then the epoch.
  // A day-only story is published at noon in its agency's zone (publish/story-day.ts).
  const dates = publicationDates(story, meta.agencies[story.agency]?.timezone);
  const published = validDate(dates.published) ?? validDate(dates.updated) ?? EMPTY_UPDATED;
  const updated = validDate(dates.updated) ?? published;
  const agencyName = clean(meta.agencies[story.agency]?.name ?? story.agency);
  const categories = uniqueNonEmpty(story.categories.map(clean)).filter((c) => c !== agencyName);
  return {
    story,
    id: clean(story.id),
    title: clean(story.title),
    link: httpUrl(story.link) ?? storyUrl(meta.baseUrl, story.id),
    published,
    updated,
    contentHtml: clean(story.contentHtml),
    summary: clean(story.summary).trim(),
    agencyId: clean(story.agency),
    agencyName,
    categories,
    ...(storyLanguage(story) ? { language: storyLanguage(story) } : {}),
  };
}

/** Every string bound for a document: XML 1.0 cannot carry C0 controls, U+FFFE/U+FFFF or lone surrogates. */
function clean(s: string): string {
  return stripXmlInvalid(s);
}

function validDate(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * An absolute http(s) URL in normalised form, or undefined. The feed package passes every URL through
 * `new URL()` and throws on a relative one; other schemes (`javascript:`) have no place in a reader.
 * Normalising here gives the same string in all three formats.
 */
export function httpUrl(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  try {
    const url = new URL(clean(s));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function uniqueNonEmpty(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

function feedUpdated(items: readonly PreparedItem[], meta: FeedMeta): Date {
  let max: Date | undefined;
  for (const item of items) if (max === undefined || item.updated > max) max = item.updated;
  return max ?? meta.emptyUpdated ?? EMPTY_UPDATED;
}

/** The newest `updated` per agency among the given items: the `updated` of each atom:source. */
function agencyUpdated(items: readonly PreparedItem[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const item of items) {
    const seen = out.get(item.agencyId);
    if (seen === undefined || item.updated > seen) out.set(item.agencyId, item.updated);
  }
  return out;
}

export function selfUrlOf(meta: FeedMeta, format: FeedFormat): string {
  return httpUrl(meta.selfUrl) ?? feedUrl(meta.baseUrl, meta.key, format);
}

function homePageOf(meta: FeedMeta): string {
  return httpUrl(meta.homePage) ?? `${meta.baseUrl}/`;
}

function languageOf(meta: FeedMeta): string {
  return clean(meta.language ?? 'en').trim() || 'en';
}

/**
 * The language of a whole document: the one language its stories' sources declared; the feed's default
 * (`meta.language`, "en") when none declared any (bulletins declare none); none at all when they declared
 * several, so a reader is not told a French release is English (each entry then carries its own).
 */
function documentLanguage(meta: FeedMeta, items: readonly PreparedItem[]): string | undefined {
  let only: string | undefined;
  for (const item of items) {
    if (item.language === undefined || item.language === only) continue;
    if (only !== undefined) return undefined;
    only = item.language;
  }
  return only ?? languageOf(meta);
}

/** A story's language as stored (a BCP 47 tag from src/text/language-tag.ts); anything else is dropped. */
function storyLanguage(story: Story): string | undefined {
  const tag = story.language;
  return typeof tag === 'string' && /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : undefined;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------------------
// RSS 2.0, through the feed package. Its xml-js writer needs three kinds of help:
// - `_text` values are "desanitised" (`&amp;` → `&`) before escaping, so a literal "&amp;" would lose its
//   escaping; pre-escaping every `&` makes that round trip exact.
// - attributes get only `"` escaped: we escape them fully ourselves.
// - CDATA gets only its *first* `]]>` split (`String.replace` with a string); a second one ends the section
//   early. We swap every `]]>` for U+FFFE, which `stripXmlInvalid` guarantees is in no input, and split the
//   sections ourselves afterwards. The placeholder only ever lands inside CDATA, where the split belongs.
// ---------------------------------------------------------------------------------------------------------

const CDATA_END = ']]>';
const CDATA_END_PLACEHOLDER = '\uFFFE';
const DC_NS = 'http://purl.org/dc/elements/1.1/';

function rssText(s: string): string {
  return s.replace(/&/g, '&amp;');
}

function rssAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function rssCdata(s: string): string {
  return s.split(CDATA_END).join(CDATA_END_PLACEHOLDER);
}

/**
 * An item title, plain text: written as character data with `&`, `<` and `>` as hexadecimal character references,
 * "the form of encoding that works in the widest number of aggregators" (RSS Best Practices Profile, Character
 * Data) — in CDATA, a reader that renders titles as HTML would take `<b>` in "the <b> tag" for markup. The feed
 * package writes titles in CDATA: it is given a marker (U+FFFF, which `clean` removes from every input, around the
 * item's index) that is replaced in its output.
 */
const TITLE_MARKER = '\uFFFF';
const TITLE_SLOT = /<title><!\[CDATA\[\uFFFF(\d+)\uFFFF\]\]><\/title>/g;

function rssPlainText(s: string): string {
  return s.replace(/&/g, '&#x26;').replace(/</g, '&#x3C;').replace(/>/g, '&#x3E;');
}

function renderRss(meta: FeedMeta, items: readonly PreparedItem[]): string {
  const language = documentLanguage(meta, items);
  const feed = new Feed({
    title: rssText(clean(meta.title)),
    description: rssText(clean(meta.description)),
    link: homePageOf(meta),
    // RSS has no per-item language: <language> only when the channel is of one language.
    language: language === undefined ? undefined : rssText(language),
    ttl: Number.isFinite(meta.ttlMinutes) && meta.ttlMinutes > 0 ? Math.round(meta.ttlMinutes) : undefined,
    // Always passed: the package stamps lastBuildDate with "now" otherwise.
    updated: feedUpdated(items, meta),
    generator: 'Pressroom',
    // Not `feed`: the package would make it the self link of every format.
    feedLinks: { rss: selfUrlOf(meta, 'rss') },
    // The package writes <atom:link rel="hub" href="…"/> beside the self link.
    ...(meta.hub !== undefined ? { hub: meta.hub } : {}),
  });

  items.forEach((item, index) => {
    const extensions: Extension[] = [
      {
        name: 'dc:creator',
        objects: {
          // The package declares xmlns:dc on <rss> only when some item has content:encoded; an item
          // without content declares it here so the document is namespace-well-formed either way.
          ...(item.contentHtml === '' ? { _attributes: { 'xmlns:dc': DC_NS } } : {}),
          _text: rssText(item.agencyName),
        },
      },
    ];
    if (meta.merged) {
      // RSS 2.0 <source>: "The RSS channel that the item came from"; url is required.
      extensions.push({
        name: 'source',
        objects: {
          _attributes: { url: rssAttr(feedUrl(meta.baseUrl, item.agencyId, 'rss')) },
          _text: rssText(item.agencyName),
        },
      });
    }
    const rssItem: Item = {
      // RSS titles are plain text: the slot is filled below.
      title: `${TITLE_MARKER}${index}${TITLE_MARKER}`,
      id: rssText(item.id),
      guid: rssText(item.id),
      link: item.link,
      date: item.updated,
      published: item.published,
      // <description> is read as HTML by readers: the plain-text summary is escaped into HTML first.
      description: item.summary === '' ? undefined : rssCdata(escapeHtml(item.summary)),
      content: item.contentHtml === '' ? undefined : rssCdata(item.contentHtml),
      // No `domain`: the package does not escape it. No `author`: RSS wants an e-mail address there.
      category: [item.agencyName, ...item.categories].map((name) => ({ name: rssText(name) })),
      extensions,
    };
    feed.addItem(rssItem);
  });

  const xml = feed.rss2().replace(TITLE_SLOT, (_m, i: string) => `<title>${rssPlainText(items[Number(i)]?.title ?? '')}</title>`);
  return `${xml.split(CDATA_END_PLACEHOLDER).join(']]]]><![CDATA[>')}\n`;
}

// ---------------------------------------------------------------------------------------------------------
// Atom 1.0 (RFC 4287), written by hand: the feed package cannot add atom:source, types every title
// "html" and requires URL ids. Every element here is checked against the RFC's RELAX NG schema in tests.
// ---------------------------------------------------------------------------------------------------------

const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** RFC 5005 §6: the namespace of `fh:archive`. */
const FH_NS = 'http://purl.org/syndication/history/1.0';
const ATOM_TYPE = 'application/atom+xml';

function renderAtom(meta: FeedMeta, items: readonly PreparedItem[]): string {
  const language = documentLanguage(meta, items);
  const selfUrl = selfUrlOf(meta, 'atom');
  const perAgency = meta.merged ? agencyUpdated(items) : new Map<string, Date>();
  const description = clean(meta.description);
  const history = meta.history;
  const historyLink = (rel: string, href: string | undefined) => href !== undefined && el('link', { rel, type: ATOM_TYPE, href });
  const root = el(
    'feed',
    { xmlns: ATOM_NS, ...(history?.archive ? { 'xmlns:fh': FH_NS } : {}), 'xml:lang': language },
    el('id', {}, selfUrl),
    el('title', { type: 'text' }, clean(meta.title)),
    description !== '' && el('subtitle', { type: 'text' }, description),
    el('updated', {}, feedUpdated(items, meta).toISOString()),
    el('link', { rel: 'self', type: ATOM_TYPE, href: selfUrl }),
    meta.hub !== undefined && el('link', { rel: 'hub', href: meta.hub }),
    el('link', { rel: 'alternate', type: 'text/html', href: homePageOf(meta) }),
    historyLink('current', history?.current),
    historyLink('prev-archive', history?.prevArchive),
    historyLink('next-archive', history?.nextArchive),
    history?.archive && el('fh:archive'),
    el('author', {}, el('name', {}, 'Pressroom')),
    el('generator', {}, 'Pressroom'),
    ...items.map((item) => atomEntry(meta, item, perAgency, language)),
  );
  return writeXmlDocument(root);
}

function atomEntry(meta: FeedMeta, item: PreparedItem, perAgency: Map<string, Date>, documentLang: string | undefined): XmlElement {
  return el(
    'entry',
    // xml:lang on the entry (RFC 4287 §2, atomCommonAttributes): the language its source declared, where the
    // document's own does not already say it.
    { 'xml:lang': item.language !== documentLang ? item.language : undefined },
    el('id', {}, item.id),
    el('title', { type: 'text' }, item.title),
    el('updated', {}, item.updated.toISOString()),
    el('published', {}, item.published.toISOString()),
    el('author', {}, el('name', {}, item.agencyName)),
    el('link', { rel: 'alternate', type: 'text/html', href: item.link }),
    el('category', { term: item.agencyId, label: item.agencyName }),
    ...item.categories.map((c) => el('category', { term: c })),
    meta.merged && atomSource(meta, item, perAgency),
    item.summary !== '' && el('summary', { type: 'text' }, item.summary),
    item.contentHtml !== '' && el('content', { type: 'html' }, item.contentHtml),
  );
}

/**
 * RFC 4287 §4.2.11: atom:source carries the metadata of the feed the entry came from — here the agency's own
 * feed on this server; its updated is that agency's newest story among the ones rendered.
 */
function atomSource(meta: FeedMeta, item: PreparedItem, perAgency: Map<string, Date>): XmlElement {
  const url = feedUrl(meta.baseUrl, item.agencyId, 'atom');
  const homepage = httpUrl(meta.agencies[item.agencyId]?.homepage);
  return el(
    'source',
    {},
    el('id', {}, url),
    el('title', { type: 'text' }, item.agencyName),
    el('updated', {}, (perAgency.get(item.agencyId) ?? item.updated).toISOString()),
    el('link', { rel: 'self', type: 'application/atom+xml', href: url }),
    homepage !== undefined && el('link', { rel: 'alternate', type: 'text/html', href: homepage }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written by hand: the package emits version 1.
// Strings are cleaned as for XML too: a lone surrogate would reach the reader as U+FFFD, a control as junk.
// ---------------------------------------------------------------------------------------------------------

function renderJson(meta: FeedMeta, items: readonly PreparedItem[]): string {
  const description = clean(meta.description);
  const language = documentLanguage(meta, items);
  const doc = {
    version: 'https://jsonfeed.org/version/1.1',
    title: clean(meta.title),
    home_page_url: homePageOf(meta),
    feed_url: selfUrlOf(meta, 'json'),
    ...(description !== '' ? { description } : {}),
    ...(language !== undefined ? { language } : {}),
    authors: [{ name: 'Pressroom' }],
    // JSON Feed 1.1 "hubs": endpoints that can be used to subscribe to real-time notifications.
    ...(meta.hub !== undefined ? { hubs: [{ type: 'WebSub', url: meta.hub }] } : {}),
    items: items.map(jsonItem),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** One story as the JSON Feed renders it (webhook payloads carry exactly this). */
export function renderJsonItem(meta: FeedMeta, story: Story): Record<string, unknown> {
  return jsonItem(prepareItem(meta, story));
}

function jsonItem(item: PreparedItem): Record<string, unknown> {
  const { story } = item;
  return {
    id: item.id,
    url: item.link,
    title: item.title,
    // "One or the other [content_html, content_text] must be present."
    ...(item.contentHtml !== '' ? { content_html: item.contentHtml } : { content_text: item.summary }),
    ...(item.summary !== '' ? { summary: item.summary } : {}),
    date_published: item.published.toISOString(),
    date_modified: item.updated.toISOString(),
    authors: [{ name: item.agencyName }],
    tags: [item.agencyName, ...item.categories],
    // JSON Feed 1.1 items have a `language` of their own (RFC 5646).
    ...(item.language ? { language: item.language } : {}),
    // Extension keys start with an underscore (JSON Feed 1.1, "Extensions").
    _pressroom: {
      agency: { id: item.agencyId, name: item.agencyName },
      sources: story.sources.map(cleanSource),
      teaser: story.teaser,
      date_source: story.dateSource,
      // What a bulletin's day was read from (dateline, header, file-name, file-time), and a bulletin copy
      // whose day the feed's date overrode.
      ...(story.dateSource === 'bulletin' && story.dateBasis ? { date_basis: story.dateBasis } : {}),
      ...(story.dateConflict ? { date_conflict: { day: story.dateConflict.day, basis: story.dateConflict.basis, file: clean(story.dateConflict.file) } } : {}),
      // Why its copies are one story: per source that joined it, the rule (merge.ts; README "Merging").
      ...mergedByOf(story),
    },
  };
}

/** `merged_by`: each source but the one that names the story, as in `sources`, with the rule that merged it. */
function mergedByOf(story: Story): { merged_by?: { rule: string; source: StorySource }[] } {
  const entries = story.mergedBy;
  if (!entries?.length) return {};
  const byKey = new Map(story.sources.map((s) => [sourceKey(s), s]));
  const out = entries.flatMap((e) => {
    const source = byKey.get(e.source);
    return source ? [{ rule: e.rule, source: cleanSource(source) }] : [];
  });
  return out.length ? { merged_by: out } : {};
}

function cleanSource(source: StorySource): StorySource {
  if (source.kind === 'bulletin') return { kind: 'bulletin', file: clean(source.file), line: source.line };
  if (source.kind === 'page') return { kind: 'page', url: clean(source.url), fetchedAt: source.fetchedAt };
  // A feed URL is the operator's configuration and may carry credentials (user info, ?token=).
  return source.guid === undefined
    ? { kind: 'feed', url: clean(redactSecrets(source.url)) }
    : { kind: 'feed', url: clean(redactSecrets(source.url)), guid: clean(source.guid) };
}
