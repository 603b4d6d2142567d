// The site's HTML pages beyond the front page: lists, searches, month archives, subscribe pages, and the two
// asset files. Each page is rendered from the publication the feeds are rendered from, so they show the same
// stories, and is cached by the caller per store version like a feed variant.
import { MONTH_RE } from '../publish/archives.js';
import { PAGE_SIZE, dayCursors, listWindow, parseCursor, type Cursor } from '../publish/list-window.js';
import { storyMatcher } from '../publish/select-stories.js';
import { COPY_JS, CSS_VERSION, JS_VERSION, SITE_CSS } from '../publish/site-assets.js';
import { renderListPage, renderMonthsPage, type SearchTerms } from '../publish/story-list.js';
import { renderSubscribeIndex, renderSubscribePage, type SubscribeFeed } from '../publish/subscribe-page.js';
import { parseFeedQuery } from './feed-query.js';
import { prepare, type Prepared } from './prepared.js';
import { HTML, HTML_HEADERS, type Publication } from './publication.js';

export type PageResult =
  /** A page of the publication: `key` names it among the documents of one store version (the cache key). */
  | { kind: 'page'; key: string; render: () => Prepared }
  /** A file that is the same for every origin and store version. */
  | { kind: 'asset'; doc: Prepared }
  | { kind: 'not-found'; message: string }
  | { kind: 'bad-request'; message: string };

/** Whether a path is one of the pages served here. */
export function isPagePath(path: string): boolean {
  return path.startsWith('/news/') || path === '/subscribe' || path.startsWith('/subscribe/') || path.startsWith('/assets/');
}

/**
 * The agency (or `all`) a page belongs to: `/news/<key>…` and `/subscribe/<key>`, percent-decoded; undefined for
 * the other pages and a malformed path. The web tier answers `410` for every page of a forgotten agency.
 */
export function pageAgency(rawPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  return /^\/(?:news|subscribe)\/([^/]+)(?:\/|$)/.exec(path)?.[1];
}

const PAGE_CACHE = 'public, max-age=60';
/** An asset asked for by its current version (`?v=`, as the pages link it) never changes under that URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=3600';

const ASSETS = new Map<string, { version: string; current: Prepared; other: Prepared }>(
  (
    [
      ['/assets/site.css', SITE_CSS, 'text/css; charset=utf-8', CSS_VERSION],
      ['/assets/copy.js', COPY_JS, 'text/javascript; charset=utf-8', JS_VERSION],
    ] as const
  ).map(([path, body, type, version]) => [
    path,
    { version, current: prepare(body, type, { cacheControl: IMMUTABLE }), other: prepare(body, type, { cacheControl: REVALIDATE }) },
  ]),
);

interface PageQuery {
  /** The canonical filter query, as a feed's (`q=…&category=…&since=…`); '' for none. */
  filter: string;
  matches?: Parameters<typeof storyMatcher>[0];
  terms: SearchTerms;
  cursor?: Cursor;
}

const shown = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/**
 * A page's query: `before` (a page cursor, where `cursor` allows it) and the feeds' own `q`, `category`, `since`,
 * read by the feeds' parser. Empty fields are what a search form sends for the filters left blank: ignored.
 */
function parsePageQuery(raw: string, allow: { cursor: boolean; filter: boolean }): PageQuery | string {
  const params = new URLSearchParams(raw);
  const filter = new URLSearchParams();
  const terms: SearchTerms = {};
  let cursor: Cursor | undefined;
  let seenCursor = false;
  for (const [name, value] of params) {
    if (name === 'before' && allow.cursor) {
      if (seenCursor) return 'before is given more than once';
      seenCursor = true;
      cursor = parseCursor(value);
      if (cursor === undefined) return `before must be a page cursor as the pages link it (date~number), got ${shown(value)}`;
    } else if ((name === 'q' || name === 'category' || name === 'since') && allow.filter) {
      if (value.trim() === '') continue;
      filter.append(name, value);
      terms[name] = value.trim();
    } else if (name === 'limit' && allow.filter) {
      return `limit is for feeds: pages show ${PAGE_SIZE} stories each`;
    } else {
      const known = [...(allow.filter ? ['q', 'category', 'since'] : []), ...(allow.cursor ? ['before'] : [])];
      return `unknown parameter ${shown(name)}${known.length ? ` (use ${known.join(', ')})` : ': this page takes no parameters'}`;
    }
  }
  const parsed = parseFeedQuery(filter.toString(), PAGE_SIZE);
  if (!parsed.ok) return parsed.message;
  const { limit: _limit, ...query } = parsed.query;
  return { filter: parsed.canonical, ...(parsed.canonical === '' ? {} : { matches: query }), terms, ...(cursor ? { cursor } : {}) };
}

/**
 * Dated by the store's newest change, or by the last time a story was withdrawn from every story (`all`), when
 * later (web/public-view.ts): a page a story left has changed even if no story in it did.
 */
function htmlDoc(pub: Publication, html: string): Prepared {
  const gone = pub.withdrawnAt.get('all');
  const lastModified = gone !== undefined && gone > pub.changed ? gone : pub.changed;
  return prepare(html, HTML, { lastModified, cacheControl: PAGE_CACHE, headers: HTML_HEADERS });
}

const feedName = (pub: Publication, key: string) => (key === 'all' ? 'All agencies' : (pub.agencyById[key]?.name ?? key));

/** Resolves a page path (see isPagePath) and its raw query (without `?`) against the current publication. */
export function resolvePage(pub: Publication, rawPath: string, rawQuery: string): PageResult {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { kind: 'bad-request', message: `malformed percent-encoding in the path ${shown(rawPath)}` };
  }
  const asset = ASSETS.get(path);
  if (asset) return { kind: 'asset', doc: new URLSearchParams(rawQuery).get('v') === asset.version ? asset.current : asset.other };
  if (path.startsWith('/assets/')) return { kind: 'not-found', message: `no asset ${shown(path)} (there are /assets/site.css and /assets/copy.js)` };

  const sub = /^\/subscribe(?:\/([^/]+))?$/.exec(path);
  if (sub) {
    const key = sub[1];
    if (key === undefined) {
      const q = parsePageQuery(rawQuery, { cursor: false, filter: false });
      if (typeof q === 'string') return { kind: 'bad-request', message: q };
      const feeds: SubscribeFeed[] = [{ key: 'all', name: 'All agencies' }, ...pub.agencies.map((a) => ({ key: a.id, name: a.name }))];
      return { kind: 'page', key: '/subscribe', render: () => htmlDoc(pub, renderSubscribeIndex(pub.baseUrl, feeds)) };
    }
    if (!pub.lists.has(key)) return { kind: 'not-found', message: `no agency ${shown(key)}` };
    const q = parsePageQuery(rawQuery, { cursor: false, filter: true });
    if (typeof q === 'string') return { kind: 'bad-request', message: q };
    const describe = describeTerms(q.terms);
    const feed: SubscribeFeed = { key, name: feedName(pub, key), ...(q.filter ? { filter: q.filter, describe } : {}) };
    return { kind: 'page', key: `/subscribe/${key}?${q.filter}`, render: () => htmlDoc(pub, renderSubscribePage(pub.baseUrl, feed)) };
  }

  const m = /^\/news\/([^/]+)(?:\/(archive)(?:\/([^/]+))?)?$/.exec(path);
  if (!m) return { kind: 'not-found', message: `no page ${shown(path)} (lists are /news/all and /news/<agency>)` };
  const key = m[1]!;
  const list = pub.lists.get(key);
  if (list === undefined) return { kind: 'not-found', message: `no agency ${shown(key)}` };
  const name = feedName(pub, key);
  const index = pub.months.get(key);

  if (m[2] !== undefined && m[3] === undefined) {
    const q = parsePageQuery(rawQuery, { cursor: false, filter: false });
    if (typeof q === 'string') return { kind: 'bad-request', message: q };
    return {
      kind: 'page',
      key: `/news/${key}/archive`,
      render: () => {
        const months = (index?.months ?? []).map((month) => ({ month, count: index?.stories.get(month)?.length ?? 0 }));
        return htmlDoc(pub, renderMonthsPage({ baseUrl: pub.baseUrl, key, name, months }));
      },
    };
  }

  const month = m[3];
  if (month !== undefined) {
    if (!MONTH_RE.test(month)) return { kind: 'not-found', message: `months are named YYYY-MM, e.g. /news/${key}/archive/2024-10` };
    const stories = index?.stories.get(month);
    if (stories === undefined) return { kind: 'not-found', message: `no stories of ${shown(key)} were published in ${month}` };
    const q = parsePageQuery(rawQuery, { cursor: true, filter: false });
    if (typeof q === 'string') return { kind: 'bad-request', message: q };
    return {
      kind: 'page',
      key: `/news/${key}/archive/${month}?${cursorKey(q.cursor)}`,
      render: () =>
        htmlDoc(
          pub,
          renderListPage({
            baseUrl: pub.baseUrl,
            key,
            name,
            agencies: pub.agencyById,
            window: listWindow(stories, q.cursor, undefined, PAGE_SIZE, pub.dates),
            filter: '',
            terms: {},
            month,
            total: stories.length,
            // The Atom archive exists once the month has closed (RFC 5005 §4: archives do not change).
            days: dayCursors(stories, pub.dates),
            ...(month < pub.month ? { atomArchive: `${pub.baseUrl}/feeds/${encodeURIComponent(key)}/archive/${month}.atom` } : {}),
          }),
        ),
    };
  }

  const q = parsePageQuery(rawQuery, { cursor: true, filter: true });
  if (typeof q === 'string') return { kind: 'bad-request', message: q };
  return {
    kind: 'page',
    key: `/news/${key}?${q.filter}&${cursorKey(q.cursor)}`,
    render: () => {
      const window = listWindow(list, q.cursor, q.matches && storyMatcher(q.matches, pub.agencyById, pub.dates), PAGE_SIZE, pub.dates);
      return htmlDoc(
        pub,
        renderListPage({ baseUrl: pub.baseUrl, key, name, agencies: pub.agencyById, window, filter: q.filter, terms: q.terms, ...(q.matches ? {} : { total: list.length }) }),
      );
    },
  };
}

const cursorKey = (c: Cursor | undefined) => (c === undefined ? '' : `${c.published}~${c.seq}`);

function describeTerms(t: SearchTerms): string {
  return [t.q !== undefined ? `matching “${t.q}”` : '', t.category !== undefined ? `in “${t.category}”` : '', t.since !== undefined ? `since ${t.since}` : '']
    .filter((x) => x !== '')
    .join(', ');
}
