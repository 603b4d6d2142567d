// The WebSub hub's and the webhooks' settings: environment keys and feeds/webhooks/<id>.json, validated once.
// Called by config.ts with the environment it was given (config.ts stays the only reader of process.env).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseFeedQuery } from '../web/feed-query.js';

export type WebhookEvent = 'story.created' | 'story.updated' | 'story.withdrawn';
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = ['story.created', 'story.updated', 'story.withdrawn'];

export interface WebhookConfig {
  /** The file's name: `feeds/webhooks/<id>.json`. Shown on /status and in metrics (the URL never is). */
  id: string;
  url: string;
  /** The HMAC key, resolved from the environment variable the file names (`"secret": "env:HOOK_SECRET"`). */
  secret: string;
  /** 'all' or an agency id: which feed's stories the filters apply to. */
  agency: string;
  q?: string;
  category?: string;
  events: WebhookEvent[];
  /** Digest mode: one message per interval holding every event of it, instead of one per event. */
  digestSeconds?: number;
}

export interface PushConfig {
  /** `hub.lease_seconds` when a subscriber asks for none, and the bounds any request is clamped to. */
  lease: { defaultSeconds: number; minSeconds: number; maxSeconds: number };
  /** Active and pending subscriptions the hub keeps; past it a subscribe request is denied. */
  maxSubscriptions: number;
  /** Subscription requests per client address per minute, per web process (WEBSUB_RATE_PER_MINUTE). */
  ratePerMinute: number;
  /** One verification or delivery request: connect, headers and body (PUSH_TIMEOUT_MS). */
  timeoutMs: number;
  /** Requests in flight to one callback host (host:port), and in all. */
  hostConcurrency: number;
  concurrency: number;
  /** First retry after this; each next one four times later (PUSH_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** External hubs told `hub.mode=publish` after a change (WEBSUB_PING_HUBS). */
  pingHubs: string[];
  webhooks: WebhookConfig[];
}

export class PushConfigError extends Error {
  constructor(
    readonly where: string,
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${where}: ${key}: ${problem}`);
  }
}

type Env = Record<string, string | undefined>;
type IntVar = (env: Env, name: string, def: number, min: number, max: number) => number;

const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}, 'not an absolute http(s) URL without credentials');

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const webhookFile = z.strictObject({
  url: httpUrl,
  // Secrets stay out of feeds/ (which is often committed): the file names an environment variable.
  secret: z.string().regex(/^env:[A-Za-z_][A-Za-z0-9_]*$/, 'must be "env:NAME", naming an environment variable that holds the secret'),
  agency: z.string().regex(/^(all|[a-z0-9]+(?:-[a-z0-9]+)*)$/, 'must be "all" or an agency id').default('all'),
  q: z.string().optional(),
  category: z.string().optional(),
  events: z.array(z.enum(WEBHOOK_EVENTS as [WebhookEvent, ...WebhookEvent[]])).min(1, 'must name at least one event').default([...WEBHOOK_EVENTS]),
  digest: z.strictObject({ intervalSeconds: z.number().int().min(10).max(7 * 86_400) }).optional(),
});

function keyOf(issuePath: readonly PropertyKey[]): string {
  let out = '';
  for (const p of issuePath) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(file)';
}

/** Reads feeds/webhooks/*.json (the folder is optional); throws PushConfigError on the first problem. */
export function loadWebhooks(dir: string, env: Env, displayDir = dir): WebhookConfig[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PushConfigError(displayDir, '(dir)', `cannot read webhooks folder: ${(e as Error).message}`);
  }
  const out: WebhookConfig[] = [];
  for (const name of names) {
    const where = path.join(displayDir, name);
    const id = name.slice(0, -'.json'.length);
    if (!idPattern.test(id)) throw new PushConfigError(where, 'id', `file name "${id}" is not a valid id (lowercase kebab-case)`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
    } catch (e) {
      throw new PushConfigError(where, '(file)', `not valid JSON: ${(e as Error).message}`);
    }
    const r = webhookFile.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      if (issue.code === 'unrecognized_keys') throw new PushConfigError(where, issue.keys[0]!, 'unknown key');
      throw new PushConfigError(where, keyOf(issue.path), issue.message);
    }
    const f = r.data;
    const variable = f.secret.slice('env:'.length);
    const secret = env[variable];
    if (secret === undefined || secret === '') throw new PushConfigError(where, 'secret', `environment variable ${variable} is not set`);
    // The filters are read exactly as a feed's query string is: the same rules, the same errors.
    const params = new URLSearchParams();
    if (f.q !== undefined) params.set('q', f.q);
    if (f.category !== undefined) params.set('category', f.category);
    const parsed = parseFeedQuery(params.toString(), 50);
    if (!parsed.ok) throw new PushConfigError(where, parsed.param, parsed.message);
    out.push({
      id,
      url: f.url,
      secret,
      agency: f.agency,
      ...(parsed.query.q !== undefined ? { q: parsed.query.q } : {}),
      ...(parsed.query.category !== undefined ? { category: parsed.query.category } : {}),
      events: [...new Set(f.events)],
      ...(f.digest ? { digestSeconds: f.digest.intervalSeconds } : {}),
    });
  }
  return out;
}

export const PUSH_DEFAULTS: Omit<PushConfig, 'webhooks' | 'pingHubs'> = {
  lease: { defaultSeconds: 10 * 86_400, minSeconds: 300, maxSeconds: 30 * 86_400 },
  maxSubscriptions: 10_000,
  ratePerMinute: 30,
  timeoutMs: 10_000,
  hostConcurrency: 2,
  concurrency: 16,
  retryBaseMs: 10_000,
};

export function loadPushConfig(env: Env, intVar: IntVar, feedsDir: string, publicUrl: string | undefined, displayFeedsDir = feedsDir): PushConfig {
  const d = PUSH_DEFAULTS;
  const maxSeconds = intVar(env, 'WEBSUB_LEASE_MAX_SECONDS', d.lease.maxSeconds, 1, 365 * 86_400);
  const minSeconds = intVar(env, 'WEBSUB_LEASE_MIN_SECONDS', Math.min(d.lease.minSeconds, maxSeconds), 1, maxSeconds);
  const defaultSeconds = intVar(env, 'WEBSUB_LEASE_SECONDS', Math.max(minSeconds, Math.min(d.lease.defaultSeconds, maxSeconds)), minSeconds, maxSeconds);
  const pingHubs = (env.WEBSUB_PING_HUBS ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const h of pingHubs) if (!httpUrl.safeParse(h).success) throw new PushConfigError('environment', 'WEBSUB_PING_HUBS', `"${h}" is not an absolute http(s) URL`);
  // A ping names a topic by its absolute URL, which only PUBLIC_URL fixes.
  if (pingHubs.length > 0 && publicUrl === undefined) throw new PushConfigError('environment', 'WEBSUB_PING_HUBS', 'needs PUBLIC_URL (topics are absolute URLs on one origin)');
  return {
    lease: { defaultSeconds, minSeconds, maxSeconds },
    maxSubscriptions: intVar(env, 'WEBSUB_MAX_SUBSCRIPTIONS', d.maxSubscriptions, 1, 1_000_000),
    ratePerMinute: intVar(env, 'WEBSUB_RATE_PER_MINUTE', d.ratePerMinute, 1, 100_000),
    timeoutMs: intVar(env, 'PUSH_TIMEOUT_MS', d.timeoutMs, 100, 120_000),
    hostConcurrency: intVar(env, 'PUSH_HOST_CONCURRENCY', d.hostConcurrency, 1, 64),
    concurrency: intVar(env, 'PUSH_CONCURRENCY', d.concurrency, 1, 1024),
    retryBaseMs: intVar(env, 'PUSH_RETRY_BASE_MS', d.retryBaseMs, 10, 3_600_000),
    pingHubs,
    webhooks: loadWebhooks(path.join(feedsDir, 'webhooks'), env, path.join(displayFeedsDir, 'webhooks')),
  };
}
