// One outgoing push request (a verification GET, a content POST, a webhook, a ping) through the feeds' SSRF
// guard: the address is checked after DNS, at connect time; loopback, private and link-local addresses are
// refused unless FETCH_ALLOW_HOSTS names them; no redirect is followed (a 3xx is an answer, and no success);
// one time limit covers connect, headers and body; at most `maxBody` bytes of the answer are read.
import { guardedGet, RefusedAddressError, systemResolve, type Resolve } from '../sources/guarded-get.js';
import { classifyAddress, hostAddress, isAllowed, parseAllowEntry, type AllowEntry } from '../sources/address-class.js';

export interface SendPolicy {
  allowHosts: readonly string[];
  timeoutMs: number;
  userAgent: string;
  resolve?: Resolve;
}

export type SendResult =
  | { kind: 'answered'; status: number; body: string; ms: number }
  | { kind: 'failed'; reason: 'refused-address' | 'timeout' | 'network'; message: string; ms: number };

export function allowPolicy(allowHosts: readonly string[]): (hostname: string, address: string) => boolean {
  const entries = allowHosts.map(parseAllowEntry).filter((e): e is AllowEntry => e !== undefined);
  return (hostname, address) => classifyAddress(address) === 'public' || isAllowed(entries, hostname, address);
}

/** A callback written as a non-public IP literal that the allowlist does not name: refused before any request. */
export function refusedLiteral(url: URL, allowHosts: readonly string[]): boolean {
  const literal = hostAddress(url.hostname);
  if (url.hostname === 'localhost') return !allowPolicy(allowHosts)('localhost', '127.0.0.1');
  return literal !== undefined && !allowPolicy(allowHosts)(url.hostname, literal);
}

export async function send(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Buffer; maxBody?: number },
  policy: SendPolicy,
): Promise<SendResult> {
  const t0 = performance.now();
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const ms = () => Math.round(performance.now() - t0);
  let hop: Awaited<ReturnType<typeof guardedGet>> | undefined;
  try {
    hop = await guardedGet(new URL(url), {
      method: init.method,
      headers: {
        'User-Agent': policy.userAgent,
        ...(init.body !== undefined ? { 'Content-Length': String(init.body.length) } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: init.body } : {}),
      signal,
      resolve: policy.resolve ?? systemResolve,
      allow: allowPolicy(policy.allowHosts),
    });
    const max = init.maxBody ?? 4096;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of hop.response as AsyncIterable<Buffer>) {
      if (size < max) chunks.push(chunk.subarray(0, max - size));
      size += chunk.length;
      // The rest is not needed: a subscriber's answer is its status and, for a verification, a short challenge.
      if (size >= max) break;
    }
    return { kind: 'answered', status: hop.response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: ms() };
  } catch (e) {
    if (e instanceof RefusedAddressError) return { kind: 'failed', reason: 'refused-address', message: 'callback on a private address refused (see FETCH_ALLOW_HOSTS)', ms: ms() };
    if (signal.aborted) return { kind: 'failed', reason: 'timeout', message: `no complete answer within ${policy.timeoutMs} ms`, ms: ms() };
    return { kind: 'failed', reason: 'network', message: (e as Error).message, ms: ms() };
  } finally {
    if (hop && !hop.request.destroyed) hop.request.destroy();
  }
}

/**
 * Requests in flight, at most `perHost` to one host (host:port: two services on one machine are two hosts) and
 * `total` in all; the waiting ones are started host by host in turn, so a host with a long queue, or one that
 * hangs until the time limit, holds only its own slots.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly queues = new Map<string, Array<() => void>>();
  private running = 0;

  constructor(
    private readonly perHost: number,
    private readonly total: number,
  ) {}

  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.active.set(host, (this.active.get(host) ?? 0) + 1);
        task().then(resolve, reject).finally(() => {
          this.running--;
          const n = (this.active.get(host) ?? 1) - 1;
          if (n === 0) this.active.delete(host);
          else this.active.set(host, n);
          this.pump();
        });
      };
      let q = this.queues.get(host);
      if (!q) this.queues.set(host, (q = []));
      q.push(start);
      this.pump();
    });
  }

  private pump(): void {
    let progress = true;
    while (progress && this.running < this.total) {
      progress = false;
      for (const [host, q] of this.queues) {
        if (this.running >= this.total) break;
        if ((this.active.get(host) ?? 0) >= this.perHost) continue;
        const next = q.shift();
        if (q.length === 0) this.queues.delete(host);
        if (next) {
          next();
          progress = true;
        }
      }
    }
  }
}
