// Parses the text of an RSS 0.9x/1.0/2.0 or Atom 1.0 feed into FeedItems: repair what can be repaired, then
// rss-parser's parseString, then read every field raw and validate each item on its own.
import Parser from 'rss-parser';
import type { FeedItem, ParseWarning } from '../model.js';
import { Finder, isJsSpace, removeComments, replaceTags } from './scan-text.js';

export type ParseFeedResult =
  | { ok: true; title?: string; link?: string; items: FeedItem[]; warnings: ParseWarning[] }
  | { ok: false; code: 'malformed' | 'not-a-feed'; message: string };

/**
 * `feedUrl` is the base for relative links when no xml:base says otherwise. Never throws: a feed that cannot
 * be read at all is `{ ok: false }`; a bad item or field costs only that item or field, with a warning.
 */
export async function parseFeed(xml: string, feedUrl: string): Promise<ParseFeedResult> {
  const text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  if (text.trim() === '') return { ok: false, code: 'malformed', message: 'malformed XML: empty document' };
  if (looksLikeHtml(text)) return { ok: false, code: 'not-a-feed', message: 'not a feed: an HTML page' };

  const repaired = repairXml(text);
  if ('refused' in repaired) return { ok: false, code: 'malformed', message: repaired.refused };

  let raw: RawFeed;
  try {
    raw = (await newParser().parseString(repaired.text)) as unknown as RawFeed;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // rss-parser's words for "well-formed XML, but no rss/feed/rdf:RDF root".
    if (/not recognized as RSS/i.test(message)) {
      return { ok: false, code: 'not-a-feed', message: `not a feed: XML whose root is <${rootName(repaired.text) ?? '?'}>, not RSS or Atom` };
    }
    // sax errors are about well-formedness; a TypeError is rss-parser tripping over a shape it did not expect
    // (`<rss/>` without a channel).
    if (error instanceof TypeError) {
      return { ok: false, code: 'malformed', message: `malformed feed: unexpected structure (${message})` };
    }
    return { ok: false, code: 'malformed', message: `malformed XML: ${joinLines(message)}` };
  }

  const warnings: ParseWarning[] = [...repaired.warnings];
  const format = rootName(repaired.text) === 'feed' ? 'atom' : 'rss';
  // For Atom the root is the <feed> whose attributes rss-parser hands over; for RSS it is <rss>/<rdf:RDF>,
  // above the <channel> whose attributes we get.
  const rootBase = format === 'atom' ? validBase(feedUrl) : resolveBase(rootXmlBase(repaired.text), validBase(feedUrl));
  const feedBase = resolveBase(attr(raw.attrs, 'xml:base'), rootBase);
  const lines = itemLines(repaired.text, format === 'atom' ? 'entry' : 'item');
  const lineOf = (i: number): number => (lines.length === raw.items.length ? (lines[i] ?? 0) : 0);

  const items: FeedItem[] = [];
  const seenGuids = new Map<string, number>();
  raw.items.forEach((rawItem, index) => {
    const n = index + 1;
    const warn = (message: string): void => void warnings.push({ line: lineOf(index), message: `item #${n}: ${message}` });
    const item = format === 'atom' ? mapAtomEntry(rawItem, feedBase, warn) : mapRssItem(rawItem, feedBase, warn);
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

  const title = format === 'atom' ? textConstructTitle(first(raw.title)) : cleanTitle(textOf(first(raw.title)));
  const link =
    format === 'atom'
      ? atomAlternate(raw.link, feedBase)
      : absoluteLink(textOf(first(raw.link)), feedBase);
  return { ok: true, ...defined({ title, link }), items, warnings };
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

// ---------------------------------------------------------------------------------------------------------------
// Repair before parsing. sax (under xml2js under rss-parser) is strict: one bare `&` or one HTML entity rejects
// the whole document (rbren/rss-parser#134, #207). Everything here keeps line breaks so warnings keep lines.

interface Repaired {
  text: string;
  warnings: ParseWarning[];
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Returns the repaired text and one warning per kind of repair, or why the document is refused. */
function repairXml(text: string): Repaired | { refused: string } {
  const warnings: ParseWarning[] = [];
  const counts = { amp: 0, entity: 0, unknown: 0, control: 0 };
  const firstLine: Partial<Record<keyof typeof counts, number>> = {};
  const unknownNames = new Set<string>();

  const dtd = removeDoctype(text);
  if ('refused' in dtd) return dtd;
  let out = dtd.text;
  if (dtd.removed) warnings.push({ line: dtd.line, message: 'DOCTYPE without entity declarations removed' });

  // Split into CDATA sections (left alone but for control characters) and the rest (entities repaired).
  // Removing characters never removes a line break, so offsets within a piece give the right line.
  const pieces = splitCdata(out);
  let pieceLine = 1;
  out = pieces
    .map((piece, i) => {
      const note = (kind: keyof typeof counts, offset: number, within: string): void => {
        counts[kind]++;
        firstLine[kind] ??= pieceLine + countNewlines(within.slice(0, offset));
      };
      let result = piece.replace(INVALID_XML_CHARS, (_m: string, offset: number) => {
        note('control', offset, piece);
        return '';
      });
      if (i % 2 === 0) {
        const before = result;
        result = result.replace(
          /&(?:#([0-9]+);|#[xX]([0-9a-fA-F]+);|([A-Za-z][A-Za-z0-9]*);)?/g,
          (match: string, dec: string | undefined, hex: string | undefined, name: string | undefined, offset: number) => {
            if (dec !== undefined || hex !== undefined) {
              const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
              if (isXmlChar(code)) return match;
              note('control', offset, before);
              return '';
            }
            if (name !== undefined) {
              if (XML_ENTITIES.has(name)) return match;
              const code = HTML_ENTITIES.get(name);
              if (code !== undefined) {
                note('entity', offset, before);
                return `&#${code};`;
              }
              note('unknown', offset, before);
              unknownNames.add(name);
              return `&amp;${name};`;
            }
            note('amp', offset, before);
            return '&amp;';
          },
        );
      }
      pieceLine += countNewlines(piece);
      return result;
    })
    .join('');

  // One warning per kind of repair, at the line of its first occurrence.
  if (counts.amp) warnings.push({ line: firstLine.amp ?? 0, message: `bare '&' escaped (${counts.amp})` });
  if (counts.entity)
    warnings.push({ line: firstLine.entity ?? 0, message: `HTML named entities made numeric (${counts.entity})` });
  if (counts.unknown)
    warnings.push({
      line: firstLine.unknown ?? 0,
      message: `unknown entities kept as text (${counts.unknown}): ${[...unknownNames].slice(0, 5).map((n) => `&${n};`).join(' ')}`,
    });
  if (counts.control)
    warnings.push({ line: firstLine.control ?? 0, message: `characters not allowed in XML removed (${counts.control})` });

  return { text: protectXhtml(out), warnings };
}

/**
 * What `text.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)` returns (text, CDATA section, text, …), in one pass: once a
 * `<![CDATA[` has no `]]>` after it, no later one has either, and the rest is text.
 */
function splitCdata(text: string): string[] {
  const pieces: string[] = [];
  let pos = 0;
  for (let open = text.indexOf('<![CDATA['); open >= 0; open = text.indexOf('<![CDATA[', pos)) {
    const close = text.indexOf(']]>', open + 9);
    if (close < 0) break;
    pieces.push(text.slice(pos, open), text.slice(open, close + 3));
    pos = close + 3;
  }
  pieces.push(text.slice(pos));
  return pieces;
}

/** C0 controls but tab/LF/CR, U+FFFE/U+FFFF and lone surrogates: never allowed in XML 1.0 (§2.2). */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * A DOCTYPE is never needed to read a feed. One with entity declarations is how billion-laughs bombs and
 * external entities (`<!ENTITY xxe SYSTEM "file:///etc/passwd">`) arrive: the document is refused before any
 * parser sees it. Others (the RSS 0.91 Netscape DTD) are blanked out, keeping their line breaks.
 */
const DOCTYPE_AT = /<!DOCTYPE/iy;

function removeDoctype(text: string): { text: string; removed: boolean; line: number } | { refused: string } {
  // A `<!DOCTYPE html>` inside a CDATA description or a comment is content, not a declaration. One pass: the
  // Finders remember that a `-->` or `]]>` is missing, so a run of unclosed `<!--` is not rescanned each time.
  const comments = new Finder(text, '-->');
  const cdataEnds = new Finder(text, ']]>');
  let out = '';
  let kept = 0;
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<!', pos);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = comments.find(lt + 4);
      pos = close < 0 ? lt + 1 : close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = cdataEnds.find(lt + 9);
      pos = close < 0 ? lt + 1 : close + 3;
      continue;
    }
    DOCTYPE_AT.lastIndex = lt;
    if (!DOCTYPE_AT.test(text)) {
      pos = lt + 1;
      continue;
    }
    // Find the end of the DOCTYPE: the first `>` outside quotes and outside the `[ ... ]` internal subset.
    let i = lt + '<!DOCTYPE'.length;
    let quote: string | undefined;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++;
      else if (c === ']') depth = Math.max(0, depth - 1);
      else if (c === '>' && depth === 0) break;
    }
    const doctype = text.slice(lt, i + 1);
    const entity = entityDeclared(doctype);
    if (entity !== undefined) {
      return {
        refused:
          `malformed XML: DOCTYPE declares entities${entity ? ` (${entity})` : ''}; refused: ` +
          'entity expansion and external entities are never processed',
      };
    }
    // Blank it out keeping its line breaks; a second DOCTYPE (not well-formed anyway) is checked the same way.
    if (line === 0) line = 1 + countNewlines(text.slice(0, lt));
    out += text.slice(kept, lt) + '\n'.repeat(countNewlines(doctype));
    kept = pos = i + 1;
  }
  if (line === 0) return { text, removed: false, line: 0 };
  return { text: out + text.slice(kept), removed: true, line };
}

/**
 * Whether a DOCTYPE declares entities, and the name of the first: `''` when `<!ENTITY` has no readable name,
 * undefined when there is no `<!ENTITY`. Read as `/<!ENTITY\s+%?\s*([^\s>]+)/i` reads it, without its
 * backtracking (quadratic on `<!ENTITY` and a long run of spaces).
 */
function entityDeclared(doctype: string): string | undefined {
  const re = /<!ENTITY/gi;
  let found = false;
  for (let m = re.exec(doctype); m; m = re.exec(doctype)) {
    found = true;
    let i = m.index + m[0].length;
    const spaceStart = i;
    while (i < doctype.length && isJsSpace(doctype.charCodeAt(i))) i++;
    if (i === spaceStart) continue;
    const name = (from: number): string => {
      let j = from;
      while (j < doctype.length && doctype[j] !== '>' && !isJsSpace(doctype.charCodeAt(j))) j++;
      return doctype.slice(from, j);
    };
    if (doctype[i] === '%') {
      let k = i + 1;
      while (k < doctype.length && isJsSpace(doctype.charCodeAt(k))) k++;
      const after = name(k);
      // `%?` gives the `%` back when no name follows it: the `%` is then the start of the name.
      return after || name(i);
    }
    const n = name(i);
    if (n) return n;
  }
  return found ? '' : undefined;
}

/**
 * xml2js turns mixed content into objects that lose the order of text and elements, so the inside of an Atom
 * `type="xhtml"` construct is wrapped in CDATA before parsing and read back as markup.
 */
function protectXhtml(text: string): string {
  // One pass doing what this did:
  //   text.replace(/<(title|subtitle|summary|content|rights)((?:\s[^>]*?)?\btype\s*=\s*["']xhtml["'][^>]*?)(?<!\/)>([\s\S]*?)<\/\1>/g, …)
  // which rescans to the end of the document from every such start tag whose end tag is missing.
  const gts = new Finder(text, '>');
  const ends = new Map(XHTML_CONSTRUCTS.map((tag) => [tag, new Finder(text, `</${tag}>`)] as const));
  // For the start tag ending at `>` index g: the last `type="xhtml"` in it (start tags nested in attribute
  // values share their `>`, so it is computed once per `>`).
  let typeFor = -1;
  let lastType = -1;
  let out = '';
  let kept = 0;
  let pos = 0;
  for (let lt = text.indexOf('<', pos); lt >= 0; lt = text.indexOf('<', pos)) {
    pos = lt + 1;
    const tag = XHTML_CONSTRUCTS.find((t) => text.startsWith(t, lt + 1));
    if (!tag) continue;
    const nameEnd = lt + 1 + tag.length;
    if (!isJsSpace(text.charCodeAt(nameEnd))) continue;
    const g = gts.find(nameEnd);
    if (g < 0) continue;
    if (typeFor !== g) {
      typeFor = g;
      lastType = -1;
      const re = /\btype\s*=\s*["']xhtml["']/g;
      const region = text.slice(lt, g);
      for (let m = re.exec(region); m; m = re.exec(region)) lastType = lt + m.index;
    }
    if (lastType <= nameEnd || text[g - 1] === '/') continue;
    const close = ends.get(tag)!.find(g + 1);
    if (close < 0) continue;
    const inner = text.slice(g + 1, close);
    out +=
      text.slice(kept, lt) +
      `<${tag}${text.slice(nameEnd, g)} pressroom-xhtml="1"><![CDATA[${inner.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${tag}>`;
    kept = pos = close + tag.length + 3;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

const XHTML_CONSTRUCTS = ['title', 'subtitle', 'summary', 'content', 'rights'];

// ---------------------------------------------------------------------------------------------------------------
// Parsing. rss-parser recognises the format and finds the items; every field is read raw through customFields.
// All element names but the structural ones are renamed (prefixed) before rss-parser sees them, so its own
// field handling, which rejects the whole feed on one bad Atom date ("Invalid time value") or a <link> without
// attributes, never runs on them.

const RAW = 'raw:';
const STRUCTURAL = new Set(['rss', 'channel', 'item', 'feed', 'entry', 'rdf:RDF']);
const keep = (name: string, to: string): [string, string, { keepArray: true }] => [RAW + name, to, { keepArray: true }];

const FEED_FIELDS = [['$', 'attrs', { keepArray: true }], keep('title', 'title'), keep('link', 'link')];
const ITEM_FIELDS = [
  ['$', 'attrs', { keepArray: true }],
  keep('title', 'title'),
  keep('dc:title', 'dcTitle'),
  keep('link', 'link'),
  keep('guid', 'guid'),
  keep('id', 'id'),
  keep('pubDate', 'pubDate'),
  keep('published', 'published'),
  keep('updated', 'updated'),
  keep('dc:date', 'dcDate'),
  keep('dcterms:modified', 'dctermsModified'),
  keep('atom:updated', 'atomUpdated'),
  keep('description', 'description'),
  keep('content:encoded', 'contentEncoded'),
  keep('content', 'content'),
  keep('summary', 'summary'),
  keep('author', 'author'),
  keep('dc:creator', 'dcCreator'),
  keep('category', 'category'),
  keep('dc:subject', 'dcSubject'),
];

function newParser(): Parser {
  // A parser per call: xml2js parsers keep state between parseString calls.
  const options = {
    defaultRSS: 2, // `<rss>` without a version attribute is read as RSS 2.0
    xml2js: {
      tagNameProcessors: [(name: string) => (STRUCTURAL.has(name) ? name : RAW + name)],
      // Every element an object, never a string: rss-parser reads `entry.link` and a string entry (`<entry/>`,
      // `<entry>text</entry>`) answers with String.prototype.link, which then throws and sinks the feed.
      explicitCharkey: true,
      emptyTag: () => ({}),
    },
    customFields: { feed: FEED_FIELDS, item: ITEM_FIELDS },
  };
  return new Parser(options as unknown as Parser.ParserOptions<Record<string, unknown>, Record<string, unknown>>);
}

/** What xml2js makes of an element: a string, or an object with `_` (text), `$` (attributes) and children. */
type XNode = string | { _?: string; $?: Record<string, string>; [child: string]: unknown };
type XList = XNode[] | undefined;

interface RawFeed {
  attrs?: Record<string, string>;
  title?: XList;
  link?: XList;
  items: RawItem[];
}

interface RawItem {
  attrs?: Record<string, string>;
  title?: XList;
  dcTitle?: XList;
  link?: XList;
  guid?: XList;
  id?: XList;
  pubDate?: XList;
  published?: XList;
  updated?: XList;
  dcDate?: XList;
  dctermsModified?: XList;
  atomUpdated?: XList;
  description?: XList;
  contentEncoded?: XList;
  content?: XList;
  summary?: XList;
  author?: XList;
  dcCreator?: XList;
  category?: XList;
  dcSubject?: XList;
}

type Warn = (message: string) => void;

function mapRssItem(raw: RawItem, feedBase: string | undefined, warn: Warn): FeedItem {
  const base = resolveBase(attr(raw.attrs, 'xml:base'), feedBase);
  const linkText = clean(textOf(first(raw.link)));
  const link = absoluteLink(linkText, base);
  if (linkText && !link) warn(`link "${linkText}" dropped: cannot be made absolute`);
  // RSS 1.0 names each item by its rdf:about URI; RSS 2.0 by <guid>.
  const guid = clean(textOf(first(raw.guid))) ?? clean(attr(raw.attrs, 'rdf:about'));
  const categories = [...(raw.category ?? []), ...(raw.dcSubject ?? [])].map((c) => clean(textOf(c)));
  const authors = (raw.dcCreator?.length ? raw.dcCreator : (raw.author ?? [])).map((a) => clean(textOf(a)));
  return {
    kind: 'feed',
    ...defined({
      guid,
      link,
      title: rssTitle(textOf(first(raw.title)) ?? textOf(first(raw.dcTitle))),
      published: clean(textOf(first(raw.pubDate))) ?? clean(textOf(first(raw.dcDate))),
      updated: clean(textOf(first(raw.atomUpdated))) ?? clean(textOf(first(raw.dctermsModified))),
      contentHtml: clean(markupOf(first(raw.contentEncoded))),
      summaryHtml: clean(markupOf(first(raw.description))),
      author: joinDefined(authors),
    }),
    categories: unique(categories),
  };
}

function mapAtomEntry(raw: RawItem, feedBase: string | undefined, warn: Warn): FeedItem {
  const base = resolveBase(attr(raw.attrs, 'xml:base'), feedBase);
  const link = atomAlternate(raw.link, base, warn);
  const authors = (raw.author ?? []).map((a) => (typeof a === 'object' ? clean(textOf(first(a[RAW + 'name'] as XList))) : clean(a)));
  const categories = (raw.category ?? []).map((c) => clean(attr(attrsOf(c), 'label') ?? attr(attrsOf(c), 'term') ?? textOf(c)));
  return {
    kind: 'feed',
    ...defined({
      guid: clean(textOf(first(raw.id))),
      link,
      title: textConstructTitle(first(raw.title)),
      published: clean(textOf(first(raw.published))),
      updated: clean(textOf(first(raw.updated))),
      contentHtml: textConstructHtml(first(raw.content), warn, 'content'),
      summaryHtml: textConstructHtml(first(raw.summary), warn, 'summary'),
      author: joinDefined(authors),
    }),
    categories: unique(categories),
  };
}

/** RFC 4287 §4.2.7.2: a link without rel is rel="alternate". Prefer text/html when there are several. */
function atomAlternate(links: XList, base: string | undefined, warn?: Warn): string | undefined {
  const candidates = (links ?? []).filter((l) => {
    const rel = attr(attrsOf(l), 'rel');
    return rel === undefined || rel === 'alternate';
  });
  candidates.sort((a, b) => Number(attr(attrsOf(b), 'type') === 'text/html') - Number(attr(attrsOf(a), 'type') === 'text/html'));
  for (const l of candidates) {
    // A `<link>` with the URL as text instead of href is not Atom, but it is what some feeds send.
    const href = clean(attr(attrsOf(l), 'href') ?? textOf(l));
    if (!href) continue;
    const abs = absoluteLink(href, resolveBase(attr(attrsOf(l), 'xml:base'), base));
    if (abs) return abs;
    warn?.(`link "${href}" dropped: cannot be made absolute`);
  }
  return undefined;
}

/** Atom text constructs (§3.1): text, html or xhtml; as HTML for content and summary. */
function textConstructHtml(node: XNode | undefined, warn: Warn, what: string): string | undefined {
  if (node === undefined) return undefined;
  const attrs = attrsOf(node);
  if (attr(attrs, 'src')) return undefined; // out-of-line content (§4.1.3.2): nothing inline to keep
  const type = (attr(attrs, 'type') ?? 'text').toLowerCase();
  if (type === 'xhtml' && attr(attrs, 'pressroom-xhtml')) return clean(unwrapXhtmlDiv(textOf(node) ?? ''));
  if (type === 'html' || type === 'text/html') return clean(markupOf(node));
  if (type === 'text' || type === 'text/plain') {
    const text = clean(textOf(node));
    return text === undefined ? undefined : escapeHtml(text);
  }
  if (type === 'xhtml' || /[+/]xml$/.test(type)) return clean(markupOf(node));
  warn(`${what} of type "${type}" ignored`);
  return undefined;
}

/** Atom titles as plain text: html and xhtml titles are flattened (rss-parser returns xhtml ones as objects). */
function textConstructTitle(node: XNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  const type = (attr(attrsOf(node), 'type') ?? 'text').toLowerCase();
  if (type === 'xhtml') return cleanTitle(htmlToText(unwrapXhtmlDiv(textOf(node) ?? '')));
  if (type === 'html') return cleanTitle(htmlToText(markupOf(node) ?? ''));
  return cleanTitle(textOf(node));
}

/** The xhtml div is a container, not content (§3.1.1.3); a prefixed `xhtml:` namespace is dropped with it. */
function unwrapXhtmlDiv(markup: string): string {
  const m = /^\s*<(?:([A-Za-z_][\w.-]*):)?div\b[^>]*>([\s\S]*)<\/(?:[A-Za-z_][\w.-]*:)?div>\s*$/.exec(markup);
  if (!m) return markup;
  const inner = m[2] ?? '';
  // The prefix may hold a `.`: escaped, so `a.b:` does not also match `axb:`.
  return m[1] ? inner.replace(new RegExp(`(</?)${m[1].replace(/\./g, '\\.')}:`, 'g'), '$1') : inner;
}

// ---------------------------------------------------------------------------------------------------------------
// Small readers of xml2js nodes.

function first(list: XList): XNode | undefined {
  return list?.[0];
}

function attrsOf(node: XNode | undefined): Record<string, string> | undefined {
  return typeof node === 'object' && node !== null ? node.$ : undefined;
}

function attr(attrs: Record<string, string> | undefined, name: string): string | undefined {
  const v = attrs?.[name];
  return typeof v === 'string' ? v : undefined;
}

/** The text of an element (its child elements' text included, for elements that should have had none). */
function textOf(node: XNode | undefined, depth = 0): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (depth > MAX_MARKUP_DEPTH) return '';
  if (typeof node === 'string') return node;
  if (typeof node !== 'object') return String(node);
  let text = typeof node._ === 'string' ? node._ : '';
  for (const [key, value] of Object.entries(node)) {
    if (key === '_' || key === '$' || !Array.isArray(value)) continue;
    for (const child of value as XNode[]) text += textOf(child, depth + 1) ?? '';
  }
  return text;
}

/**
 * RSS titles are plain text by the spec, yet feeds put HTML in them (`&lt;b&gt;`, or worse a `<script>`):
 * a title that holds tags is read as HTML and reduced to its text, as Atom `type="html"` titles are.
 */
function rssTitle(t: string | undefined): string | undefined {
  if (t === undefined || !/<[a-z!/?]/i.test(t)) return cleanTitle(t);
  return cleanTitle(htmlToText(t));
}

/** Deeper than this, markup is a hostile feed (50,000 nested elements), not a press release: it is dropped. */
const MAX_MARKUP_DEPTH = 64;

/**
 * The HTML of an element meant to hold escaped or CDATA HTML. When a feed put raw HTML elements there instead,
 * they are written back as markup (xml2js keeps the elements but not their order relative to the text).
 */

function markupOf(node: XNode | undefined, depth = 0): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (depth > MAX_MARKUP_DEPTH) return '';
  if (typeof node === 'string') return node;
  if (typeof node !== 'object') return String(node);
  let out = typeof node._ === 'string' ? escapeText(node._) : '';
  const hasChildren = Object.keys(node).some((k) => k !== '_' && k !== '$');
  if (!hasChildren) return typeof node._ === 'string' ? node._ : '';
  for (const [key, value] of Object.entries(node)) {
    if (key === '_' || key === '$' || !Array.isArray(value)) continue;
    const tag = key.startsWith(RAW) ? key.slice(RAW.length) : key;
    for (const child of value as XNode[]) {
      const attrs = Object.entries(attrsOf(child) ?? {})
        .filter(([k]) => !k.startsWith('xmlns'))
        .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
        .join('');
      out += VOID_ELEMENTS.has(tag) ? `<${tag}${attrs}>` : `<${tag}${attrs}>${markupOf(child, depth + 1) ?? ''}</${tag}>`;
    }
  }
  return out;
}

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

function rootName(text: string): string | undefined {
  return /<([A-Za-z_][\w.:-]*)[\s>/]/.exec(withoutPisAndComments(text))?.[1];
}

/**
 * What `text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '')` returns, in one pass: an unclosed `<?` or `<!--`
 * stays as text, and the Finders remember the missing `?>` or `-->` for the ones after it.
 */
function withoutPisAndComments(text: string): string {
  const piEnds = new Finder(text, '?>');
  const commentEnds = new Finder(text, '-->');
  let out = '';
  let kept = 0;
  let pos = 0;
  for (let lt = text.indexOf('<', pos); lt >= 0; lt = text.indexOf('<', pos)) {
    pos = lt + 1;
    const pi = text.startsWith('<?', lt);
    if (!pi && !text.startsWith('<!--', lt)) continue;
    const close = pi ? piEnds.find(lt + 2) : commentEnds.find(lt + 4);
    if (close < 0) continue;
    out += text.slice(kept, lt);
    kept = pos = close + (pi ? 2 : 3);
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/** xml:base on the root element (rss-parser hands over the channel's attributes, not the `<rss>` element's). */
function rootXmlBase(text: string): string | undefined {
  const root = /<(?:rss|rdf:RDF|feed)\b([^>]*)>/.exec(text)?.[1];
  return root ? /\bxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(root)?.slice(1).find((v) => v !== undefined) : undefined;
}

/** 1-based line of each `<item>`/`<entry>` start tag, skipping CDATA and comments (unclosed ones are text). */
function itemLines(text: string, tag: 'item' | 'entry'): number[] {
  const lines: number[] = [];
  const cdataEnds = new Finder(text, ']]>');
  const commentEnds = new Finder(text, '-->');
  const open = `<${tag}`;
  let line = 1;
  let last = 0;
  let pos = 0;
  for (let lt = text.indexOf('<', pos); lt >= 0; lt = text.indexOf('<', pos)) {
    pos = lt + 1;
    if (text.startsWith('<![CDATA[', lt)) {
      const close = cdataEnds.find(lt + 9);
      if (close >= 0) pos = close + 3;
    } else if (text.startsWith('<!--', lt)) {
      const close = commentEnds.find(lt + 4);
      if (close >= 0) pos = close + 3;
    } else if (text.startsWith(open, lt)) {
      const next = text.charCodeAt(lt + open.length);
      if (next === 0x3e || next === 0x2f || isJsSpace(next)) {
        line += countNewlines(text.slice(last, lt));
        last = lt;
        lines.push(line);
      }
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs.

function validBase(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/** xml:base may itself be relative to the enclosing base (XML Base §4.2). */
function resolveBase(xmlBase: string | undefined, outer: string | undefined): string | undefined {
  const b = xmlBase?.trim();
  if (!b) return outer;
  try {
    return new URL(b, outer).href;
  } catch {
    return outer;
  }
}

/** Absolute http(s) URL, or undefined: a link we cannot resolve (or a `javascript:` one) is not a link. */
function absoluteLink(href: string | undefined, base: string | undefined): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  try {
    const u = new URL(h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text.

function clean(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** Titles are one line: runs of whitespace (indentation, line breaks inside CDATA) become one space. */
function cleanTitle(value: string | undefined): string | undefined {
  return clean(value?.replace(/\s+/g, ' '));
}

function joinDefined(values: (string | undefined)[]): string | undefined {
  const kept = values.filter((v): v is string => v !== undefined);
  return kept.length ? unique(kept).join(', ') : undefined;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Tags dropped, character references decoded: for titles given as HTML or XHTML. */
function htmlToText(html: string): string {
  return decodeEntities(replaceTags(removeComments(html), ''));
}

function decodeEntities(text: string): string {
  return text.replace(/&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));/g, (m, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) {
      const code = XML_NAMED.get(name) ?? HTML_ENTITIES.get(name);
      return code === undefined ? m : String.fromCodePoint(code);
    }
    const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
    return isXmlChar(code) ? String.fromCodePoint(code) : '';
  });
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

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Drops undefined values, so optional properties are absent rather than present-and-undefined. */
function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

// ---------------------------------------------------------------------------------------------------------------
// HTML 4's 252 named entities minus XML's five (HTML 4.01 §24: Latin-1, symbols, special). sax knows only the
// XML five, so these become numeric references before parsing. Latin-1 names run from U+00A0 in order.

const XML_NAMED = new Map([
  ['amp', 38],
  ['lt', 60],
  ['gt', 62],
  ['quot', 34],
  ['apos', 39],
]);

const LATIN1 =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute ' +
  'micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring ' +
  'AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml ' +
  'times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil ' +
  'egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ' +
  'ugrave uacute ucirc uuml yacute thorn yuml';

const OTHERS =
  'OElig:152 oelig:153 Scaron:160 scaron:161 Yuml:178 circ:2c6 tilde:2dc ensp:2002 emsp:2003 thinsp:2009 ' +
  'zwnj:200c zwj:200d lrm:200e rlm:200f ndash:2013 mdash:2014 lsquo:2018 rsquo:2019 sbquo:201a ldquo:201c ' +
  'rdquo:201d bdquo:201e dagger:2020 Dagger:2021 permil:2030 lsaquo:2039 rsaquo:203a euro:20ac fnof:192 ' +
  'Alpha:391 Beta:392 Gamma:393 Delta:394 Epsilon:395 Zeta:396 Eta:397 Theta:398 Iota:399 Kappa:39a Lambda:39b ' +
  'Mu:39c Nu:39d Xi:39e Omicron:39f Pi:3a0 Rho:3a1 Sigma:3a3 Tau:3a4 Upsilon:3a5 Phi:3a6 Chi:3a7 Psi:3a8 ' +
  'Omega:3a9 alpha:3b1 beta:3b2 gamma:3b3 delta:3b4 epsilon:3b5 zeta:3b6 eta:3b7 theta:3b8 iota:3b9 kappa:3ba ' +
  'lambda:3bb mu:3bc nu:3bd xi:3be omicron:3bf pi:3c0 rho:3c1 sigmaf:3c2 sigma:3c3 tau:3c4 upsilon:3c5 phi:3c6 ' +
  'chi:3c7 psi:3c8 omega:3c9 thetasym:3d1 upsih:3d2 piv:3d6 bull:2022 hellip:2026 prime:2032 Prime:2033 ' +
  'oline:203e frasl:2044 weierp:2118 image:2111 real:211c trade:2122 alefsym:2135 larr:2190 uarr:2191 rarr:2192 ' +
  'darr:2193 harr:2194 crarr:21b5 lArr:21d0 uArr:21d1 rArr:21d2 dArr:21d3 hArr:21d4 forall:2200 part:2202 ' +
  'exist:2203 empty:2205 nabla:2207 isin:2208 notin:2209 ni:220b prod:220f sum:2211 minus:2212 lowast:2217 ' +
  'radic:221a prop:221d infin:221e ang:2220 and:2227 or:2228 cap:2229 cup:222a int:222b there4:2234 sim:223c ' +
  'cong:2245 asymp:2248 ne:2260 equiv:2261 le:2264 ge:2265 sub:2282 sup:2283 nsub:2284 sube:2286 supe:2287 ' +
  'oplus:2295 otimes:2297 perp:22a5 sdot:22c5 lceil:2308 rceil:2309 lfloor:230a rfloor:230b lang:2329 rang:232a ' +
  'loz:25ca spades:2660 clubs:2663 hearts:2665 diams:2666';

const HTML_ENTITIES: ReadonlyMap<string, number> = new Map([
  ...LATIN1.split(' ').map((name, i): [string, number] => [name, 0xa0 + i]),
  ...OTHERS.split(' ').map((pair): [string, number] => {
    const [name = '', hex = '0'] = pair.split(':');
    return [name, parseInt(hex, 16)];
  }),
]);
