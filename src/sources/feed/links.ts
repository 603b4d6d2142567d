// Links of feeds and items: absolute http(s) URLs resolved against the xml:base in scope, or nothing.
import { clean } from './markup.js';
import { attr, textOf, type XElement } from './xml-tree.js';

export type Warn = (message: string) => void;

export function validBase(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/** Absolute http(s) URL, or undefined: a link we cannot resolve (or a `javascript:` one) is not a link. */
export function absoluteLink(href: string | undefined, base: string | undefined): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  try {
    const u = new URL(h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * RFC 4287 §4.2.7.2: a link without rel is rel="alternate". Prefer text/html when there are several. Each link
 * resolves against its own xml:base (the entry's, the feed's, or one on the link itself).
 */
export function atomAlternate(links: readonly XElement[], warn?: Warn): string | undefined {
  const candidates = links.filter((l) => {
    const rel = attr(l, 'rel')?.trim().toLowerCase();
    return rel === undefined || rel === 'alternate' || rel === 'http://www.iana.org/assignments/relation/alternate';
  });
  candidates.sort((a, b) => Number(attr(b, 'type') === 'text/html') - Number(attr(a, 'type') === 'text/html'));
  for (const l of candidates) {
    // A `<link>` with the URL as text instead of href is not Atom, but it is what some feeds send.
    const href = clean(attr(l, 'href') ?? textOf(l));
    if (!href) continue;
    const abs = absoluteLink(href, l.base);
    if (abs) return abs;
    warn?.(`link "${href}" dropped: cannot be made absolute`);
  }
  return undefined;
}
