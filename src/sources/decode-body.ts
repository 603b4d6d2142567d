// Turns the bytes of a feed response into text: BOM, then the HTTP charset, then the XML declaration, then UTF-8.
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

/** Decodes a response body. `contentType` is the raw Content-Type header, e.g. `text/xml; charset="ISO-8859-1"`. */
export function decodeBody(bytes: Buffer, contentType?: string): string {
  const label = bomEncoding(bytes) ?? httpCharset(contentType) ?? xmlDeclEncoding(bytes) ?? 'utf-8';
  return stripBom(decodeAs(bytes, label));
}

/**
 * Decodes an HTML page: BOM, then the HTTP charset, then a `<meta charset>` or `<meta http-equiv
 * content-type>` in the first 1024 bytes (the WHATWG prescan's window), then UTF-8.
 */
export function decodeHtml(bytes: Buffer, contentType?: string): string {
  const label = bomEncoding(bytes) ?? httpCharset(contentType) ?? metaCharset(bytes) ?? 'utf-8';
  return stripBom(decodeAs(bytes, label));
}

function metaCharset(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 1024).toString('latin1');
  // Each <meta …> tag on its own (bounded, no nested quantifiers), then its charset= anywhere inside.
  for (const m of head.matchAll(/<meta\s[^>]{0,512}>/gi)) {
    const c = /charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})/i.exec(m[0]);
    if (c?.[1]) return c[1];
  }
  return undefined;
}

function decodeAs(bytes: Buffer, label: string): string {
  const name = label.trim().toLowerCase();
  if (UTF8_LABELS.has(name)) return bytes.toString('utf8');
  if (WINDOWS_1252_LABELS.has(name)) return iconv.decode(bytes, 'windows-1252');
  // Anything else iconv-lite knows (iso-8859-15, windows-1251, koi8-r, shift_jis, utf-16…); unknown → UTF-8.
  if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
  return bytes.toString('utf8');
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
