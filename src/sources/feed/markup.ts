// The HTML of feed elements: escaped HTML as it came, or markup that arrived as elements (raw XHTML in an RSS
// description, Atom xhtml constructs) written back in document order, with its URLs resolved against xml:base.
import { decodeCharacterReferences } from '../../text/character-references.js';
import { removeComments, replaceTags } from '../scan-text.js';
import { textOf, type XElement } from './xml-tree.js';

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Attributes holding a URL (HTML 4 and 5) that the sanitiser keeps or a reader follows. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'poster', 'longdesc', 'action', 'data']);

/**
 * The HTML an element holds. Text alone is escaped HTML (or CDATA) and is the HTML itself; once the element holds
 * child elements, it is markup: children are written back as HTML in their order and text is escaped.
 */
export function htmlOf(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  if (!el.children.some((c) => typeof c !== 'string')) return textOf(el);
  return childrenHtml(el);
}

/** The children of `el` as HTML, in document order. */
export function childrenHtml(el: XElement): string {
  let out = '';
  for (const c of el.children) out += typeof c === 'string' ? escapeText(c) : elementHtml(c);
  return out;
}

function elementHtml(el: XElement): string {
  const tag = el.local;
  let attrs = '';
  for (const [k, raw] of Object.entries(el.attrs)) {
    // Namespace declarations and xml:base/xml:lang are XML's, not HTML's; a prefixed attribute is another vocabulary's.
    if (k === 'xmlns' || k.includes(':')) continue;
    const v = URL_ATTRIBUTES.has(k.toLowerCase()) && el.baseDeclared ? resolveUrl(raw, el.base) : raw;
    attrs += ` ${k}="${escapeAttr(v)}"`;
  }
  if (VOID_ELEMENTS.has(tag.toLowerCase())) return `<${tag}${attrs}>`;
  return `<${tag}${attrs}>${childrenHtml(el)}</${tag}>`;
}

/**
 * An Atom xhtml construct's single `<div>` is a container, not content (RFC 4287 §3.1.1.3): its children are the
 * content. Any other shape is written as it is.
 */
export function unwrapXhtmlDiv(el: XElement): string {
  const elements = el.children.filter((c): c is XElement => typeof c !== 'string');
  const onlyDiv = elements.length === 1 && elements[0]!.local === 'div' && el.children.every((c) => typeof c !== 'string' || c.trim() === '');
  return onlyDiv ? childrenHtml(elements[0]!) : childrenHtml(el);
}

/** `value` resolved against `base` when it can be (a `javascript:` or `mailto:` URL stays as it is). */
function resolveUrl(value: string, base: string | undefined): string {
  const v = value.trim();
  if (!v || base === undefined) return value;
  try {
    return new URL(v, base).href;
  } catch {
    return value;
  }
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** Tags and comments dropped, character references decoded: the text of a title given as HTML. */
export function htmlToText(html: string): string {
  return decodeCharacterReferences(replaceTags(removeComments(html), ''));
}

/** Titles are one line: runs of whitespace (indentation, line breaks inside CDATA) become one space. */
export function cleanTitle(value: string | undefined): string | undefined {
  return clean(value?.replace(/\s+/g, ' '));
}

export function clean(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/**
 * A text field (an RSS title, an author, a category): plain text by the specs, yet feeds escape their HTML twice
 * (`&amp;#x0024;3449`, `&amp;eacute;`) or put markup in it. Character references left after XML parsing are
 * decoded, and a field that holds tags is read as HTML and reduced to its text.
 */
export function plainText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/<[a-z!/?]/i.test(value)) return htmlToText(value);
  return value.includes('&') ? decodeCharacterReferences(value) : value;
}
