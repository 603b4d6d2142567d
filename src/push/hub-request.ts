// A subscription request as POSTed to /websub (WebSub §5.1), read and checked before the hub says 202. Pure.
import { canonicalTopic } from './topics.js';
import { refusedLiteral } from './send.js';

export interface HubRequest {
  mode: 'subscribe' | 'unsubscribe';
  /** As sent, query string kept (§5.1: the callback "MAY contain arbitrary query string parameters"). */
  callback: string;
  /** Canonical: exactly the feed's self link. */
  topic: string;
  /** As asked; the hub clamps it. */
  leaseSeconds?: number;
  secret?: string;
  receivedAt: string;
}

export interface HubContext {
  publicUrl: string;
  knownKeys: ReadonlySet<string>;
  defaultLimit: number;
  allowHosts: readonly string[];
}

export type HubRequestResult = { ok: true; request: HubRequest } | { ok: false; reason: string };

const MAX_CALLBACK = 2048;
/** §5.1: "hub.secret … MUST be less than 200 bytes in length." */
const MAX_SECRET_BYTES = 199;

/** Reads an `application/x-www-form-urlencoded` body; unknown parameters are ignored (§5.1). */
export function parseHubRequest(body: string, ctx: HubContext, now: Date): HubRequestResult {
  const params = new URLSearchParams(body);
  for (const name of ['hub.mode', 'hub.callback', 'hub.topic', 'hub.lease_seconds', 'hub.secret'])
    if (params.getAll(name).length > 1) return { ok: false, reason: `${name} is given more than once` };
  const one = (name: string): string | undefined => params.get(name) ?? undefined;
  const mode = one('hub.mode');
  if (mode === undefined || mode === '') return { ok: false, reason: 'hub.mode is missing (subscribe or unsubscribe)' };
  if (mode === 'publish') return { ok: false, reason: 'hub.mode=publish is not taken: this hub publishes only its own feeds, and notices their changes itself' };
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return { ok: false, reason: `hub.mode must be subscribe or unsubscribe, got ${JSON.stringify(String(mode).slice(0, 40))}` };
  const callback = one('hub.callback');
  if (!callback) return { ok: false, reason: 'hub.callback is missing' };
  if (callback.length > MAX_CALLBACK) return { ok: false, reason: `hub.callback is longer than ${MAX_CALLBACK} characters` };
  let cb: URL;
  try {
    cb = new URL(callback);
  } catch {
    return { ok: false, reason: 'hub.callback is not an absolute URL' };
  }
  if (cb.protocol !== 'http:' && cb.protocol !== 'https:') return { ok: false, reason: 'hub.callback must be an http or https URL' };
  if (cb.username !== '' || cb.password !== '') return { ok: false, reason: 'hub.callback must not carry credentials' };
  if (cb.hash !== '' || callback.includes('#')) return { ok: false, reason: 'hub.callback must not have a fragment' };
  if (refusedLiteral(cb, ctx.allowHosts)) return { ok: false, reason: 'hub.callback is on a loopback, private or link-local address: refused' };
  const rawTopic = one('hub.topic');
  if (!rawTopic) return { ok: false, reason: 'hub.topic is missing' };
  const topic = canonicalTopic(rawTopic, ctx.publicUrl, ctx.knownKeys, ctx.defaultLimit);
  if (!topic.ok) return { ok: false, reason: topic.reason };
  const lease = one('hub.lease_seconds');
  let leaseSeconds: number | undefined;
  if (lease !== undefined && lease !== '') {
    if (!/^\d{1,10}$/.test(lease.trim())) return { ok: false, reason: 'hub.lease_seconds must be a whole number of seconds' };
    leaseSeconds = Number(lease.trim());
  }
  const secret = one('hub.secret');
  if (secret !== undefined && secret !== '' && Buffer.byteLength(secret, 'utf8') > MAX_SECRET_BYTES)
    return { ok: false, reason: 'hub.secret must be less than 200 bytes' };
  return {
    ok: true,
    request: {
      mode,
      callback,
      topic: topic.url,
      ...(leaseSeconds !== undefined ? { leaseSeconds } : {}),
      ...(mode === 'subscribe' && secret ? { secret } : {}),
      receivedAt: now.toISOString(),
    },
  };
}

/** The verification URL: the callback with its own query kept as it was, our parameters appended (§5.3). */
export function withParams(callback: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  return `${callback}${callback.includes('?') ? (callback.endsWith('?') || callback.endsWith('&') ? '' : '&') : '?'}${q}`;
}
