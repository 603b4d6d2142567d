// A document rendered once per store change and served from memory: bytes, validators, compressed variants,
// and the response headers of each, built once so that answering a request allocates almost nothing.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { CpuBudget } from './cpu-budget.js';

export type Coding = 'br' | 'gzip' | 'identity';

/** One content-coding of a document: its bytes, its entity tag, its 200 and 304 headers. */
interface Variant {
  bytes: Buffer;
  etag: string;
  h200: Record<string, string>;
  h304: Record<string, string>;
}

export interface Prepared {
  body: Buffer;
  contentType: string;
  /** Strong validator of the identity bytes, quoted: `"<sha256 prefix>"`. */
  etag: string;
  /** HTTP-date (IMF-fixdate) of the document's last change, when it has one. */
  lastModified?: string;
  /** The same instant in milliseconds, whole seconds, for If-Modified-Since. */
  lastModifiedMs?: number;
  cacheControl: string;
  cors: boolean;
  /** Headers every response of this document carries besides the standard ones (e.g. a CSP for HTML). */
  extraHeaders: Readonly<Record<string, string>>;
  /** Each coding compressed once, on first demand, then kept with the document until the next render. */
  variants: Partial<Record<Coding, Variant>>;
}

export interface PrepareOptions {
  lastModified?: Date;
  cacheControl: string;
  /** `Access-Control-Allow-Origin: *`: feeds are public and read by browser-based readers too. */
  cors?: boolean;
  headers?: Record<string, string>;
}

/** Below this a compressed body saves less than its headers cost: such documents are sent as they are. */
const MIN_COMPRESS_BYTES = 256;

export function prepare(body: string | Buffer, contentType: string, opts: PrepareOptions): Prepared {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  const ms = opts.lastModified?.getTime();
  const valid = ms !== undefined && Number.isFinite(ms);
  return {
    body: bytes,
    contentType,
    etag,
    ...(valid ? { lastModified: new Date(ms).toUTCString(), lastModifiedMs: Math.floor(ms / 1000) * 1000 } : {}),
    cacheControl: opts.cacheControl,
    cors: opts.cors ?? false,
    extraHeaders: opts.headers ?? {},
    variants: {},
  };
}

const codingMemo = new Map<string, Coding>();

/** Picks br, then gzip, from Accept-Encoding (q=0 refuses a coding, RFC 9110 §12.5.3). Memoised per header value. */
export function chooseCoding(accept: string | undefined): Coding {
  if (!accept) return 'identity';
  let coding = codingMemo.get(accept);
  if (coding === undefined) {
    coding = parseAcceptEncoding(accept);
    if (codingMemo.size >= 256) codingMemo.clear(); // clients send a handful of distinct values
    codingMemo.set(accept, coding);
  }
  return coding;
}

function parseAcceptEncoding(accept: string): Coding {
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(v) ? v : 0);
  }
  const ok = (c: string) => (q.get(c) ?? q.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip') || ok('x-gzip')) return 'gzip';
  return 'identity';
}

function commonHeaders(p: Prepared, etag: string): Record<string, string> {
  return {
    'Content-Type': p.contentType,
    ETag: etag,
    ...(p.lastModified ? { 'Last-Modified': p.lastModified } : {}),
    'Cache-Control': p.cacheControl,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
    // ETag is not a CORS-safelisted response header: a browser-based reader needs it exposed to revalidate.
    ...(p.cors ? { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag' } : {}),
    ...p.extraHeaders,
  };
}

function variant(p: Prepared, wanted: Coding, budget?: CpuBudget): Variant {
  const coding: Coding = p.body.length < MIN_COMPRESS_BYTES ? 'identity' : wanted;
  const have = p.variants[coding];
  if (have) return have;
  // Out of budget: identity is always an acceptable answer (RFC 9110 §12.5.3 lets the server pick the coding).
  if (coding !== 'identity' && budget && !budget.allow()) return variant(p, 'identity');
  const t0 = performance.now();
  let bytes = p.body;
  let etag = p.etag;
  if (coding === 'gzip') {
    bytes = gzipSync(p.body, { level: 9 });
    etag = `${p.etag.slice(0, -1)}-gz"`;
  } else if (coding === 'br') {
    bytes = brotliCompressSync(p.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: p.body.length } });
    etag = `${p.etag.slice(0, -1)}-br"`;
  }
  if (coding !== 'identity') budget?.spend(performance.now() - t0);
  // RFC 9110 §8.8.3: each content-coding is its own representation, so its strong tag differs.
  const h304 = commonHeaders(p, etag);
  const h200 = { ...h304, ...(coding === 'identity' ? {} : { 'Content-Encoding': coding }), 'Content-Length': String(bytes.length) };
  const v = { bytes, etag, h200, h304 };
  p.variants[coding] = v;
  return v;
}

/** The opaque part of an entity tag without W/ and without our coding suffix: every coding's tag shares it. */
const tagCore = (t: string) => t.trim().replace(/^W\//, '').replace(/-(gz|br)"$/, '"');

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  if (header === etag) return true; // the common case: a reader sending back exactly what it got
  const core = tagCore(etag);
  return header.split(',').some((t) => tagCore(t) === core);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const IMF_FIXDATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * An HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) in milliseconds, or
 * undefined. "A recipient MUST ignore the If-Modified-Since header field if the received field value is not a
 * valid HTTP-date" (§13.1.3), so nothing looser (Date.parse reads "2024") is accepted.
 */
export function parseHttpDate(s: string): number | undefined {
  const v = s.trim();
  let parts: { day: string; mon: string; year: number; time: [string, string, string] } | undefined;
  let m: RegExpExecArray | null;
  if ((m = IMF_FIXDATE.exec(v))) parts = { day: m[1]!, mon: m[2]!, year: Number(m[3]), time: [m[4]!, m[5]!, m[6]!] };
  else if ((m = RFC850_DATE.exec(v))) {
    // §5.6.7: a two-digit year that would be more than 50 years in the future is in the past century.
    const yy = Number(m[3]);
    const year = 2000 + yy > new Date().getUTCFullYear() + 50 ? 1900 + yy : 2000 + yy;
    parts = { day: m[1]!, mon: m[2]!, year, time: [m[4]!, m[5]!, m[6]!] };
  } else if ((m = ASCTIME_DATE.exec(v))) parts = { day: m[2]!.trim(), mon: m[1]!, year: Number(m[6]), time: [m[3]!, m[4]!, m[5]!] };
  if (parts === undefined) return undefined;
  const month = MONTHS.indexOf(parts.mon);
  const [hh, mm, ss] = parts.time.map(Number) as [number, number, number];
  const day = Number(parts.day);
  if (month < 0 || hh > 23 || mm > 59 || ss > 60) return undefined;
  const t = Date.UTC(parts.year, month, day, hh, mm, ss);
  return new Date(t).getUTCDate() === day ? t : undefined; // no 31 February
}

/**
 * RFC 9110 §13.2.2: If-None-Match first; If-Modified-Since only when there is no If-None-Match ("A recipient
 * MUST ignore If-Modified-Since if the request contains an If-None-Match header field", §13.1.3).
 */
function isFresh(req: IncomingMessage, p: Prepared, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) return noneMatch(inm, etag);
  const ims = req.headers['if-modified-since'];
  if (ims === undefined || p.lastModifiedMs === undefined) return false;
  const since = parseHttpDate(ims);
  return since !== undefined && p.lastModifiedMs <= since;
}

/**
 * Answers GET/HEAD with a prepared document: 304 with an empty body and the same validators when the client's
 * copy is current; otherwise the chosen coding's bytes (none for HEAD). With a budget, a coding not made yet is
 * made only while the budget lasts; until then the identity bytes are sent.
 */
export function sendPrepared(req: IncomingMessage, res: ServerResponse, p: Prepared, budget?: CpuBudget): void {
  const v = variant(p, chooseCoding(req.headers['accept-encoding']), budget);
  if (isFresh(req, p, v.etag)) {
    res.writeHead(304, v.h304);
    res.end();
    return;
  }
  res.writeHead(200, v.h200);
  if (req.method === 'HEAD') res.end();
  else res.end(v.bytes);
}
