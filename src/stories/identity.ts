// Which stored story an incoming item belongs to: upstream keys, title folding, and ids minted once.
import { createHash } from 'node:crypto';

/**
 * Folds a title for comparison: NFKC, case folding, quotes (’ ' “ "), dashes and colons (– — - :), and runs of
 * punctuation and white space (double spaces, CDATA padding, newlines) all compare equal.
 */
export function foldTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032'`´]/g, '')
    .replace(/[\u201c\u201d\u201e\u201f\u2033"«»]/g, '')
    .replace(/[\p{P}\p{S}\p{Z}\s]+/gu, ' ')
    .trim();
}

/** Query parameters that only track the reader, never name the page. */
const TRACKING = /^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|_hs\w+|mkt_tok|igshid|ref_src|at_medium|at_campaign|xtor)$/i;

/** The link as the same page is named everywhere: no fragment, no tracking parameters, lowercase host, https kept as is. */
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
  // http and https of one page are one page; index.html-style trailing slashes are not folded (they differ on some CMSs).
  return `${u.host.toLowerCase()}${u.pathname}${u.search}`;
}

/** Upstream identity keys. Each names one press release in one channel; the alias table maps them to a story. */
export const keys = {
  guid: (agency: string, feedUrl: string, guid: string) => `guid:${agency}:${feedUrl}#${guid.trim()}`,
  link: (link: string) => {
    const c = canonicalLink(link);
    return c === undefined ? undefined : `link:${c}`;
  },
  bulletin: (agency: string, title: string) => `bulletin:${agency}:${foldTitle(title)}`,
  titleDate: (agency: string, title: string, day: string) => `title:${agency}:${day}:${foldTitle(title)}`,
};

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
