// Outgoing webhooks for saved searches (feeds/webhooks/<id>.json), run by the worker: after each store change the
// published stories a hook's filters match are compared with the last ones seen, each new, edited or withdrawn
// story becomes an event, and events go out signed, retried with back-off, at least once, from an outbox kept
// durably in DATA_DIR/webhooks.json (written before anything is sent).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Story } from '../model.js';
import { renderJsonItem } from '../publish/render-feed.js';
import { selectStories } from '../publish/select-stories.js';
import { DurableJsonFile } from '../store/durable-file.js';
import { feedMeta, type Publication } from '../web/publication.js';
import type { PushConfig, WebhookConfig, WebhookEvent } from './push-config.js';
import { deliveryId, digestMessage, signatureHeaders, singleMessage, type EventPayload } from './webhook-payload.js';
import { send, type HostLimiter, type SendPolicy } from './send.js';
import type { HubLog } from './hub.js';
import { readState } from './read-state.js';

interface Outgoing {
  delivery_id: string;
  event: WebhookEvent | 'digest';
  body: string;
  queuedAt: string;
  attempts: number;
  nextAttemptAt?: string;
}

interface HookState {
  /** Story id → [updated, title, published] of every published story the filters matched at the last change. */
  matched: Record<string, [string, string, string?]>;
  outbox: Outgoing[];
  /** Digest mode: events waiting for the end of the interval that began with the first of them. */
  digest: EventPayload[];
  digestDueAt?: string;
}

interface WebhooksFile {
  version: 1;
  hooks: Record<string, HookState>;
}

export interface WebhookStatus {
  id: string;
  /** The URL is a secret (it often carries a token): only its host is shown. */
  callbackHost: string;
  digestSeconds?: number;
  delivered: number;
  failed: number;
  dropped: number;
  pending: number;
  lastAttemptAt?: string;
  lastOutcome?: string;
}

export interface Webhooks {
  /** `pub` is asked for only when a webhook is configured: rendering is not free in the worker. */
  start(pub: () => Publication): Promise<void>;
  changed(pub: () => Publication): void;
  status(): WebhookStatus[];
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface WebhookDeps {
  dataDir: string;
  config: PushConfig;
  send: SendPolicy;
  limiter: HostLimiter;
  log: HubLog;
  now?: () => Date;
  /** RETENTION_DAYS: stories older than this leave the published list by pruning, which is no withdrawal. */
  retentionDays?: number;
  onEvent?: (e: { hook: string; outcome: 'delivered' | 'failed' | 'dropped'; ms?: number }) => void;
}

/** Attempts per message: 10 s, 40 s, 2.7 min, 11 min, 43 min, 2.8 h, 11 h with the default base (~15 h in all). */
const MAX_ATTEMPTS = 8;
/** Messages a hook may have waiting; past it the oldest are dropped (counted, logged). */
const MAX_OUTBOX = 10_000;
const TICK_MS = 1000;

const hostOf = (url: string) => new URL(url).host;

export function createWebhooks(deps: WebhookDeps): Webhooks {
  const now = () => deps.now?.() ?? new Date();
  const hooks = deps.config.webhooks;
  const file = new DurableJsonFile<WebhooksFile>(path.join(deps.dataDir, 'webhooks.json'), 'replace');
  let state: WebhooksFile = { version: 1, hooks: {} };
  const stats = new Map<string, { delivered: number; failed: number; dropped: number; lastAttemptAt?: string; lastOutcome?: string }>();
  const sending = new Map<string, Promise<void>>();
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const statOf = (id: string) => {
    let s = stats.get(id);
    if (!s) stats.set(id, (s = { delivered: 0, failed: 0, dropped: 0 }));
    return s;
  };

  const persist = (): Promise<void> => {
    const snapshot = state;
    writing = writing.then(() => file.write(snapshot)).catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'could not write the webhooks outbox'));
    return writing;
  };

  const matchedNow = (hook: WebhookConfig, pub: Publication): Map<string, Story> => {
    const list = pub.lists.get(hook.agency) ?? [];
    const chosen = hook.q !== undefined || hook.category !== undefined
      ? selectStories(list, { limit: Number.MAX_SAFE_INTEGER, ...(hook.q !== undefined ? { q: hook.q } : {}), ...(hook.category !== undefined ? { category: hook.category } : {}) }, pub.agencyById)
      : list;
    return new Map(chosen.map((s) => [s.id, s]));
  };

  const snapshotOf = (m: Map<string, Story>): Record<string, [string, string, string?]> => {
    const out: Record<string, [string, string, string?]> = {};
    // The title only names a withdrawn story in its event: a bounded prefix is enough.
    for (const [id, s] of m) out[id] = [s.updated, s.title.slice(0, 300), s.published];
    return out;
  };

  const enqueue = (hook: WebhookConfig, st: HookState, message: ReturnType<typeof singleMessage>) => {
    st.outbox.push({ delivery_id: message.delivery_id, event: message.event, body: JSON.stringify(message), queuedAt: now().toISOString(), attempts: 0 });
    if (st.outbox.length > MAX_OUTBOX) {
      const n = st.outbox.length - MAX_OUTBOX;
      st.outbox.splice(0, n);
      statOf(hook.id).dropped += n;
      deps.onEvent?.({ hook: hook.id, outcome: 'dropped' });
      deps.log.warn({ webhook: hook.id, dropped: n }, 'webhook outbox full: oldest messages dropped');
    }
  };

  const diff = (pub: Publication): boolean => {
    const at = now();
    let any = false;
    let published: Set<string> | undefined;
    const pruneCutoff = deps.retentionDays !== undefined ? new Date(at.getTime() - deps.retentionDays * 86_400_000).toISOString() : undefined;
    for (const hook of hooks) {
      const st = state.hooks[hook.id];
      const current = matchedNow(hook, pub);
      if (!st) {
        // A new hook starts from what is published now: it reports changes, not the back catalogue.
        state.hooks[hook.id] = { matched: snapshotOf(current), outbox: [], digest: [] };
        any = true;
        continue;
      }
      const events: EventPayload[] = [];
      let differs = false;
      const meta = feedMeta(hook.agency, pub.agencies, pub.baseUrl, pub.opts);
      const item = (s: Story) => renderJsonItem(meta, s);
      for (const [id, s] of current) {
        const before = st.matched[id];
        const event: WebhookEvent | undefined = before === undefined ? 'story.created' : before[0] !== s.updated ? 'story.updated' : undefined;
        if (event === undefined) continue;
        differs = true;
        if (hook.events.includes(event)) events.push({ delivery_id: deliveryId(hook.id, event, id, s.updated), event, occurred_at: at.toISOString(), story: item(s) });
      }
      for (const [id, [updated, title, publishedAt]] of Object.entries(st.matched)) {
        if (current.has(id)) continue;
        differs = true;
        // Gone from the published stories altogether (not merely edited out of the filter): withdrawn. Unless
        // RETENTION_DAYS pruned it: a story published before the cutoff left because it is old.
        published ??= new Set(pub.sorted.map((s) => s.id));
        if (published.has(id) || !hook.events.includes('story.withdrawn')) continue;
        if (pruneCutoff !== undefined && publishedAt !== undefined && publishedAt < pruneCutoff) continue;
        events.push({ delivery_id: deliveryId(hook.id, 'story.withdrawn', id, updated), event: 'story.withdrawn', occurred_at: at.toISOString(), story: { id, title, _pressroom: { withdrawn: true } } });
      }
      if (!differs) continue;
      const snap = snapshotOf(current);
      st.matched = snap;
      any = true;
      if (hook.digestSeconds !== undefined) {
        if (events.length > 0 && st.digest.length === 0) st.digestDueAt = new Date(at.getTime() + hook.digestSeconds * 1000).toISOString();
        st.digest.push(...events);
      } else for (const e of events) enqueue(hook, st, singleMessage(hook.id, e));
    }
    return any;
  };

  /** Digests whose interval ended become one message each. */
  const closeDigests = (): boolean => {
    let any = false;
    const at = now();
    for (const hook of hooks) {
      const st = state.hooks[hook.id];
      if (!st || st.digest.length === 0 || !st.digestDueAt || Date.parse(st.digestDueAt) > at.getTime()) continue;
      enqueue(hook, st, digestMessage(hook.id, st.digest, at));
      st.digest = [];
      delete st.digestDueAt;
      any = true;
    }
    return any;
  };

  /** One message at a time per hook, oldest first, so a receiver sees a story's events in order. */
  const pump = () => {
    if (closed) return;
    for (const hook of hooks) {
      if (sending.has(hook.id)) continue;
      const st = state.hooks[hook.id];
      const head = st?.outbox[0];
      if (!st || !head) continue;
      if (head.nextAttemptAt && Date.parse(head.nextAttemptAt) > now().getTime()) continue;
      const p = deliverHead(hook, st, head).finally(() => {
        sending.delete(hook.id);
        pump();
      });
      sending.set(hook.id, p);
    }
  };

  const deliverHead = async (hook: WebhookConfig, st: HookState, msg: Outgoing): Promise<void> => {
    const body = Buffer.from(msg.body, 'utf8');
    const r = await deps.limiter.run(hostOf(hook.url), () =>
      send(
        hook.url,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Pressroom-Event': msg.event,
            'X-Pressroom-Delivery': msg.delivery_id,
            ...signatureHeaders(hook.secret, msg.body, now()),
          },
          body,
          maxBody: 1024,
        },
        deps.send,
      ),
    );
    const s = statOf(hook.id);
    s.lastAttemptAt = now().toISOString();
    msg.attempts++;
    if (r.kind === 'answered' && r.status >= 200 && r.status < 300) {
      s.delivered++;
      s.lastOutcome = 'delivered';
      deps.onEvent?.({ hook: hook.id, outcome: 'delivered', ms: r.ms });
      st.outbox.splice(st.outbox.indexOf(msg), 1);
      await persist();
      return;
    }
    s.failed++;
    s.lastOutcome = r.kind === 'answered' ? `HTTP ${r.status}` : r.reason;
    deps.onEvent?.({ hook: hook.id, outcome: 'failed', ms: r.ms });
    if (msg.attempts >= MAX_ATTEMPTS) {
      st.outbox.splice(st.outbox.indexOf(msg), 1);
      s.dropped++;
      deps.onEvent?.({ hook: hook.id, outcome: 'dropped' });
      deps.log.warn({ webhook: hook.id, delivery: msg.delivery_id, outcome: s.lastOutcome }, `webhook message given up after ${MAX_ATTEMPTS} attempts`);
    } else {
      msg.nextAttemptAt = new Date(now().getTime() + deps.config.retryBaseMs * 4 ** (msg.attempts - 1)).toISOString();
    }
    await persist();
  };

  const tick = () => {
    if (closed) return;
    if (closeDigests()) void persist().then(pump);
    else pump();
  };

  return {
    async start(pub) {
      if (hooks.length === 0) return;
      await mkdir(deps.dataDir, { recursive: true });
      const saved = await readState(file, deps.log, 'webhooks outbox');
      if (saved?.version === 1) state = saved;
      // Hooks no longer configured are forgotten; new ones start from what is published now.
      const ids = new Set(hooks.map((h) => h.id));
      for (const id of Object.keys(state.hooks)) if (!ids.has(id)) delete state.hooks[id];
      diff(pub());
      await persist();
      pump();
      timer = setInterval(tick, TICK_MS);
      timer.unref();
    },
    changed(pub) {
      if (hooks.length === 0 || closed) return;
      // The outbox is on disk before anything in it is sent: a crash after this sends it after the restart.
      if (diff(pub())) void persist().then(pump);
    },
    status() {
      return hooks.map((h) => {
        const s = statOf(h.id);
        const st = state.hooks[h.id];
        return {
          id: h.id,
          callbackHost: hostOf(h.url),
          ...(h.digestSeconds !== undefined ? { digestSeconds: h.digestSeconds } : {}),
          delivered: s.delivered,
          failed: s.failed,
          dropped: s.dropped,
          pending: (st?.outbox.length ?? 0) + (st?.digest.length ?? 0),
          ...(s.lastAttemptAt ? { lastAttemptAt: s.lastAttemptAt } : {}),
          ...(s.lastOutcome ? { lastOutcome: s.lastOutcome } : {}),
        };
      });
    },
    async idle() {
      while (sending.size > 0) await Promise.allSettled([...sending.values()]);
      await writing;
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await Promise.allSettled([...sending.values()]);
      await writing;
    },
  };
}
