// Which stored story an incoming item belongs to: upstream keys, the identity chain, and ids minted once.
import { createHash } from 'node:crypto';
import { foldTitle } from './text-match.js';

export { foldTitle };

/** Query parameters that only track the reader, never name the page. */
const TRACKING = /^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|_hs\w+|mkt_tok|igshid|ref_src|at_medium|at_campaign|xtor)$/i;

/**
 * The link as the same page is named everywhere: no fragment, no tracking parameters, lowercase host without
 * `www.`, parameters sorted. http and https of one page are one page. Trailing slashes are not folded: some
 * CMSs serve different pages at `/news` and `/news/`.
 */
export function canonicalLink(link: string): string | undefined {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  u.hash = '';
  for (const k of [...u.searchParams.keys()]) if (TRACKING.test(k)) u.searchParams.delete(k);
  u.searchParams.sort();
  return `${u.host.toLowerCase().replace(/^www\./, '')}${u.pathname}${u.search}`;
}

/**
 * Upstream identity keys. Each names one press release in one channel; the alias table maps them to a story.
 * The prefix says what kind of evidence a key is (see identityChain).
 */
export const keys = {
  guidLink: (agency: string, feedUrl: string, guid: string, link: string) =>
    `guidlink:${agency}:${feedUrl}#${guid.trim()}|${canonicalLink(link) ?? link.trim()}`,
  guid: (agency: string, feedUrl: string, guid: string) => `guid:${agency}:${feedUrl}#${guid.trim()}`,
  link: (link: string) => {
    const c = canonicalLink(link);
    return c === undefined ? undefined : `link:${c}`;
  },
  /** A bulletin item: its agency, the day its file is named for, its title. */
  bulletin: (agency: string, day: string | undefined, title: string) => `bulletin:${agency}:${day ?? 'undated'}:${foldTitle(title)}`,
  titleDate: (agency: string, day: string | undefined, title: string) => `title:${agency}:${day ?? 'undated'}:${foldTitle(title)}`,
};

/** What a feed item says about who it is. */
export interface FeedIdentityFacts {
  agency: string;
  feedUrl: string;
  guid?: string;
  link?: string;
  title: string;
  /** `YYYY-MM-DD` of the item's own date; undefined when it gave none we believe. */
  day?: string;
  /** Another item of the same fetch has this guid: here it names no single item. */
  guidShared?: boolean;
  /** Another item of the same fetch has this link (a feed linking every item to its news page). */
  linkShared?: boolean;
}

/**
 * THE IDENTITY CHAIN of a feed item: its upstream keys, strongest first. mergeIncoming looks them up in the
 * alias table in this order and takes the first that names a story of the same agency (see resolveByKeys);
 * only when none does is the item compared by title and text (merge.ts), and only then is a story minted.
 * Every key of the item is then recorded for the story it joined, so a later copy finds it by any of them.
 *
 *  1. guid + link: the same item of the same feed. Exact even in a feed that stamps one guid on every item.
 *  2. guid alone, unless another item of this fetch has the same guid. When the item also has a link, key 1
 *     missed, so either the link changed under a stable guid (a link fix: same item) or the CMS reused the
 *     guid for a new release over time: this key is only taken when the title or the text agree
 *     (needsConfirmation). A guid is scoped to its feed: guids like "1234" are not unique across sites.
 *  3. link (canonical: no fragment, no tracking parameters), unless another item of this fetch has the same
 *     link. Carries identity across a feed that changes its guid scheme or has no guids, and across two feeds
 *     of one agency that list the same page.
 *  4. title + date: the agency, the item's own day (or "undated") and the folded title. The last resort of a
 *     feed with neither guid nor link; it also lets the same release in another feed without links meet it.
 */
export function identityChain(f: FeedIdentityFacts): string[] {
  const out: string[] = [];
  const guid = f.guid?.trim();
  const link = f.link?.trim();
  if (guid && link) out.push(keys.guidLink(f.agency, f.feedUrl, guid, link));
  if (guid && !f.guidShared) out.push(keys.guid(f.agency, f.feedUrl, guid));
  const linkKey = link && !f.linkShared ? keys.link(link) : undefined;
  if (linkKey) out.push(linkKey);
  out.push(keys.titleDate(f.agency, f.day, f.title));
  return out;
}

/** Key 2 of the chain, when the item's guid + link key missed: the story must also read like this item. */
export function needsConfirmation(key: string, itemKeys: readonly string[]): boolean {
  return key.startsWith('guid:') && itemKeys.some((k) => k.startsWith('guidlink:'));
}

/**
 * Walks an item's keys in chain order: the first key whose story `lookup` finds (and, for a key that needs it,
 * `confirm` accepts) names the item's story.
 */
export function resolveByKeys<T>(itemKeys: readonly string[], lookup: (key: string) => T | undefined, confirm: (hit: T) => boolean): T | undefined {
  for (const k of itemKeys) {
    const hit = lookup(k);
    if (hit !== undefined && (!needsConfirmation(k, itemKeys) || confirm(hit))) return hit;
  }
  return undefined;
}

/**
 * A story id: a tag: URI (RFC 4151) minted when the story is first seen and stored; never recomputed.
 * The date is the day the story was minted for; the hash only has to be unique among stored ids.
 */
export function mintId(agency: string, firstKey: string, day: string, taken: (id: string) => boolean): string {
  for (let salt = 0; ; salt++) {
    const h = createHash('sha256').update(salt ? `${firstKey}\n${salt}` : firstKey).digest('hex').slice(0, 16);
    const id = `tag:pressroom,${day}:${agency}/${h}`;
    if (!taken(id)) return id;
  }
}
