// Parses the text of an RSS 0.9x/1.0/2.0 or Atom 1.0/0.3 feed into FeedItems: repair what can be repaired, read
// the document into an ordered tree (feed/xml-tree.ts), then map each item on its own (feed/rss.ts, feed/atom.ts).
import type { FeedItem, ParseWarning } from '../model.js';
import { mapAtomEntry, mapAtomFeed } from './feed/atom.js';
import { validBase } from './feed/links.js';
import { countNewlines, repairXml } from './feed/repair-xml.js';
import { defined, mapRssChannel, mapRssItem } from './feed/rss.js';
import { child, childrenNamed, readXmlTree, type XElement } from './feed/xml-tree.js';
import { isJsSpace } from './scan-text.js';

export type ParseFeedResult =
  | { ok: true; title?: string; link?: string; items: FeedItem[]; warnings: ParseWarning[] }
  | { ok: false; code: 'malformed' | 'not-a-feed'; message: string };

/**
 * `feedUrl` is the base for relative links when no xml:base says otherwise. Never throws: a feed that cannot
 * be read at all is `{ ok: false }`; a bad item or field costs only that item or field, with a warning.
 * Async for its callers' sake (it was rss-parser's promise); the work is synchronous.
 */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParseFeedResult> {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') return { ok: false, code: 'malformed', message: 'malformed XML: empty document' };
  if (looksLikeHtml(text)) return { ok: false, code: 'not-a-feed', message: 'not a feed: an HTML page' };

  const repaired = repairXml(text);
  if ('refused' in repaired) return { ok: false, code: 'malformed', message: repaired.refused };

  const tree = readXmlTree(repaired.text, validBase(feedUrl));
  if (!tree.ok) return { ok: false, code: 'malformed', message: `malformed XML: ${joinLines(tree.message)}` };
  const { root } = tree;
  const format = formatOf(root);
  if (!format) return { ok: false, code: 'not-a-feed', message: `not a feed: XML whose root is <${root.qname}>, not RSS or Atom` };

  let feed: { title?: string; link?: string };
  let entries: XElement[];
  let mapItem: (el: XElement, warn: (message: string) => void) => FeedItem;
  if (format === 'atom') {
    feed = mapAtomFeed(root);
    entries = childrenNamed(root, 'entry');
    mapItem = mapAtomEntry;
  } else {
    const channel = child(root, 'channel');
    // RSS 0.9x/2.0 items are in the channel; RSS 1.0 (RDF) items beside it, under the root.
    if (format === 'rss' && !channel) return { ok: false, code: 'malformed', message: 'malformed feed: <rss> without a <channel>' };
    const ch = mapRssChannel(channel);
    feed = ch;
    entries = format === 'rss' ? childrenNamed(channel, 'item') : [...childrenNamed(root, 'item'), ...childrenNamed(channel, 'item')];
    mapItem = (el, warn) => mapRssItem(el, ch, warn);
  }

  const warnings: ParseWarning[] = [...repaired.warnings];
  const lineOf = lineCounter(repaired.text);
  const items: FeedItem[] = [];
  const seenGuids = new Map<string, number>();
  entries.forEach((el, index) => {
    const n = index + 1;
    const warn = (message: string): void => void warnings.push({ line: lineOf(el.pos), message: `item #${n}: ${message}` });
    const item = mapItem(el, warn);
    // The one rule for a whole item: with no title, no link and no content there is nothing to show or link to.
    if (!item.title && !item.link && !item.contentHtml && !item.summaryHtml) {
      warn('dropped: no title, link or content');
      return;
    }
    if (item.guid !== undefined) {
      const earlier = seenGuids.get(item.guid);
      if (earlier !== undefined) warn(`guid "${item.guid}" repeats item #${earlier}; both kept`);
      else seenGuids.set(item.guid, n);
    }
    items.push(item);
  });
  return { ok: true, ...defined({ title: feed.title, link: feed.link }), items, warnings };
}

/**
 * The format by the root's local name, whatever its namespace, as rss-parser recognised them: RSS 0.9x-2.0 have
 * none, and Atom feeds are met with no namespace, a draft's or a mistyped one (`…/2005/Atom/`).
 */
function formatOf(root: XElement): 'rss' | 'atom' | 'rdf' | undefined {
  if (root.local === 'rss') return 'rss';
  if (root.local === 'feed') return 'atom';
  if (root.local === 'RDF') return 'rdf';
  return undefined;
}

/** 1-based line of an offset; offsets asked for in increasing order cost one pass over the text in all. */
function lineCounter(text: string): (pos: number) => number {
  let at = 0;
  let line = 1;
  return (pos) => {
    if (pos < at) {
      at = 0;
      line = 1;
    }
    line += countNewlines(text.slice(at, pos));
    at = pos;
    return line;
  };
}

/**
 * An HTML page served where a feed was expected (a login wall, a CMS error page, a moved site): `<!doctype html`
 * or `<html` before any `<rss`, `<feed` or `<rdf:RDF`.
 */
export function looksLikeHtml(text: string): boolean {
  const html = text.search(/<!doctype\s+html|<html[\s>]/i);
  if (html < 0) return false;
  const feed = text.search(/<(?:rss|feed|rdf:RDF)[\s>]/);
  return feed < 0 || html < feed;
}

// Each run of white space holding a line break becomes ", ": what a `\s*\n\s*` replace did, without its
// backtracking (quadratic on a long run of spaces with no line break).
function joinLines(s: string): string {
  let out = '';
  let i = 0;
  for (let nl = s.indexOf('\n', i); nl >= 0; nl = s.indexOf('\n', i)) {
    let a = nl;
    while (a > i && isJsSpace(s.charCodeAt(a - 1))) a--;
    let b = nl + 1;
    while (b < s.length && isJsSpace(s.charCodeAt(b))) b++;
    out += `${s.slice(i, a)}, `;
    i = b;
  }
  return out + s.slice(i);
}
