// Fetches one feed URL politely and safely: one time limit, a byte cap on the wire, our own redirects, conditional
// GET, and no connection outside public address space unless the operator chose it (guarded-get.ts).
// Returns text and validators or a classified failure; never throws and never parses (parse-feed does).
import { createHash } from 'node:crypto';
import { STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { classifyAddress, hostAddress, isAllowed, parseAllowEntry, type AllowEntry } from './address-class.js';
import { readFeedBytes } from './decode-body.js';
import { guardedGet, RefusedAddressError, systemResolve, type Resolve } from './guarded-get.js';
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
  /**
   * Extra request headers from the feed's config (`Authorization` from the environment…), sent to the configured
   * URL's own origin only: a redirect to another origin never carries them (as browsers drop Authorization).
   */
  requestHeaders?: Readonly<Record<string, string>>;
  /**
   * Hosts that may be reached in non-public address space (FETCH_ALLOW_HOSTS): host names, IP addresses or
   * CIDR ranges. The configured URL's own host is allowed too when it is written as a private address.
   */
  allowHosts?: readonly string[];
  /** DNS for every hop (tests declare `public.test` here); dns.lookup by default. */
  resolve?: Resolve;
  /**
   * Whether `address` (resolved from `hostname`) is public address space. Tests use it to treat a name that
   * resolves to 127.0.0.1 as public; production keeps the default, classifyAddress(address) === 'public'.
   */
  isPublicAddress?: (address: string, hostname: string) => boolean;
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
      /** Set when the body's charset was not declared and had to be guessed (src/text/decode-text.ts): for /status. */
      encodingWarning?: string;
      /** With encodingWarning: the encoding the body was read as (`windows-1252`, `utf-8`). */
      encoding?: string;
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
      /**
       * Operator-only: what happened at which hop (the redirect chain, the refused address, the real error).
       * `message` and `status` are safe to publish; this is not (it can name internal hosts).
       */
      detail?: string;
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
  /** A hop would have connected outside public address space (SSRF guard). */
  | 'refused-address'
  | 'aborted'
  | 'empty'
  | 'not-a-feed'
  /** A page request answered with something that is not a page (a PDF, an image): refused by its Content-Type, unread. */
  | 'not-html'
  /** A bot challenge or a firewall's block page instead of the page (detect-block.ts). */
  | 'blocked'
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

/**
 * What a caller of fetchText wants back: feeds (fetchFeed) refuse an HTML page; article pages (fetch-page.ts)
 * want exactly that, with the HTML charset rules.
 */
export interface BodyKind {
  accept: string;
  /** Refuse a body that is an HTML page (`not-a-feed`). */
  refuseHtml: boolean;
  /** Bytes to text; a DecodedText (decode-body.ts readFeedBytes/readPageBytes) also says how they were read. */
  decode: (bytes: Buffer, contentType: string | undefined) => string | { text: string; warning?: string; encoding?: string };
  /**
   * The URL is the operator's own (a configured feed), so a private address written in it is allowed. A page
   * link comes from upstream content: it gets no such trust, only FETCH_ALLOW_HOSTS.
   */
  operatorUrl: boolean;
  /** Page fetches (fetch-page.ts): the media types wanted; anything else is refused unread (`not-html`). */
  acceptType?: (contentType: string | undefined) => boolean;
  /** Page fetches: what blocked us when the answer is a bot challenge or a firewall's block page (`blocked`). */
  detectBlock?: (status: number, header: (name: string) => string | undefined, body: string) => string | undefined;
  /** Error statuses whose body detectBlock reads (a 404's is never read). */
  blockStatuses?: ReadonlySet<number>;
}

/** Bytes of an error answer read to recognise a challenge page. */
const BLOCK_PAGE_BYTES = 256 * 1024;

const FEED_BODY: BodyKind = { accept: ACCEPT, refuseHtml: true, decode: readFeedBytes, operatorUrl: true };

export function fetchFeed(url: string, validators: Validators, opts: FetchOptions): Promise<FetchResult> {
  return fetchText(url, validators, opts, FEED_BODY);
}

/** One guarded GET with redirects, a byte cap, decoding and validators: the client of feeds and article pages. */
export async function fetchText(url: string, validators: Validators, opts: FetchOptions, kind: BodyKind): Promise<FetchResult> {
  // One timer for the whole exchange: connect, headers, every redirect and the body.
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  const headers: Record<string, string> = {
    'User-Agent': opts.userAgent,
    Accept: kind.accept,
    // Decoded in readCapped; naming them lets gzip-only servers answer.
    'Accept-Encoding': 'gzip, deflate, br',
  };
  if (validators.etag) headers['If-None-Match'] = validators.etag;
  if (validators.lastModified) headers['If-Modified-Since'] = validators.lastModified;

  const configuredHost = new URL(url).hostname;
  const configuredOrigin = new URL(url).origin;
  const allow = connectPolicy(configuredHost, opts, kind.operatorUrl);
  let current = url;
  let movedTo: string | undefined;
  // movedTo only while every hop so far was permanent: A -301-> B -302-> C means "update the config to B".
  let permanentSoFar = true;
  const visited = new Set([url]);
  const chain = [url];
  // A failure at a hop on another host than the configured one is published without that host's words.
  const fail = (cause: FailureCause): Failed => publicFailure(classifyFailure(cause, movedTo), new URL(current).hostname !== configuredHost, chain);
  let hop: { request: ClientRequest; response: IncomingMessage } | undefined;
  try {
    for (let n = 0; ; n++) {
      const sameOrigin = opts.requestHeaders !== undefined && new URL(current).origin === configuredOrigin;
      hop = await guardedGet(new URL(current), { headers: sameOrigin ? { ...opts.requestHeaders, ...headers } : headers, signal, resolve: opts.resolve ?? systemResolve, allow });
      const res = hop.response;
      const status = res.statusCode ?? 0;
      const header = (name: string): string | undefined => {
        const v = res.headers[name];
        return Array.isArray(v) ? v.join(', ') : v;
      };
      if (REDIRECT_STATUSES.has(status)) {
        discard(hop);
        const location = header('location') ?? null;
        const next = location ? resolveHttpUrl(location, current) : undefined;
        if (!next) return fail({ type: 'bad-redirect', status, location });
        if (visited.has(next)) return fail({ type: 'redirect-loop', url: next });
        if (n >= opts.maxRedirects) return fail({ type: 'too-many-redirects', max: opts.maxRedirects });
        // Only the configured host's own redirects may become a public "moved to" (another host's may not).
        permanentSoFar &&= PERMANENT_REDIRECTS.has(status) && new URL(current).hostname === configuredHost;
        if (permanentSoFar) movedTo = next;
        visited.add(next);
        chain.push(next);
        current = next;
        continue;
      }

      const etag = header('etag');
      const lastModified = header('last-modified');
      const at = { url, finalUrl: current, ...(movedTo ? { movedTo } : {}) };
      if (status === 304) {
        discard(hop);
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
      const byHeader = !!(header('cf-mitigated') || header('x-amzn-waf-action'));
      if (kind.detectBlock && (byHeader || ((status < 200 || status > 299) && kind.blockStatuses?.has(status)))) {
        const start = byHeader ? Buffer.alloc(0) : await readCapped(hop, header('content-encoding'), BLOCK_PAGE_BYTES);
        const decoded = start === 'too-large' ? '' : kind.decode(start, header('content-type'));
        const what = kind.detectBlock(status, header, typeof decoded === 'string' ? decoded : decoded.text);
        if (what) {
          discard(hop);
          return fail({ type: 'blocked', status, what });
        }
      }
      if (status < 200 || status > 299) {
        discard(hop);
        // The standard reason phrase, never the server's own text.
        return fail({ type: 'status', status, statusText: STATUS_CODES[status] ?? '', retryAfter: header('retry-after') ?? null });
      }

      if (kind.acceptType && !kind.acceptType(header('content-type'))) {
        discard(hop);
        return fail({ type: 'not-html', status, contentType: header('content-type') ?? '' });
      }
      const encoding = header('content-encoding');
      const declared = Number(header('content-length'));
      if (Number.isFinite(declared) && declared > opts.maxBytes && !encoding) {
        discard(hop);
        return fail({ type: 'too-large', maxBytes: opts.maxBytes });
      }
      const bytes = await readCapped(hop, encoding, opts.maxBytes);
      if (bytes === 'too-large') return fail({ type: 'too-large', maxBytes: opts.maxBytes });
      if (bytes.length === 0 || /^\s*$/.test(bytes.toString('latin1'))) return fail({ type: 'empty', status });
      const decoded = kind.decode(bytes, header('content-type'));
      const body = typeof decoded === 'string' ? decoded : decoded.text;
      const encodingWarning = typeof decoded === 'string' ? undefined : decoded.warning;
      const encodingUsed = typeof decoded === 'string' || !encodingWarning ? undefined : decoded.encoding;
      if (kind.refuseHtml && looksLikeHtml(body)) return fail({ type: 'html', status });
      const blocked = kind.detectBlock?.(status, header, body.slice(0, BLOCK_PAGE_BYTES));
      if (blocked) return fail({ type: 'blocked', status, what: blocked });

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
      return { kind: 'fetched', status, ...at, body, ...defined({ encodingWarning, encoding: encodingUsed, etag, lastModified }), contentHash };
    }
  } catch (error) {
    if (error instanceof RefusedAddressError) return refusedFailure(error, current === url, chain, movedTo, kind.operatorUrl ? 'feed host' : 'page host');
    return fail({ type: 'exception', error, timedOut: timeout.aborted, callerAborted: opts.signal?.aborted === true, timeoutMs: opts.timeoutMs });
  } finally {
    if (hop && !hop.request.destroyed) hop.request.destroy();
  }
}

/**
 * The SSRF policy of one fetch, applied to every hop after DNS. A hop may connect to a non-public address only
 * when its host is on FETCH_ALLOW_HOSTS, or when it is the configured URL's own host and that URL names a
 * private address itself (an IP literal such as http://127.0.0.1:9000/, or `localhost`): tests and intranet
 * feeds. A configured DNS name that resolves to a private address is refused like a redirect would be: DNS
 * rebinding of the agency's own name must not reach the host's network either.
 */
function connectPolicy(configuredHost: string, opts: FetchOptions, operatorUrl: boolean): (hostname: string, address: string) => boolean {
  const entries = (opts.allowHosts ?? []).map(parseAllowEntry).filter((e): e is AllowEntry => e !== undefined);
  const literal = hostAddress(configuredHost);
  const configuredIsPrivate = operatorUrl && (configuredHost === 'localhost' || (literal !== undefined && classifyAddress(literal) !== 'public'));
  const isPublic = opts.isPublicAddress ?? ((address: string) => classifyAddress(address) === 'public');
  return (hostname, address) =>
    isPublic(address, hostname) || (configuredIsPrivate && hostname === configuredHost) || isAllowed(entries, hostname, address);
}

/** Redirect chain for the operator: every URL asked for, in order. */
const chainText = (chain: readonly string[]): string => `redirect chain: ${chain.join(' -> ')}`;

function refusedFailure(e: RefusedAddressError, configured: boolean, chain: readonly string[], movedTo: string | undefined, what: string): Failed {
  return {
    kind: 'failed',
    code: 'refused-address',
    message: configured
      ? `${what} resolves to a private address: refused (see FETCH_ALLOW_HOSTS)`
      : 'redirect to a private address refused',
    detail: `${e.hostname} resolves to ${e.address} (${e.addressClass ?? 'not an IP address'}); ${chainText(chain)}`,
    ...(movedTo ? { movedTo } : {}),
  };
}

/** Messages fetchFeed writes itself, with nothing from the remote side in them. */
const OWN_WORDS = new Set<FetchErrorCode>(['timeout', 'aborted', 'too-large', 'too-many-redirects']);

/**
 * What may be published of a failure. At the configured host, all of it (its status is the agency's own
 * answer). At a host an upstream redirected us to, only the reason class: no status, no reason text, no
 * Retry-After, no URL. The full story goes to `detail`, for the operator.
 */
function publicFailure(f: Failed, offHost: boolean, chain: readonly string[]): Failed {
  if (!offHost) return chain.length > 1 ? { ...f, detail: `${f.message}; ${chainText(chain)}` } : f;
  const { status: _s, retryAfterMs: _r, ...rest } = f;
  return {
    ...rest,
    message: OWN_WORDS.has(f.code) ? f.message : `${f.code} at a redirect target on another host`,
    detail: `${f.message}${f.status !== undefined ? ` (status ${f.status})` : ''}; ${chainText(chain)}`,
  };
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
  | { type: 'html'; status: number }
  | { type: 'not-html'; status: number; contentType: string }
  | { type: 'blocked'; status: number; what: string };

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
    case 'not-html': {
      // The media type only, never parameters an upstream could fill with words.
      const type = cause.contentType.split(';')[0]!.trim().toLowerCase().replace(/[^a-z0-9.+/-]/g, '').slice(0, 80);
      return { kind: 'failed', code: 'not-html', message: `not a web page (${type || 'no type'}): not read`, status: cause.status, ...base };
    }
    case 'blocked':
      return { kind: 'failed', code: 'blocked', message: `${cause.what} (HTTP ${cause.status}): the site wants a browser`, status: cause.status, ...base };
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

/**
 * Reads the body, decompressing it, and destroys the connection as soon as either the bytes on the wire or the
 * decoded bytes pass `maxBytes` (a gzip bomb is stopped by the second count). The socket is not read ahead of
 * us by more than its read buffer (64 KB), so the server can only have sent the limit plus what the kernel's
 * socket buffers held when we stopped.
 */
async function readCapped(hop: { request: ClientRequest; response: IncomingMessage }, encoding: string | undefined, maxBytes: number): Promise<Buffer | 'too-large'> {
  const raw = hop.response;
  const decoders = (encoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity')
    .reverse() // codings are listed in the order they were applied (RFC 9110 §8.4)
    .map(decoderFor);
  // An unknown coding anywhere: the bytes as they came. Errors of the decoder chain end `body` with them.
  const known = decoders.filter((d): d is Transform => d !== undefined);
  const body: Readable = known.length === 0 || known.length < decoders.length ? raw : chainDecoders(raw, known);
  // 'data' handlers, synchronous per chunk: the quicker we drain the socket, the less the kernel holds for us
  // when we stop (see docs/RELIABILITY.md for what the kernels' buffers add on the server's count).
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let total = 0;
    let done = false;
    const stop = (): void => {
      if (done) return;
      done = true;
      hop.request.destroy();
      resolve('too-large');
    };
    if (body !== raw)
      raw.on('data', (chunk: Buffer) => {
        wire += chunk.length;
        if (wire > maxBytes) stop();
      });
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      total += chunk.length;
      if (total > maxBytes) return stop();
      chunks.push(chunk);
    });
    body.once('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, total));
    });
    body.once('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
    // A connection cut mid-body ends the raw stream with an error (or 'aborted' on older Node).
    raw.once('error', (e) => body !== raw && body.destroy(e));
  });
}

/**
 * A streaming decoder for one content coding; undefined for one we did not ask for (the body is then passed
 * on as it came, as fetch did). Z_SYNC_FLUSH accepts a truncated stream, as browsers and undici do.
 */
function decoderFor(coding: string): Transform | undefined {
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip(lenient);
  // RFC 9110 §8.4.1.2: "deflate" is the zlib format (RFC 1950).
  if (coding === 'deflate') return zlib.createInflate(lenient);
  if (coding === 'br')
    return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return undefined;
}

/** raw → decoder → decoder…; an error anywhere destroys every stream and ends the last one with it. */
function chainDecoders(raw: Readable, decoders: readonly Transform[]): Readable {
  let out: Readable = raw;
  for (const d of decoders) out = pipeline(out, d, () => undefined);
  return out;
}

/** Drops a response whose body we do not want: the connection is closed (one connection per request anyway). */
function discard(hop: { request: ClientRequest; response: IncomingMessage }): void {
  hop.response.resume();
  hop.request.destroy();
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
