// A document rendered once per store change and served from memory: bytes, validators, compressed variants.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Prepared {
  body: Buffer;
  contentType: string;
  /** Strong validator of the identity bytes, quoted: `"<sha256 prefix>"`. */
  etag: string;
  /** HTTP-date of the newest story's `updated`, when the document has one. */
  lastModified?: string;
  cacheControl: string;
  cors: boolean;
  /** Compressed once, on first demand, then kept with the document. */
  gzip?: Buffer;
  br?: Buffer;
}

export function prepare(body: string | Buffer, contentType: string, opts: { lastModified?: Date; cacheControl: string; cors?: boolean }): Prepared {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
  const lm = opts.lastModified && Number.isFinite(opts.lastModified.getTime()) ? opts.lastModified.toUTCString() : undefined;
  return { body: bytes, contentType, etag, ...(lm ? { lastModified: lm } : {}), cacheControl: opts.cacheControl, cors: opts.cors ?? false };
}

type Coding = 'br' | 'gzip' | 'identity';

/** Picks br, then gzip, from Accept-Encoding (q=0 refuses a coding, RFC 9110 §12.5.3). */
export function chooseCoding(accept: string | undefined): Coding {
  if (!accept) return 'identity';
  const q = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const v = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(v) ? v : 0);
  }
  const ok = (c: string) => (q.get(c) ?? q.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

function variant(p: Prepared, coding: Coding): { bytes: Buffer; etag: string } {
  if (coding === 'identity' || p.body.length < 256) return { bytes: p.body, etag: p.etag };
  if (coding === 'gzip') {
    p.gzip ??= gzipSync(p.body, { level: 9 });
    return { bytes: p.gzip, etag: `${p.etag.slice(0, -1)}-gz"` };
  }
  p.br ??= brotliCompressSync(p.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: p.body.length } });
  return { bytes: p.br, etag: `${p.etag.slice(0, -1)}-br"` };
}

/** The opaque part of an entity tag without W/ and without our coding suffix: all variants share it. */
const tagCore = (t: string) => t.trim().replace(/^W\//, '').replace(/-(gz|br)"$/, '"');

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
function noneMatch(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const core = tagCore(etag);
  return header.split(',').some((t) => tagCore(t) === core);
}

/**
 * Answers GET/HEAD with a prepared document: 304 when the client's copy is current, If-None-Match taking
 * precedence over If-Modified-Since (RFC 9110 §13.1.3); otherwise the chosen coding's bytes.
 */
export function sendPrepared(req: IncomingMessage, res: ServerResponse, p: Prepared, extraHeaders: Record<string, string> = {}): void {
  const coding = chooseCoding(req.headers['accept-encoding']);
  const v = variant(p, coding);
  const headers: Record<string, string> = {
    'Content-Type': p.contentType,
    ETag: v.etag,
    'Cache-Control': p.cacheControl,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
    ...(p.lastModified ? { 'Last-Modified': p.lastModified } : {}),
    ...(p.cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
    ...extraHeaders,
  };
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  let fresh = false;
  if (inm !== undefined) fresh = noneMatch(inm, v.etag);
  else if (ims !== undefined && p.lastModified) {
    const since = Date.parse(ims);
    fresh = Number.isFinite(since) && Date.parse(p.lastModified) <= since;
  }
  if (fresh) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  if (v.bytes !== p.body) headers['Content-Encoding'] = coding;
  headers['Content-Length'] = String(v.bytes.length);
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else res.end(v.bytes);
}
