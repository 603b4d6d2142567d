// Fetches one feed URL politely and safely: one time limit, a byte cap, our own redirects, conditional GET.
// Returns text and validators or a classified failure; never throws and never parses (parse-feed does).
import { createHash } from 'node:crypto';
import { decodeBody } from './decode-body.js';
import { looksLikeHtml } from './parse-feed.js';

export interface FetchOptions {
  /** Total time for connect, headers and body, redirects included (default 20000). */
  timeoutMs: number;
  /** Largest decompressed body accepted; reading stops past it (default 10 MB). */
  maxBytes: number;
  /** Hops followed before giving up (default 5). */
  maxRedirects: number;
  userAgent: string;
  /** Cancels the request from outside (shutdown). */
  signal?: AbortSignal;
}

export const DEFAULT_FETCH_OPTIONS: Omit<FetchOptions, 'userAgent'> = {
  timeoutMs: 20_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
};

export interface Validators {
  etag?: string;
  lastModified?: string;
  /** sha256 (hex) of the last body, as returned in `contentHash`. */
  contentHash?: string;
}

export type FetchResult =
  | {
      kind: 'fetched';
      status: number;
      url: string;
      finalUrl: string;
      movedTo?: string;
      body: string;
      etag?: string;
      lastModified?: string;
      contentHash: string;
    }
  | {
      kind: 'not-modified';
      /** 304, or 200 with a body identical to the last one (`sameHash`). */
      status: 304 | 200;
      url: string;
      finalUrl: string;
      movedTo?: string;
      etag?: string;
      lastModified?: string;
      contentHash?: string;
      sameHash: boolean;
    }
  | {
      kind: 'failed';
      code: FetchErrorCode;
      message: string;
      status?: number;
      retryAfterMs?: number;
      movedTo?: string;
    };

export type FetchErrorCode =
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'http-error'
  | 'rate-limited'
  | 'unavailable'
  | 'gone'
  | 'not-found'
  | 'network'
  | 'aborted'
  | 'empty'
  | 'not-a-feed'
  /** Fetched fine, but the XML could not be parsed (reported by the ingest after parseFeed). */
  | 'malformed';

type Failed = Extract<FetchResult, { kind: 'failed' }>;

/** Feed types first; `*\/*` last so a server that only knows text/html still answers. */
export const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1';

/** Retry-After is honoured up to a day (RFC 9110 §10.2.3 allows any value; a week-long silence is not polite back). */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_REDIRECTS = new Set([301, 308]);

export async function fetchFeed(url: string, validators: Validators, opts: FetchOptions): Promise<FetchResult> {
  // One timer for the whole exchange: connect, headers, every redirect and the body (undici aborts the socket).
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const headers: Record<string, string> = {
    'User-Agent': opts.userAgent,
    Accept: ACCEPT,
    // fetch (undici) decompresses these itself; naming them lets gzip-only servers answer.
    'Accept-Encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['If-None-Match'] = validators.etag;
  if (validators.lastModified) headers['If-Modified-Since'] = validators.lastModified;

  let current = url;
  let movedTo: string | undefined;
  // movedTo only while every hop so far was permanent: A -301-> B -302-> C means "update the config to B".
  let permanentSoFar = true;
  const visited = new Set([url]);
  try {
    for (let hop = 0; ; hop++) {
      const res = await fetch(current, { method: 'GET', headers, redirect: 'manual', signal });
      if (REDIRECT_STATUSES.has(res.status)) {
        await discard(res);
        const location = res.headers.get('location');
        const next = location ? resolveHttpUrl(location, current) : undefined;
        if (!next) return classifyFailure({ type: 'bad-redirect', status: res.status, location }, movedTo);
        if (visited.has(next)) return classifyFailure({ type: 'redirect-loop', url: next }, movedTo);
        if (hop >= opts.maxRedirects) return classifyFailure({ type: 'too-many-redirects', max: opts.maxRedirects }, movedTo);
        permanentSoFar &&= PERMANENT_REDIRECTS.has(res.status);
        if (permanentSoFar) movedTo = next;
        visited.add(next);
        current = next;
        continue;
      }

      const etag = res.headers.get('etag') ?? undefined;
      const lastModified = res.headers.get('last-modified') ?? undefined;
      const at = { url, finalUrl: current, ...(movedTo ? { movedTo } : {}) };
      if (res.status === 304) {
        await discard(res);
        // A 304 may omit the validators (RFC 9110 §15.4.5 only asks for those that would be sent with a 200).
        return {
          kind: 'not-modified',
          status: 304,
          ...at,
          ...defined({ etag: etag ?? validators.etag, lastModified: lastModified ?? validators.lastModified }),
          ...defined({ contentHash: validators.contentHash }),
          sameHash: false,
        };
      }
      if (res.status < 200 || res.status > 299) {
        await discard(res);
        return classifyFailure(
          { type: 'status', status: res.status, statusText: res.statusText, retryAfter: res.headers.get('retry-after') },
          movedTo,
        );
      }

      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > opts.maxBytes && !res.headers.get('content-encoding')) {
        await discard(res);
        return classifyFailure({ type: 'too-large', maxBytes: opts.maxBytes }, movedTo);
      }
      const bytes = await readCapped(res, opts.maxBytes);
      if (bytes === 'too-large') return classifyFailure({ type: 'too-large', maxBytes: opts.maxBytes }, movedTo);
      if (bytes.length === 0 || /^\s*$/.test(bytes.toString('latin1'))) {
        return classifyFailure({ type: 'empty', status: res.status }, movedTo);
      }
      const body = decodeBody(bytes, res.headers.get('content-type') ?? undefined);
      if (looksLikeHtml(body)) return classifyFailure({ type: 'html', status: res.status }, movedTo);

      const contentHash = createHash('sha256').update(bytes).digest('hex');
      if (validators.contentHash && contentHash === validators.contentHash) {
        return {
          kind: 'not-modified',
          status: 200,
          ...at,
          ...defined({ etag, lastModified }),
          contentHash,
          sameHash: true,
        };
      }
      return { kind: 'fetched', status: res.status, ...at, body, ...defined({ etag, lastModified }), contentHash };
    }
  } catch (error) {
    return classifyFailure(
      { type: 'exception', error, timedOut: timeout.aborted, callerAborted: opts.signal?.aborted === true, timeoutMs: opts.timeoutMs },
      movedTo,
    );
  }
}

/** Everything that can go wrong, as seen by fetchFeed; classifyFailure turns it into a code and a message. */
export type FailureCause =
  | { type: 'status'; status: number; statusText: string; retryAfter: string | null; now?: Date }
  | { type: 'exception'; error: unknown; timedOut: boolean; callerAborted: boolean; timeoutMs: number }
  | { type: 'too-large'; maxBytes: number }
  | { type: 'too-many-redirects'; max: number }
  | { type: 'redirect-loop'; url: string }
  | { type: 'bad-redirect'; status: number; location: string | null }
  | { type: 'empty'; status: number }
  | { type: 'html'; status: number };

/** The one place where failures get their code and a message that starts with what happened. */
export function classifyFailure(cause: FailureCause, movedTo?: string): Failed {
  const base = movedTo ? { movedTo } : {};
  switch (cause.type) {
    case 'status': {
      const { status } = cause;
      const message = `HTTP ${status}${cause.statusText ? ` ${cause.statusText}` : ''}`;
      if (status === 429 || status === 503) {
        const retryAfterMs = parseRetryAfter(cause.retryAfter, cause.now ?? new Date());
        const code = status === 429 ? 'rate-limited' : 'unavailable';
        const wait = retryAfterMs !== undefined ? ` (Retry-After ${Math.round(retryAfterMs / 1000)} s)` : '';
        return { kind: 'failed', code, message: message + wait, status, ...defined({ retryAfterMs }), ...base };
      }
      if (status === 410) return { kind: 'failed', code: 'gone', message: `${message}: the feed is gone`, status, ...base };
      if (status === 404) return { kind: 'failed', code: 'not-found', message, status, ...base };
      return { kind: 'failed', code: 'http-error', message, status, ...base };
    }
    case 'exception': {
      if (cause.timedOut) return { kind: 'failed', code: 'timeout', message: `timeout after ${cause.timeoutMs} ms`, ...base };
      if (cause.callerAborted) return { kind: 'failed', code: 'aborted', message: 'aborted by the caller', ...base };
      return { kind: 'failed', code: 'network', message: `network error: ${describeError(cause.error)}`, ...base };
    }
    case 'too-large':
      return { kind: 'failed', code: 'too-large', message: `body larger than ${cause.maxBytes} bytes: stopped reading`, ...base };
    case 'too-many-redirects':
      return { kind: 'failed', code: 'too-many-redirects', message: `more than ${cause.max} redirects`, ...base };
    case 'redirect-loop':
      return { kind: 'failed', code: 'redirect-loop', message: `redirect loop back to ${cause.url}`, ...base };
    case 'bad-redirect':
      return {
        kind: 'failed',
        code: 'http-error',
        message: `HTTP ${cause.status} redirect to ${cause.location === null ? 'no Location' : `an unusable Location: ${cause.location}`}`,
        status: cause.status,
        ...base,
      };
    case 'empty':
      return { kind: 'failed', code: 'empty', message: `empty body (HTTP ${cause.status})`, status: cause.status, ...base };
    case 'html':
      return { kind: 'failed', code: 'not-a-feed', message: 'HTML page instead of a feed', status: cause.status, ...base };
  }
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds from `now`,
 * capped at 24 h; a date in the past is 0; anything unreadable is undefined.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^[-+]?\d+(?:\.\d+)?$/.test(text)) {
    if (!/^\d+$/.test(text)) return undefined; // delay-seconds is a non-negative integer
    ms = Number(text) * 1000;
  } else {
    const when = Date.parse(text);
    if (Number.isNaN(when)) return undefined;
    ms = Math.max(0, when - now.getTime());
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** Reads the body as a stream and cancels it (closing the connection) as soon as it passes `maxBytes`. */
async function readCapped(res: Response, maxBytes: number): Promise<Buffer | 'too-large'> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Releases a response whose body we do not want, so undici can close or reuse the connection. */
async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

function resolveHttpUrl(location: string, base: string): string | undefined {
  try {
    const u = new URL(location, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** undici wraps socket errors as `TypeError: fetch failed` with the useful part in `cause`. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(typeof code === 'string' && !e.message.includes(code) ? `${code} ${e.message}` : e.message);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  // "fetch failed" says nothing: prefer the cause when there is one.
  const useful = parts.length > 1 && parts[0] === 'fetch failed' ? parts.slice(1) : parts;
  return useful.join(': ') || 'unknown error';
}

/** Drops undefined values, so optional properties are absent rather than present-and-undefined. */
function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
