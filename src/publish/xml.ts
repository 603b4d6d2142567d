// A tiny XML writer for documents we build by hand (Atom): an element tree in, escaped, indented text out.

import { stripXmlInvalid } from '../stories/xml-chars.js';

/** An element; `undefined` attributes are left out, children are elements or text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string | undefined>;
  children: XmlChild[];
}
export type XmlChild = XmlElement | string;

/** Build an element. `null`, `undefined` and `false` children are dropped, so optional parts read inline. */
export function el(
  name: string,
  attrs: Record<string, string | undefined> = {},
  ...children: Array<XmlChild | null | undefined | false>
): XmlElement {
  return {
    name,
    attrs,
    children: children.filter((c): c is XmlChild => c !== null && c !== undefined && c !== false),
  };
}

/**
 * Character data: `&` and `<` must be escaped (XML 1.0 §2.4), `>` too so `]]>` never appears; CR as `&#13;`
 * because a parser turns a literal CR (and CRLF) into LF (§2.11).
 */
export function escapeXmlText(s: string): string {
  return stripXmlInvalid(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/**
 * Attribute values, always written in double quotes. Tab, LF and CR are written as character references:
 * attribute-value normalisation (§3.3.3) would otherwise turn them into spaces.
 */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;');
}

function writeAttrs(attrs: Record<string, string | undefined>): string {
  let out = '';
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined) out += ` ${key}="${escapeXmlAttr(value)}"`;
  }
  return out;
}

function writeInline(node: XmlChild): string {
  if (typeof node === 'string') return escapeXmlText(node);
  const open = `<${node.name}${writeAttrs(node.attrs)}`;
  if (node.children.length === 0) return `${open}/>`;
  return `${open}>${node.children.map(writeInline).join('')}</${node.name}>`;
}

function writeElement(node: XmlElement, depth: number): string {
  const indent = '  '.repeat(depth);
  const hasText = node.children.some((c) => typeof c === 'string');
  // Text-only and mixed content stay on one line: indentation inside them would change the text.
  if (node.children.length === 0 || hasText) return indent + writeInline(node);
  const inner = node.children.map((c) => writeElement(c as XmlElement, depth + 1)).join('\n');
  return `${indent}<${node.name}${writeAttrs(node.attrs)}>\n${inner}\n${indent}</${node.name}>`;
}

/** The whole document: XML declaration, the root element, a final newline. */
export function writeXmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${writeElement(root, 0)}\n`;
}
