// The WebSub hub (W3C WebSub §5–§8) for Pressroom's own feeds, run by the worker, the single writer: it takes the
// requests the web tier spooled, verifies each subscriber's intent, keeps the subscriptions durably in
// DATA_DIR/websub.json, and when a topic's bytes change POSTs the new document to every active subscriber.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Prepared } from '../web/prepared.js';
import { DurableJsonFile } from '../store/durable-file.js';
import type { PushConfig } from './push-config.js';
import { withParams, type HubRequest } from './hub-request.js';
import { send, type HostLimiter, type SendPolicy } from './send.js';
import { takeSpooled } from './spool.js';
import { readState } from './read-state.js';
import { createPinger } from './ping-hubs.js';
import { canonicalTopic, hubUrl, linkHeader, type Topic } from './topics.js';

export interface Subscription {
  callback: string;
  /** Canonical topic URL. */
  topic: string;
  secret?: string;
  leaseSeconds: number;
  verifiedAt: string;
  expiresAt: string;
  /** ETag of the topic document this subscriber last received, or the one current when it subscribed. */
  delivered?: string;
}

interface HubFile {
  version: 1;
  subscriptions: Subscription[];
}

export interface HubLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface HubCounters {
  verified: number;
  verificationFailed: number;
  denied: number;
  delivered: number;
  deliveryFailed: number;
  gone: number;
  expired: number;
  pings: number;
  pingFailed: number;
}

export interface HubDeps {
  dataDir: string;
  spoolDir: string;
  publicUrl: string;
  config: PushConfig;
  send: SendPolicy;
  limiter: HostLimiter;
  /** The topic's document as the feeds serve it now (rendered for PUBLIC_URL), undefined when it is gone. */
  topicDocument: (topic: Topic) => Prepared | undefined;
  knownKeys: () => ReadonlySet<string>;
  defaultLimit: number;
  log: HubLog;
  now?: () => Date;
  /** Told after every delivery or verification outcome (metrics, the status file). */
  onEvent?: (e: { kind: 'verification' | 'delivery' | 'ping'; outcome: string; ms?: number }) => void;
}

export interface SubscriberStatus {
  callbackHost: string;
  topic: string;
  expiresAt: string;
  lastAttemptAt?: string;
  lastOutcome?: string;
  failures: number;
}

export interface HubStatus {
  hub: string;
  subscriptions: number;
  counters: HubCounters;
  /** Deliveries waiting for a retry. */
  retrying: number;
  subscribers: SubscriberStatus[];
}

export interface Hub {
  start(): Promise<void>;
  /** The spool has new requests. */
  kick(): void;
  /** The store changed: deliver every topic whose bytes did. */
  changed(): void;
  status(): HubStatus;
  subscriptions(): readonly Subscription[];
  /** Resolves when no verification, delivery or retry is outstanding (tests, the bench). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Attempts per document before a subscriber is left until the next change (WebSub §7: "reasonable"). */
const MAX_ATTEMPTS = 5;
const SPOOL_POLL_MS = 500;
const SWEEP_MS = 30_000;
const SUBSCRIBERS_SHOWN = 200;

const keyOf = (callback: string, topic: string) => `${callback}\n${topic}`;
const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
};

interface Delivery {
  attempts: number;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
  /** A newer document arrived while one was in flight. */
  again: boolean;
  /** The ETag whose attempts ran out: not retried until the topic changes again. */
  gaveUp?: string;
  lastAttemptAt?: string;
  lastOutcome?: string;
  failures: number;
}

export function createHub(deps: HubDeps): Hub {
  const now = () => deps.now?.() ?? new Date();
  const hub = hubUrl(deps.publicUrl);
  const file = new DurableJsonFile<HubFile>(path.join(deps.dataDir, 'websub.json'), 'replace');
  const subs = new Map<string, Subscription>();
  const deliveries = new Map<string, Delivery>();
  const chains = new Map<string, Promise<void>>();
  const counters: HubCounters = { verified: 0, verificationFailed: 0, denied: 0, delivered: 0, deliveryFailed: 0, gone: 0, expired: 0, pings: 0, pingFailed: 0 };
  const outstanding = new Set<Promise<unknown>>();
  let closed = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let taking: Promise<void> | undefined;
  let takeAgain = false;
  const pinger = createPinger({
    hubs: deps.config.pingHubs,
    publicUrl: deps.publicUrl,
    retryBaseMs: deps.config.retryBaseMs,
    send: deps.send,
    limiter: deps.limiter,
    topicDocument: deps.topicDocument,
    knownKeys: deps.knownKeys,
    defaultLimit: deps.defaultLimit,
    closed: () => closed,
    onResult: (ok, ms) => {
      if (ok) counters.pings++;
      else counters.pingFailed++;
      deps.onEvent?.({ kind: 'ping', outcome: ok ? 'ok' : 'failed', ms });
    },
  });

  const track = <T>(p: Promise<T>): Promise<T> => {
    outstanding.add(p);
    void p.finally(() => outstanding.delete(p)).catch(() => {});
    return p;
  };

  // Writes are serialised; a burst of delivery bookkeeping becomes one write a second.
  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  let flushTimer: NodeJS.Timeout | undefined;
  const persistNow = (): Promise<void> => {
    dirty = false;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    writing = writing
      .then(() => file.write({ version: 1, subscriptions: [...subs.values()] }))
      .catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'could not write the WebSub subscriptions'));
    return writing;
  };
  const persistSoon = () => {
    dirty = true;
    flushTimer ??= setTimeout(() => void persistNow(), 1000);
  };

  const topicOf = (topic: string): Topic | undefined => {
    const t = canonicalTopic(topic, deps.publicUrl, deps.knownKeys(), deps.defaultLimit);
    return t.ok ? t : undefined;
  };
  const documentOf = (topic: string): Prepared | undefined => {
    const t = topicOf(topic);
    return t && deps.topicDocument(t);
  };

  const expired = (s: Subscription, at = now()) => Date.parse(s.expiresAt) <= at.getTime();
  const drop = (key: string, why: 'expired' | 'gone' | 'unsubscribed') => {
    const d = deliveries.get(key);
    if (d?.timer) clearTimeout(d.timer);
    deliveries.delete(key);
    subs.delete(key);
    if (why === 'expired') counters.expired++;
  };
  const sweep = () => {
    let n = 0;
    for (const [k, s] of subs)
      if (expired(s)) {
        drop(k, 'expired');
        n++;
      }
    if (n > 0) {
      deps.log.info({ expired: n }, 'WebSub leases ended');
      persistSoon();
    }
  };

  // ---- verification of intent (§5.3) ----------------------------------------------------------------
  const clampLease = (asked: number | undefined): number => {
    const { defaultSeconds, minSeconds, maxSeconds } = deps.config.lease;
    return Math.max(minSeconds, Math.min(maxSeconds, asked ?? defaultSeconds));
  };

  const deny = async (r: HubRequest, reason: string) => {
    counters.denied++;
    deps.onEvent?.({ kind: 'verification', outcome: 'denied' });
    deps.log.info({ callbackHost: hostOf(r.callback), topic: r.topic, reason }, 'WebSub subscription denied');
    // §5.2: the hub informs the subscriber by a GET with hub.mode=denied, hub.topic and hub.reason.
    const url = withParams(r.callback, { 'hub.mode': 'denied', 'hub.topic': r.topic, 'hub.reason': reason });
    await deps.limiter.run(hostOf(r.callback), () => send(url, { method: 'GET' }, deps.send));
  };

  const handle = async (r: HubRequest): Promise<void> => {
    const key = keyOf(r.callback, r.topic);
    const existing = subs.get(key);
    if (r.mode === 'subscribe') {
      if (topicOf(r.topic) === undefined) return deny(r, 'the topic is no longer published here');
      if (!existing && subs.size >= deps.config.maxSubscriptions) return deny(r, 'the hub has as many subscriptions as it takes');
    }
    const lease = clampLease(r.leaseSeconds);
    const challenge = randomBytes(24).toString('base64url');
    const url = withParams(r.callback, {
      'hub.mode': r.mode,
      'hub.topic': r.topic,
      'hub.challenge': challenge,
      ...(r.mode === 'subscribe' ? { 'hub.lease_seconds': String(lease) } : {}),
    });
    const answer = await deps.limiter.run(hostOf(r.callback), () => send(url, { method: 'GET', maxBody: 1024 }, deps.send));
    // §5.3.1: only a 2xx whose body is the challenge confirms; anything else is a refusal, and nothing changes.
    const confirmed = answer.kind === 'answered' && answer.status >= 200 && answer.status < 300 && answer.body.trim() === challenge;
    if (!confirmed) {
      counters.verificationFailed++;
      deps.onEvent?.({ kind: 'verification', outcome: 'failed', ms: answer.ms });
      deps.log.info(
        { callbackHost: hostOf(r.callback), topic: r.topic, mode: r.mode, answer: answer.kind === 'answered' ? `HTTP ${answer.status}` : answer.reason },
        'WebSub verification failed; subscriptions unchanged',
      );
      return;
    }
    counters.verified++;
    deps.onEvent?.({ kind: 'verification', outcome: 'verified', ms: answer.ms });
    const at = now();
    if (r.mode === 'unsubscribe') {
      if (existing) drop(key, 'unsubscribed');
    } else {
      // A new subscriber receives the changes after this moment; a renewal keeps its place.
      const delivered = existing?.delivered ?? documentOf(r.topic)?.etag;
      subs.set(key, {
        callback: r.callback,
        topic: r.topic,
        ...(r.secret ? { secret: r.secret } : {}),
        leaseSeconds: lease,
        verifiedAt: at.toISOString(),
        expiresAt: new Date(at.getTime() + lease * 1000).toISOString(),
        ...(delivered !== undefined ? { delivered } : {}),
      });
    }
    deps.log.info({ callbackHost: hostOf(r.callback), topic: r.topic, mode: r.mode, leaseSeconds: r.mode === 'subscribe' ? lease : undefined }, `WebSub ${r.mode} verified`);
    await persistNow();
  };

  /** One request at a time per (callback, topic), in arrival order; different pairs in parallel. */
  const enqueue = (r: HubRequest) => {
    const key = keyOf(r.callback, r.topic);
    const next = (chains.get(key) ?? Promise.resolve())
      .then(() => (closed ? undefined : handle(r)))
      .catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'WebSub request failed'));
    chains.set(key, next);
    void track(next).then(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  };

  const take = () => {
    if (closed) return;
    if (taking) {
      takeAgain = true;
      return;
    }
    taking = takeSpooled(deps.spoolDir)
      .then((reqs) => reqs.forEach(enqueue))
      .catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'could not read the WebSub spool'))
      .finally(() => {
        taking = undefined;
        if (takeAgain) {
          takeAgain = false;
          take();
        }
      });
    void track(taking);
  };

  // ---- content distribution (§7) ------------------------------------------------------------------------
  const deliveryOf = (key: string): Delivery => {
    let d = deliveries.get(key);
    if (!d) deliveries.set(key, (d = { attempts: 0, again: false, failures: 0 }));
    return d;
  };

  const deliver = (key: string) => {
    const d = deliveryOf(key);
    if (d.inFlight) {
      d.again = true;
      return;
    }
    if (d.timer) {
      clearTimeout(d.timer);
      d.timer = undefined;
    }
    d.inFlight = track(attempt(key, d)).finally(() => {
      d.inFlight = undefined;
      if (d.again && !closed) {
        d.again = false;
        deliver(key);
      }
    });
  };

  const attempt = async (key: string, d: Delivery): Promise<void> => {
    const s0 = subs.get(key);
    if (!s0) return;
    await deps.limiter.run(hostOf(s0.callback), async () => {
      const s = subs.get(key);
      if (!s || closed) return;
      if (expired(s)) {
        drop(key, 'expired');
        persistSoon();
        return;
      }
      // Always the newest document: a subscriber that missed one change gets the state after the next.
      const doc = documentOf(s.topic);
      if (!doc || doc.etag === s.delivered) return;
      // §7: the full document, the topic's own Content-Type, the Link header; the signature over exactly these bytes.
      const headers: Record<string, string> = { 'Content-Type': doc.contentType, Link: linkHeader(hub, s.topic) };
      if (s.secret) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', s.secret).update(doc.body).digest('hex')}`;
      const r = await send(s.callback, { method: 'POST', headers, body: doc.body, maxBody: 1024 }, deps.send);
      d.lastAttemptAt = now().toISOString();
      const current = subs.get(key);
      if (r.kind === 'answered' && r.status >= 200 && r.status < 300) {
        d.attempts = 0;
        d.lastOutcome = 'delivered';
        counters.delivered++;
        deps.onEvent?.({ kind: 'delivery', outcome: 'delivered', ms: r.ms });
        if (current) current.delivered = doc.etag;
        persistSoon();
        return;
      }
      if (r.kind === 'answered' && r.status === 410) {
        // §7: "If the subscriber returns an HTTP 410 Gone, the hub MAY terminate the subscription."
        counters.gone++;
        deps.onEvent?.({ kind: 'delivery', outcome: 'gone', ms: r.ms });
        deps.log.info({ callbackHost: hostOf(s.callback), topic: s.topic }, 'WebSub subscriber answered 410: subscription ended');
        drop(key, 'gone');
        await persistNow();
        return;
      }
      d.attempts++;
      d.failures++;
      d.lastOutcome = r.kind === 'answered' ? `HTTP ${r.status}` : r.reason;
      counters.deliveryFailed++;
      deps.onEvent?.({ kind: 'delivery', outcome: 'failed', ms: r.ms });
      if (d.attempts >= MAX_ATTEMPTS) {
        d.gaveUp = doc.etag;
        d.attempts = 0;
        deps.log.warn({ callbackHost: hostOf(s.callback), topic: s.topic, outcome: d.lastOutcome }, 'WebSub delivery failed; retried at the next change');
        return;
      }
      const delay = deps.config.retryBaseMs * 4 ** (d.attempts - 1);
      d.timer = setTimeout(() => {
        d.timer = undefined;
        deliver(key);
      }, delay);
    });
  };

  const changed = () => {
    if (closed) return;
    sweep();
    const docs = new Map<string, Prepared | undefined>();
    for (const [key, s] of subs) {
      if (!docs.has(s.topic)) docs.set(s.topic, documentOf(s.topic));
      const doc = docs.get(s.topic);
      if (!doc || doc.etag === s.delivered) continue;
      const d = deliveries.get(key);
      if (d?.gaveUp === doc.etag) continue;
      if (d) {
        d.gaveUp = undefined;
        d.attempts = 0;
      }
      deliver(key);
    }
    pinger.changed(track);
  };

  return {
    async start() {
      await mkdir(deps.dataDir, { recursive: true });
      const saved = await readState(file, deps.log, 'WebSub subscriptions');
      for (const s of saved?.subscriptions ?? []) if (typeof s.callback === 'string' && typeof s.topic === 'string') subs.set(keyOf(s.callback, s.topic), s);
      // Subscribers that were delivered nothing since a change before the restart get the newest document now.
      changed();
      take();
      pollTimer = setInterval(take, SPOOL_POLL_MS);
      pollTimer.unref();
      // Leases end, and a feed's bytes also change without a commit when a month closes (its stories move to an
      // archive): both are looked at every 30 s as well as after each commit.
      sweepTimer = setInterval(changed, SWEEP_MS);
      sweepTimer.unref();
    },
    kick: take,
    changed,
    status() {
      const subscribers: SubscriberStatus[] = [];
      let retrying = 0;
      for (const [k, d] of deliveries) if (d.timer && subs.has(k)) retrying++;
      for (const [k, s] of subs) {
        if (subscribers.length >= SUBSCRIBERS_SHOWN) break;
        const d = deliveries.get(k);
        // The callback URL is the subscriber's secret (it may carry a token): only its host is shown.
        subscribers.push({
          callbackHost: hostOf(s.callback),
          topic: s.topic,
          expiresAt: s.expiresAt,
          ...(d?.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt } : {}),
          ...(d?.lastOutcome ? { lastOutcome: d.lastOutcome } : {}),
          failures: d?.failures ?? 0,
        });
      }
      return { hub, subscriptions: subs.size, counters: { ...counters }, retrying, subscribers };
    },
    subscriptions: () => [...subs.values()],
    async idle() {
      while (outstanding.size > 0) await Promise.allSettled([...outstanding]);
    },
    async close() {
      closed = true;
      if (pollTimer) clearInterval(pollTimer);
      if (sweepTimer) clearInterval(sweepTimer);
      for (const d of deliveries.values()) if (d.timer) clearTimeout(d.timer);
      if (dirty) await persistNow();
      await writing;
    },
  };
}
