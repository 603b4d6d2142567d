// WebSub topics: which URLs are this hub's topics, each in one canonical spelling, and the Link header that
// advertises hub and topic. Pure.
import { parseFeedQuery } from '../web/feed-query.js';
import type { FeedFormat } from '../publish/render-feed.js';
export { linkHeader } from '../publish/hub-link.js';

const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** The hub's own URL: `POST <PUBLIC_URL>/websub`. */
export const hubUrl = (publicUrl: string): string => `${publicUrl.replace(/\/+$/, '')}/websub`;


export interface Topic {
  /** The canonical URL: the feed's self link (PUBLIC_URL + path + normalised query). */
  url: string;
  /** `/feeds/<key>.<format>` */
  path: string;
  key: string;
  format: FeedFormat;
  /** The normalised query string ('' for a default feed), as feed-query.ts writes it. */
  query: string;
}

export type TopicResult = ({ ok: true } & Topic) | { ok: false; reason: string };

/**
 * Reads a hub.topic (or any URL) as one of our feed topics: the origin must be PUBLIC_URL's (scheme and host
 * compared as URL parsing normalises them: case, default port), the path a feed of a known key in one of the
 * three formats, the query one the feeds accept; the answer is spelled exactly as that feed's self link.
 * Archives are no topics: an archive never changes (RFC 5005 §4).
 */
export function canonicalTopic(raw: string, publicUrl: string, knownKeys: ReadonlySet<string>, defaultLimit: number): TopicResult {
  let u: URL;
  let base: URL;
  try {
    u = new URL(raw);
    base = new URL(publicUrl);
  } catch {
    return { ok: false, reason: 'hub.topic is not an absolute URL' };
  }
  if (u.origin !== base.origin) return { ok: false, reason: `hub.topic is not a topic of this hub: topics are this server's feeds under ${base.origin}` };
  const prefix = base.pathname.replace(/\/+$/, '');
  let p: string;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, reason: 'hub.topic has malformed percent-encoding' };
  }
  if (!p.startsWith(`${prefix}/feeds/`)) return { ok: false, reason: 'hub.topic is not a feed of this server (topics are /feeds/<agency or all>.<rss|atom|json>)' };
  const m = /^([^/]+)\.([^./]+)$/.exec(p.slice(prefix.length + '/feeds/'.length));
  if (!m || !(FORMATS as readonly string[]).includes(m[2]!)) return { ok: false, reason: 'hub.topic is not a feed of this server (topics are /feeds/<agency or all>.<rss|atom|json>; archives never change and have no hub)' };
  const key = m[1]!;
  if (!knownKeys.has(key)) return { ok: false, reason: `hub.topic names no feed of this server: no agency ${JSON.stringify(key.slice(0, 60))}` };
  const parsed = parseFeedQuery(u.search.replace(/^\?/, ''), defaultLimit);
  if (!parsed.ok) return { ok: false, reason: `hub.topic: ${parsed.message}` };
  const format = m[2] as FeedFormat;
  const path = `/feeds/${key}.${format}`;
  const url = `${publicUrl.replace(/\/+$/, '')}/feeds/${encodeURIComponent(key)}.${format}${parsed.canonical === '' ? '' : `?${parsed.canonical}`}`;
  return { ok: true, url, path, key, format, query: parsed.canonical };
}
