// POST /websub on the web tier: reads a subscription request, checks it (topic ours, callback acceptable), and
// hands it to the worker through the spool, answering 202 at once (WebSub §5.1: the hub verifies later, and
// the answer never depends on the verification). Rate-limited per client address.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseHubRequest } from '../push/hub-request.js';
import { MAX_SPOOLED, spooledCount, spoolRequest } from '../push/spool.js';

export interface WebsubEndpointOptions {
  /** Undefined: no hub (every request answered 404 with the reason). */
  publicUrl?: string;
  defaultLimit: number;
  allowHosts: readonly string[];
  ratePerMinute: number;
  spoolDir: string;
  /** The client a request counts against: the peer, or what a trusted proxy says the peer was. */
  clientOf: (req: IncomingMessage) => string;
  /** Told after a request was spooled (one process: the hub looks at once instead of at its next poll). */
  onSpooled?: () => void;
  log: { warn(obj: object, msg: string): void };
  now?: () => Date;
}

export type WebsubHandler = (req: IncomingMessage, res: ServerResponse, knownKeys: ReadonlySet<string>) => void;

const MAX_BODY = 8 * 1024;
/** Clients remembered by the rate limiter; past this the oldest are forgotten (a fresh, full bucket each). */
const MAX_CLIENTS = 10_000;

function reply(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${body}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(bytes);
}

/** A token bucket per client: `perMinute` requests a minute, as a burst or spread out. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly perMinute: number) {}

  /** 0 when the request may go ahead; otherwise the seconds until it may. */
  take(client: string, nowMs: number): number {
    let b = this.buckets.get(client);
    if (b === undefined) {
      if (this.buckets.size >= MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.perMinute, at: nowMs };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(this.perMinute, b.tokens + ((nowMs - b.at) / 60_000) * this.perMinute);
    b.at = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 60) / this.perMinute);
  }
}

export function createWebsubEndpoint(opts: WebsubEndpointOptions): WebsubHandler {
  const limiter = new RateLimiter(opts.ratePerMinute);
  return (req, res, knownKeys) => {
    if (opts.publicUrl === undefined)
      return reply(res, 404, 'not found: this server runs no WebSub hub because PUBLIC_URL is not set (topics need one fixed origin); its feeds advertise no hub');
    if (req.method !== 'POST') return reply(res, 405, `method not allowed: ${req.method ?? ''} (the hub takes POST, application/x-www-form-urlencoded)`, { Allow: 'POST' });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return reply(res, 415, 'unsupported media type: send hub.* parameters as application/x-www-form-urlencoded');
    const wait = limiter.take(opts.clientOf(req), (opts.now?.() ?? new Date()).getTime());
    if (wait > 0) return reply(res, 429, `too many subscription requests from this address: try again in ${wait} s`, { 'Retry-After': String(wait) });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) return reply(res, 413, `request too large: a subscription request is under ${MAX_BODY} bytes`);
      const parsed = parseHubRequest(Buffer.concat(chunks).toString('utf8'), { publicUrl: opts.publicUrl!, knownKeys, defaultLimit: opts.defaultLimit, allowHosts: opts.allowHosts }, opts.now?.() ?? new Date());
      if (!parsed.ok) return reply(res, 400, `bad request: ${parsed.reason}`);
      void (async () => {
        if ((await spooledCount(opts.spoolDir)) >= MAX_SPOOLED) return reply(res, 503, 'the hub is busy verifying earlier requests: try again later', { 'Retry-After': '60' });
        await spoolRequest(opts.spoolDir, parsed.request);
        opts.onSpooled?.();
        reply(res, 202, `accepted: the hub will verify this ${parsed.request.mode} request at the callback (hub.challenge)`);
      })().catch((e: unknown) => {
        opts.log.warn({ err: (e as Error).message }, 'could not spool a subscription request');
        if (!res.headersSent) reply(res, 503, 'the hub cannot take requests now: try again later', { 'Retry-After': '60' });
      });
    });
  };
}
