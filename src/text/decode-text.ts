// One decoder for every text Pressroom reads (feeds, article pages, bulletins): bytes in, text and how it was read out.
// node:buffer's isUtf8 (Node ≥ 18.14) checks well-formed UTF-8 in C++ (simdutf).
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * Labels decoded as windows-1252. The WHATWG Encoding Standard maps all of them to windows-1252, as browsers
 * do; Node 20's TextDecoder turns 0x80–0x9F of these into C1 controls instead, so “ ” € ’ would be lost
 * (nodejs/node#60888), hence iconv-lite.
 */
const WINDOWS_1252_LABELS = new Set([
  'windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'iso88591', 'iso-ir-100',
  'latin1', 'l1', 'cp819', 'ibm819', 'csisolatin1', 'us-ascii', 'ascii', 'ansi_x3.4-1968', 'iso-8859-1:1987',
]);
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'x-unicode20utf8']);

/** What the bytes are: an XML document (prolog), an HTML page (`<meta charset>`) or plain text (nothing inside declares). */
export type TextKind = 'xml' | 'html' | 'plain';

/** Where the encoding came from, in the order they are consulted. */
export type EncodingBasis = 'bom' | 'http' | 'xml-declaration' | 'meta' | 'valid-utf-8' | 'fallback';

export interface DecodedText {
  text: string;
  /** The encoding actually used, lowercased (e.g. `utf-8`, `windows-1252`, `utf-16le`). */
  encoding: string;
  basis: EncodingBasis;
  /**
   * Set when nothing declared the encoding and the bytes are not UTF-8, so they were read as windows-1252 (the
   * legacy encoding of the Western European word processors and CMSs agencies use), or when a declared label
   * is unknown. The caller reports it on the source.
   */
  warning?: string;
}

/**
 * Decodes bytes: BOM, then the HTTP charset, then what the document declares (XML prolog, or `<meta charset>`
 * for pages), then UTF-8 if the bytes are valid UTF-8, else windows-1252 with a warning. Never U+FFFD for bytes
 * that a legacy encoding explains.
 */
export function decodeText(bytes: Uint8Array, opts: { contentType?: string; kind: TextKind }): DecodedText {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bomEncoding(buf);
  if (bom) return { text: stripBom(decodeKnown(buf, bom)), encoding: bom, basis: 'bom' };
  const http = httpCharset(opts.contentType);
  if (http) return decodeDeclared(buf, http, 'http');
  const inside = opts.kind === 'xml' ? xmlDeclEncoding(buf) : opts.kind === 'html' ? metaCharset(buf) : undefined;
  if (inside) return decodeDeclared(buf, inside, opts.kind === 'xml' ? 'xml-declaration' : 'meta');
  return sniff(buf);
}

/**
 * No declaration at all (or an unknown one): valid UTF-8 is UTF-8; bytes that are mostly UTF-8 with a few broken
 * sequences (a truncated copy-paste) stay UTF-8 with a warning; anything else is read as windows-1252.
 */
function sniff(buf: Buffer, unknownLabel?: string): DecodedText {
  const prefix = unknownLabel ? `unknown charset "${unknownLabel}"; ` : '';
  if (isUtf8(buf)) {
    return { text: stripBom(buf.toString('utf8')), encoding: 'utf-8', basis: 'valid-utf-8', ...(unknownLabel ? { warning: `${prefix}read as UTF-8` } : {}) };
  }
  const { multibyte, invalid } = utf8Census(buf);
  if (multibyte > invalid) return damagedUtf8(buf, 'valid-utf-8', invalid, prefix);
  return {
    text: iconv.decode(buf, 'windows-1252'),
    encoding: 'windows-1252',
    basis: 'fallback',
    warning: `${prefix}not valid UTF-8 and no charset declared: read as windows-1252`,
  };
}

function decodeDeclared(buf: Buffer, label: string, basis: EncodingBasis): DecodedText {
  const name = canonical(label);
  if (!name) return sniff(buf, label);
  if (name === 'utf-8' && !isUtf8(buf)) {
    // "UTF-8" copied from a template onto legacy bytes: not one valid multi-byte sequence, so the letters are
    // windows-1252. With real UTF-8 sequences present it is damaged UTF-8, and the declaration stands.
    const { multibyte, invalid } = utf8Census(buf);
    if (multibyte > 0) return damagedUtf8(buf, basis, invalid, '');
    return {
      text: iconv.decode(buf, 'windows-1252'),
      encoding: 'windows-1252',
      basis: 'fallback',
      warning: `declared UTF-8 (${basis}) but the bytes are not UTF-8: read as windows-1252`,
    };
  }
  return { text: stripBom(decodeKnown(buf, name)), encoding: name, basis };
}

function damagedUtf8(buf: Buffer, basis: EncodingBasis, invalid: number, prefix: string): DecodedText {
  return {
    text: stripBom(buf.toString('utf8')),
    encoding: 'utf-8',
    basis,
    warning: `${prefix}UTF-8 with ${invalid} invalid byte${invalid === 1 ? '' : 's'} (each shown as U+FFFD)`,
  };
}

/** Counts well-formed multi-byte UTF-8 sequences and invalid bytes, in one pass. */
function utf8Census(b: Uint8Array): { multibyte: number; invalid: number } {
  let multibyte = 0;
  let invalid = 0;
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    let ok = n > 0;
    for (let k = 1; ok && k <= n; k++) ok = i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
    if (ok) { multibyte++; i += n + 1; } else { invalid++; i++; }
  }
  return { multibyte, invalid };
}

/** The lowercased name we decode a label with, or undefined when neither Node nor iconv-lite knows it. */
function canonical(label: string): string | undefined {
  const name = label.trim().toLowerCase();
  if (UTF8_LABELS.has(name)) return 'utf-8';
  if (WINDOWS_1252_LABELS.has(name)) return 'windows-1252';
  // Anything else iconv-lite knows (iso-8859-15, windows-1251, koi8-r, shift_jis, utf-16…).
  return iconv.encodingExists(name) ? name : undefined;
}

function decodeKnown(buf: Buffer, name: string): string {
  return name === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, name);
}

function metaCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 1024).toString('latin1');
  // Each <meta …> tag on its own (bounded, no nested quantifiers), then its charset= anywhere inside.
  for (const m of head.matchAll(/<meta\s[^>]{0,512}>/gi)) {
    const c = /charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})/i.exec(m[0]);
    if (c?.[1]) {
      // WHATWG prescan: a page's meta claiming UTF-16 is read as UTF-8 (the meta itself was ASCII).
      return /^utf-?16/i.test(c[1]) ? 'utf-8' : c[1];
    }
  }
  return undefined;
}

/** A byte order mark decides the encoding before anything a server or document claims (WHATWG "BOM sniffing"). */
function bomEncoding(bytes: Buffer): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** The `charset` parameter of a Content-Type header, quoted or not. */
function httpCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentType);
  const value = (m?.[1] ?? m?.[2])?.trim();
  return value ? value : undefined;
}

/**
 * The `encoding` of the `<?xml ...?>` declaration. XML 1.0 Appendix F: a BOM-less UTF-16 document starts
 * with `<` `?` as 16-bit units, which tells the byte order before the declaration can be read.
 */
function xmlDeclEncoding(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return 'utf-16be';
  // The declaration is ASCII in every ASCII-compatible encoding, so reading the head as latin1 is safe.
  const head = bytes.subarray(0, 1024).toString('latin1');
  const m = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]*)["']/.exec(head);
  const label = m?.[1];
  // A declaration we could read as ASCII cannot be in UTF-16/32 whatever it says (a copied template).
  if (!label || /^(utf-?16|utf-?32|ucs-?2)/i.test(label)) return undefined;
  return label;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
