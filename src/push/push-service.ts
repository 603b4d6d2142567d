// The worker's push side in one piece: the WebSub hub (with PUBLIC_URL), the webhooks, their shared delivery
// limiter, metrics and status. main.ts starts it beside the schedule and tells it after every store write.
import type { Registry } from 'prom-client';
import type { Publication } from '../web/publication.js';
import type { Prepared } from '../web/prepared.js';
import { createHub, type Hub, type HubLog } from './hub.js';
import type { PushConfig } from './push-config.js';
import { createPushMetrics } from './push-metrics.js';
import { writePushStatus, type PushStatus } from './push-status.js';
import { HostLimiter } from './send.js';
import { spoolDir } from './spool.js';
import type { Topic } from './topics.js';
import { createWebhooks, type Webhooks } from './webhooks.js';

export interface PushServiceDeps {
  dataDir: string;
  publicUrl?: string;
  config: PushConfig;
  allowHosts: readonly string[];
  userAgent: string;
  defaultLimit: number;
  /** The documents as the feeds serve them (a createApp instance: in `start` the one that serves). */
  publication: () => Publication;
  feedDocument: (path: string, query: string) => Prepared | undefined;
  log: HubLog;
  registry?: Registry;
  /** Leave the status in DATA_DIR for the web instances (PM2 layout). */
  shareStatus: boolean;
  /** After deliveries settle (throttled): e.g. rewrite the worker's metrics file. */
  onActivity?: () => void;
  now?: () => Date;
  /** RETENTION_DAYS, so that pruning is not reported as withdrawal. */
  retentionDays?: number;
}

export interface PushService {
  start(): Promise<void>;
  /** The store changed (after each write). */
  changed(): void;
  /** A request was spooled in this process. */
  kick(): void;
  status(): PushStatus;
  hub?: Hub;
  webhooks: Webhooks;
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function createPushService(deps: PushServiceDeps): PushService {
  const limiter = new HostLimiter(deps.config.hostConcurrency, deps.config.concurrency);
  const sendPolicy = { allowHosts: deps.allowHosts, timeoutMs: deps.config.timeoutMs, userAgent: deps.userAgent };
  let hub: Hub | undefined;
  let webhooks: Webhooks;
  let shareTimer: NodeJS.Timeout | undefined;
  let keysOf: Publication | undefined;
  let keys: ReadonlySet<string> = new Set();
  const metrics = deps.registry
    ? createPushMetrics(deps.registry, {
        subscriptions: () => hub?.subscriptions().length ?? 0,
        webhookPending: () => Object.fromEntries(webhooks.status().map((w) => [w.id, w.pending])),
      })
    : undefined;
  const status = (): PushStatus => ({ ...(hub ? { websub: hub.status() } : {}), webhooks: webhooks.status() });
  const activity = () => {
    if (shareTimer) return;
    shareTimer = setTimeout(() => {
      shareTimer = undefined;
      if (deps.shareStatus) void writePushStatus(deps.dataDir, status()).catch((e: unknown) => deps.log.warn({ err: (e as Error).message }, 'could not write the push status file'));
      deps.onActivity?.();
    }, 1000);
  };
  if (deps.publicUrl !== undefined) {
    hub = createHub({
      dataDir: deps.dataDir,
      spoolDir: spoolDir(deps.dataDir),
      publicUrl: deps.publicUrl,
      config: deps.config,
      send: sendPolicy,
      limiter,
      topicDocument: (t: Topic) => deps.feedDocument(t.path, t.query),
      knownKeys: () => {
        // Looked up for every delivery: one set per publication (i.e. per store version), not per call.
        const pub = deps.publication();
        if (pub !== keysOf) {
          keysOf = pub;
          keys = new Set(pub.lists.keys());
        }
        return keys;
      },
      defaultLimit: deps.defaultLimit,
      log: deps.log,
      ...(deps.now ? { now: deps.now } : {}),
      onEvent: (e) => {
        if (e.kind === 'verification') metrics?.verification(e.outcome);
        else metrics?.delivery(e.kind === 'ping' ? 'ping' : 'websub', e.outcome, e.ms);
        activity();
      },
    });
  }
  webhooks = createWebhooks({
    dataDir: deps.dataDir,
    ...(deps.retentionDays !== undefined ? { retentionDays: deps.retentionDays } : {}),
    config: deps.config,
    send: sendPolicy,
    limiter,
    log: deps.log,
    ...(deps.now ? { now: deps.now } : {}),
    onEvent: (e) => {
      metrics?.webhook(e.hook, e.outcome, e.ms);
      activity();
    },
  });
  return {
    hub,
    webhooks,
    async start() {
      await hub?.start();
      await webhooks.start(deps.publication);
      activity();
    },
    changed() {
      hub?.changed();
      webhooks.changed(deps.publication);
      activity();
    },
    kick: () => hub?.kick(),
    status,
    async idle() {
      await Promise.all([hub?.idle(), webhooks.idle()]);
    },
    async close() {
      if (shareTimer) clearTimeout(shareTimer);
      await Promise.all([hub?.close(), webhooks.close()]);
    },
  };
}
