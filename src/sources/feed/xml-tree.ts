// Reads a (repaired) feed document into an ordered element tree with sax: text and elements stay in document
// order, each element knows its namespace-canonical name, its xml:base (resolved) and its xml:lang.
import sax from 'sax';

/** One element. `name` is canonical (see canonicalName); `attrs` are as written. */
export interface XElement {
  name: string;
  /** The name as written, prefix included. */
  qname: string;
  /** The local part of the name. */
  local: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** The base URI in scope (XML Base §4.2: xml:base resolved against the enclosing base, then the document URL). */
  base?: string;
  /** Whether an xml:base on this element or an ancestor set `base` (else it is the document's URL). */
  baseDeclared: boolean;
  /** The xml:lang in scope, as written; `''` means "no language" (XML 1.0 §2.12). */
  lang?: string;
  /** Offset of the start tag in the text. */
  pos: number;
}
export type XNode = XElement | string;

/**
 * Deeper than this below the root, elements (and their text) are not kept: no feed needs them (rss > channel >
 * item > description > markup), and everything that walks the tree recurses. 50,000 nested `<div>`s in a
 * description are a hostile feed, not a press release.
 */
export const MAX_TREE_DEPTH = 96;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const ROOT_CLOSED = Symbol('root closed');

/** Namespaces read by name, whatever prefix a feed gives them (or none: `<body xmlns="…xhtml">`). */
const KNOWN_NAMESPACES: Record<string, string> = {
  'http://www.w3.org/2005/Atom': 'atom',
  // Atom 0.3, the pre-standard draft (2003–2005) some CMSs still emit.
  'http://purl.org/atom/ns#': 'atom',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/dc/elements/1.1/': 'dc',
  // DC Terms repeats the fifteen DC elements (creator, date, subject, description, language…) and adds
  // `modified`; feeds bind `dc:` to either.
  'http://purl.org/dc/terms/': 'dc',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.itunes.com/DTDs/Podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  // RSS's own namespaces: RSS 1.0, RSS 0.90 and the one some RSS 2.0 generators declare as default.
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
};

export const ATOM_NAMESPACES = new Set(['http://www.w3.org/2005/Atom', 'http://purl.org/atom/ns#']);

export type TreeResult = { ok: true; root: XElement; rootNs?: string } | { ok: false; message: string };

/**
 * Parses `text` (strict XML, as sax's strict mode reads it: the first well-formedness error fails the document
 * with sax's message). `documentUrl` is the base of the document element; `baseDeclared` says it came from an
 * xml:base (a fragment read on its own: an Atom xhtml construct, see atom.ts).
 */
export function readXmlTree(text: string, documentUrl: string | undefined, opts: { baseDeclared?: boolean } = {}): TreeResult {
  const parser = sax.parser(true, { trim: false, normalize: false, xmlns: false, position: true });
  const stack: XElement[] = [];
  /** prefix → namespace URI, one map per open element that declares any. */
  const scopes: { depth: number; map: Map<string, string> }[] = [];
  let root: XElement | undefined;
  let rootNs: string | undefined;
  let homeIsAtom = false;
  let skipped = 0; // open elements below MAX_TREE_DEPTH
  let failure: string | undefined;

  const lookup = (prefix: string): string | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const ns = scopes[i]!.map.get(prefix);
      if (ns !== undefined) return ns;
    }
    return prefix === 'xml' ? XML_NS : undefined;
  };

  const append = (t: string): void => {
    if (skipped > 0) return;
    const top = stack[stack.length - 1];
    if (!top) return;
    const last = top.children[top.children.length - 1];
    if (typeof last === 'string') top.children[top.children.length - 1] = last + t;
    else top.children.push(t);
  };

  parser.onerror = (e: Error) => {
    failure ??= e.message;
    throw e;
  };
  parser.ontext = append;
  parser.oncdata = append;
  parser.onopentag = (node) => {
    if (skipped > 0 || stack.length > MAX_TREE_DEPTH) {
      skipped++;
      return;
    }
    const attrs = node.attributes as Record<string, string>;
    let declared: Map<string, string> | undefined;
    for (const k in attrs) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) (declared ??= new Map()).set(k === 'xmlns' ? '' : k.slice(6), attrs[k]!.trim());
    }
    if (declared) scopes.push({ depth: stack.length, map: declared });
    const qname = node.name;
    const colon = qname.indexOf(':');
    const prefix = colon > 0 ? qname.slice(0, colon) : '';
    const local = colon > 0 ? qname.slice(colon + 1) : qname;
    const ns = lookup(prefix);
    const parent = stack[stack.length - 1];
    if (!parent) {
      rootNs = ns;
      homeIsAtom = ns !== undefined && ATOM_NAMESPACES.has(ns);
    }
    const xmlBase = attrs['xml:base'];
    const base = xmlBase !== undefined ? resolveBase(xmlBase, parent ? parent.base : documentUrl) : parent ? parent.base : documentUrl;
    const lang = attrs['xml:lang'] ?? parent?.lang;
    const el: XElement = {
      name: canonicalName(prefix, local, ns, homeIsAtom),
      qname,
      local,
      attrs,
      children: [],
      baseDeclared: xmlBase !== undefined || (parent ? parent.baseDeclared : opts.baseDeclared === true),
      pos: Math.max(0, parser.startTagPosition - 1),
    };
    if (base !== undefined) el.base = base;
    if (lang !== undefined) el.lang = lang;
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  };
  parser.onclosetag = () => {
    if (skipped > 0) {
      skipped--;
      return;
    }
    stack.pop();
    while (scopes.length && scopes[scopes.length - 1]!.depth >= stack.length) scopes.pop();
    // The document is its root element: what follows it (a CMS's appended PHP warning, a second copy) is not
    // read, as xml2js under rss-parser did not.
    if (stack.length === 0) throw ROOT_CLOSED;
  };

  try {
    parser.write(text).close();
  } catch (e) {
    if (e !== ROOT_CLOSED) return { ok: false, message: failure ?? (e instanceof Error ? e.message : String(e)) };
  }
  if (!root) return { ok: false, message: 'no root element' };
  return { ok: true, root, ...(rootNs !== undefined ? { rootNs } : {}) };
}

/**
 * The name mapping code reads: a known namespace gets its usual prefix whatever the document calls it; RSS's
 * own elements, elements in no namespace and (in an Atom document) Atom's get none. An undeclared prefix is
 * kept as written: feeds use `dc:` and `media:` without declaring them, and sax's strict mode lets them.
 */
function canonicalName(prefix: string, local: string, ns: string | undefined, homeIsAtom: boolean): string {
  if (ns === undefined) return prefix ? `${prefix}:${local}` : local;
  const known = KNOWN_NAMESPACES[ns];
  if (known === undefined) return prefix ? `${prefix}:${local}` : local;
  if (known === 'atom' && homeIsAtom) return local;
  return known ? `${known}:${local}` : local;
}

/** xml:base may itself be relative to the enclosing base (XML Base §4.2); one that cannot be resolved is ignored. */
export function resolveBase(xmlBase: string, outer: string | undefined): string | undefined {
  const b = xmlBase.trim();
  if (!b) return outer;
  try {
    return new URL(b, outer).href;
  } catch {
    return outer;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Small readers.

/** The element children of `el` named `name` (canonical). */
export function childrenNamed(el: XElement | undefined, name: string): XElement[] {
  if (!el) return [];
  const out: XElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) out.push(c);
  return out;
}

export function child(el: XElement | undefined, name: string): XElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (typeof c !== 'string' && c.name === name) return c;
  return undefined;
}

/** The first child among `names` that holds some text, in the order of `names`. */
export function firstNonEmpty(el: XElement | undefined, names: readonly string[]): XElement | undefined {
  for (const name of names) for (const c of childrenNamed(el, name)) if (hasContent(c)) return c;
  return undefined;
}

/** Holds text or an element (an `<img>` alone is content). */
export function hasContent(el: XElement): boolean {
  return el.children.some((c) => (typeof c === 'string' ? c.trim() !== '' : true));
}

/** An attribute by local name, whatever its prefix (`rdf:about`, `isPermaLink`). */
export function attr(el: XElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  const v = el.attrs[name];
  if (v !== undefined) return v;
  for (const k in el.attrs) if (k.endsWith(`:${name}`)) return el.attrs[k];
  return undefined;
}

/** All the text inside an element, descendants' included. */
export function textOf(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  let out = '';
  const walk = (e: XElement): void => {
    for (const c of e.children) {
      if (typeof c === 'string') out += c;
      else walk(c);
    }
  };
  walk(el);
  return out;
}
