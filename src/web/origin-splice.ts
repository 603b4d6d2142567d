// One rendering for every Host: documents are rendered once with a placeholder origin, and the bytes a request
// gets are the rendered bytes with its own origin put where the placeholder stood.
//
// Why this and not an allowlist of hosts: the default install has no PUBLIC_URL and is reached as
// http://localhost:8080, http://127.0.0.1:8080, a LAN address or whatever name a proxy forwards; refusing or
// rewriting those would break it. Splicing keeps every Host working and makes a new Host cost a copy of the bytes
// (tens of microseconds for a 300 KB feed) and one short hash, instead of rendering every default document
// (hundreds of milliseconds at 20,000 stories). So a client cycling Host values gets no lever on the CPU.
//
// Why splicing is exact: an origin checked by ./host.ts holds only [a-z0-9.:[\]-], characters that XML, HTML
// and JSON write as they are, and our renderers never percent-encode the base URL (they append encoded paths to
// it). The placeholder is made of the same characters, so each format escapes both alike (not at all), and the
// origin is in WHATWG URL form, so `new URL()` in the feed library would have written it unchanged too.
// The placeholder holds 64 random bits: upstream text cannot contain it by accident or on purpose.
import { createHash, randomBytes } from 'node:crypto';
import type { Prepared } from './prepared.js';

/** A fresh placeholder origin, e.g. `http://o3f9a0c1d2e4b5a6c.invalid` (RFC 2606: .invalid never resolves). */
export function placeholderOrigin(): string {
  return `http://o${randomBytes(8).toString('hex')}.invalid`;
}

export interface Template {
  /** The document as rendered, placeholder and all. */
  doc: Prepared;
  /** The bytes between the placeholder's occurrences: parts.length - 1 origins go between them. */
  parts: Buffer[];
  /** A hash of the parts alone, not of the placeholder: the same store gives the same tags in every process. */
  core: string;
}

/** Splits a rendered document at each occurrence of the placeholder (one linear scan). */
export function templateOf(doc: Prepared, placeholder: string): Template {
  const needle = Buffer.from(placeholder, 'latin1');
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = doc.body.indexOf(needle, from); at >= 0; at = doc.body.indexOf(needle, from)) {
    parts.push(doc.body.subarray(from, at));
    from = at + needle.length;
  }
  parts.push(doc.body.subarray(from));
  const h = createHash('sha256');
  // Each part is preceded by its length, so no two different documents hash the same sequence of bytes.
  const len = Buffer.alloc(4);
  for (const p of parts) {
    len.writeUInt32BE(p.length);
    h.update(len).update(p);
  }
  return { doc, parts, core: h.digest('base64url') };
}

/**
 * The document as it would have been rendered for `origin`: same headers and dates, the origin's bytes, and a
 * strong tag derived from the host-independent hash and the origin (RFC 9110 §8.8.3: different bytes, different
 * strong tag). Compressed codings are made on demand by sendPrepared, like those of any prepared document.
 */
export function forOrigin(t: Template, origin: string): Prepared {
  const o = Buffer.from(origin, 'latin1');
  const chunks: Buffer[] = [t.parts[0]!];
  for (let i = 1; i < t.parts.length; i++) chunks.push(o, t.parts[i]!);
  const body = Buffer.concat(chunks);
  const etag = `"${createHash('sha256').update(t.core).update('\n').update(origin).digest('base64url').slice(0, 27)}"`;
  return { ...t.doc, body, etag, variants: {} };
}
