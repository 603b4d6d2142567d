// Feed and page bodies through the one shared decoder (src/text/decode-text.ts), for callers that want text only.
import { decodeText, type DecodedText } from '../text/decode-text.js';

/** Decodes a feed response body: BOM, HTTP charset, XML declaration, then UTF-8 if valid, else windows-1252. */
export function decodeBody(bytes: Buffer, contentType?: string): string {
  return decodeText(bytes, { contentType, kind: 'xml' }).text;
}

/** Decodes an HTML page: BOM, HTTP charset, `<meta charset>` in the first 1024 bytes, then UTF-8 if valid, else windows-1252. */
export function decodeHtml(bytes: Buffer, contentType?: string): string {
  return decodeText(bytes, { contentType, kind: 'html' }).text;
}

/** A feed body with how it was read: `warning` says when nothing declared the charset and it was guessed (decode-text.ts). */
export function readFeedBytes(bytes: Buffer, contentType?: string): DecodedText {
  return decodeText(bytes, { contentType, kind: 'xml' });
}

/** An article page with how it was read (see readFeedBytes). */
export function readPageBytes(bytes: Buffer, contentType?: string): DecodedText {
  return decodeText(bytes, { contentType, kind: 'html' });
}
