// Environment + feeds/agencies/*.json → one typed, validated Config. The only reader of process.env.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { validate as validateCron } from 'node-cron';
import { parseHTML } from 'linkedom';
import { z } from 'zod';
import type { Agency } from './model.js';
import { parseAllowEntry } from './sources/address-class.js';
import { RESERVED_IDS } from './stories/agencies.js';
import { trustEntryProblem, type TrustProxy } from './web/trust-proxy.js';
import { loadPushConfig, PushConfigError, type PushConfig } from './push/push-config.js';

export const DEFAULT_FEED_SCHEDULE = '*/15 * * * *';
export const DEFAULT_BULLETIN_SCHEDULE = '*/5 * * * *';

export interface Config {
  port: number;
  host?: string;
  feedsDir: string;
  dataDir: string;
  bulletinsDir: string;
  /** Absolute base for self and story links, no trailing slash; undefined → taken from each request's Host. */
  publicUrl?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bulletinSchedule: string;
  /** Stories older than this many days are pruned (never one still listed in its feed); undefined keeps all. */
  retentionDays?: number;
  fetch: { timeoutMs: number; maxBytes: number; maxRedirects: number; concurrency: number; allowHosts?: string[] };
  /** Parsing and normalising, on worker threads: the wall-clock budget of one source, and how many threads. */
  parse: { budgetMs: number; threads: number };
  agencies: Agency[];
  /** Whose X-Forwarded-Proto / X-Forwarded-Host decide the base URL when PUBLIC_URL is unset (TRUST_PROXY). */
  trustProxy?: TrustProxy;
  /** Fetching a story's page when all we hold is a teaser (FULLTEXT_DEFAULTS when absent): see worker/fulltext.ts. */
  fulltext?: FulltextConfig;
  /**
   * Where /metrics and /status/detail are served (main.ts): a listener of their own (OPERATOR_PORT on
   * OPERATOR_HOST, 127.0.0.1 by default) and/or the public port for requests bearing OPERATOR_TOKEN.
   */
  operator?: { port?: number; host: string; token?: string };
  /** How long the HTTP server waits on a client (HTTP_DEFAULTS when absent): see startWeb in main.ts. */
  http?: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; idleTimeoutMs: number };
  /** The WebSub hub and the webhooks (src/push/push-config.ts); absent in hand-built configs: no push at all. */
  push?: PushConfig;
  /** The drop folder's watcher, deletions and HTTP intake (BULLETIN_INTAKE_DEFAULTS when absent): see worker/watch-bulletins.ts. */
  intake?: IntakeConfig;
}

export interface IntakeConfig {
  /** A bulletin is read once its size and modification time have not changed for this long (BULLETIN_SETTLE_MS). */
  settleMs: number;
  /** A bulletin file gone for this long is a deletion, and its bulletin-only stories are withdrawn (BULLETIN_DELETE_GRACE_MS). */
  deleteGraceMs: number;
  /** `POST /bulletins` exists only with a token (BULLETIN_TOKEN): `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest body `POST /bulletins` accepts (BULLETIN_MAX_BYTES); past it, 413. */
  maxBytes: number;
}

export const BULLETIN_INTAKE_DEFAULTS: IntakeConfig = { settleMs: 1000, deleteGraceMs: 60_000, maxBytes: 1024 * 1024 };

export interface FulltextConfig {
  /** Page fetches per ingest run, all agencies together (FULLTEXT_MAX_PER_RUN); 0 turns the feature off. */
  maxPerRun: number;
  /** A complete text shorter than this many characters is treated as a teaser (FULLTEXT_MIN_CHARS). */
  minChars: number;
  /** Stories published longer ago than this are left alone, unless `pressroom fulltext --backfill` (FULLTEXT_MAX_AGE_DAYS). */
  maxAgeDays: number;
  /** Largest page accepted, in bytes (FULLTEXT_MAX_BYTES): the DOM costs many times the page. */
  maxBytes: number;
  /** Failed or refused attempts per story before it is left a teaser for good. */
  maxAttempts: number;
}

export const FULLTEXT_DEFAULTS: FulltextConfig = { maxPerRun: 10, minChars: 600, maxAgeDays: 14, maxBytes: 2 * 1024 * 1024, maxAttempts: 4 };

/** A configuration problem: one line naming the file (or variable), the key and the problem. */
export class ConfigError extends Error {
  constructor(
    readonly where: string,
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${where}: ${key}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'not an absolute http(s) URL');

const cronExpr = z.string().refine((s) => validateCron(s), 'not a valid cron expression');

/** A selector the DOM accepts (linkedom, the one the extractor uses), checked once at start-up. */
const isSelector = (s: string): boolean => {
  try {
    parseHTML('<!DOCTYPE html><html><body></body></html>').document.querySelector(s);
    return true;
  } catch {
    return false;
  }
};

/** `false` turns page fetching off for the agency; a selector names its article body (the extractor's guess otherwise). */
const fulltextKey = z.union([
  z.literal(false),
  z.strictObject({ selector: z.string().trim().min(1, 'must not be empty').refine(isSelector, 'not a valid CSS selector') }),
], { error: 'must be false or { "selector": "<css>" }' });

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** An HTTP header name (RFC 9110 §5.1 token) that a feed config may set; the client's own headers are not its to set. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'accept-encoding', 'if-none-match', 'if-modified-since', 'upgrade', 'te', 'trailer', 'keep-alive', 'proxy-connection']);
const feedHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'not a valid header name' });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: 'set by Pressroom itself' });
    // "env:NAME" is read from the environment at start-up; anything else is sent as written.
    else if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: 'must not contain line breaks' });
  }
});

const agencyFile = z.strictObject({
  id: z.string().regex(idPattern, 'must be lowercase kebab-case (a-z, 0-9, -)').optional(),
  name: z.string().trim().min(1, 'must not be empty'),
  homepage: httpUrl.optional(),
  aliases: z.array(z.string().trim().min(1, 'must not be empty')).default([]),
  timezone: z.string().refine(isTimeZone, 'not a known IANA time zone').default('UTC'),
  feeds: z
    .array(
      z.strictObject({
        url: httpUrl,
        schedule: cronExpr.default(DEFAULT_FEED_SCHEDULE),
        headers: feedHeaders.optional(),
      }),
    )
    .default([]),
  fulltext: fulltextKey.optional(),
});

/**
 * What the read-only web tier needs of an agency file: its id, name and homepage, and its feeds' URLs and schedules
 * (for Cache-Control). Any other key, or a bad value of one it does not need, is the worker's business: a typo
 * there must not take the site down (the worker keeps its last good config and says so).
 */
const agencyFileForWeb = z.object({
  id: z.string().regex(idPattern, 'must be lowercase kebab-case (a-z, 0-9, -)').optional(),
  name: z.string().trim().min(1, 'must not be empty'),
  homepage: httpUrl.optional().catch(undefined),
  aliases: z.array(z.string()).catch([]).default([]),
  timezone: z.string().catch('UTC').default('UTC'),
  feeds: z.array(z.object({ url: z.string(), schedule: cronExpr.catch(DEFAULT_FEED_SCHEDULE).default(DEFAULT_FEED_SCHEDULE) })).catch([]).default([]),
});

/** The path of the first zod issue as `feeds[0].schedule`. */
function keyOf(issuePath: readonly PropertyKey[]): string {
  let out = '';
  for (const p of issuePath) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(file)';
}

function firstIssue(err: z.ZodError): { key: string; problem: string } {
  const issue = err.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const base = keyOf(issue.path);
    const k = issue.keys[0]!;
    return { key: base === '(file)' ? k : `${base}.${k}`, problem: 'unknown key' };
  }
  return { key: keyOf(issue.path), problem: issue.message };
}

/** One agency file as read from feeds/agencies/ (or as kept in the last good config). */
export interface AgencyFileText {
  name: string;
  text: string;
}

/** The `*.json` files of the agencies folder, sorted by name; ConfigError when the folder cannot be read. */
export function readAgencyFiles(agenciesDir: string, displayDir = agenciesDir): AgencyFileText[] {
  let names: string[];
  try {
    names = readdirSync(agenciesDir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new ConfigError(displayDir, '(dir)', `cannot read agencies folder: ${(e as Error).message}`);
  }
  return names.map((name) => {
    try {
      return { name, text: readFileSync(path.join(agenciesDir, name), 'utf8') };
    } catch (e) {
      throw new ConfigError(path.join(displayDir, name), '(file)', `cannot read: ${(e as Error).message}`);
    }
  });
}

/** `"env:NAME"` header values resolved from the environment; ConfigError naming the key when one is unset. */
function resolveHeaders(headers: Record<string, string> | undefined, env: Env, where: string, key: string): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const ref = /^env:(.*)$/.exec(value);
    if (!ref) {
      out[name] = value;
      continue;
    }
    const v = env[ref[1]!];
    if (v === undefined || v === '') throw new ConfigError(where, `${key}.${name}`, `environment variable ${ref[1]} is not set`);
    if (/[\r\n\0]/.test(v)) throw new ConfigError(where, `${key}.${name}`, `environment variable ${ref[1]} contains a line break`);
    out[name] = v;
  }
  return out;
}

/**
 * Reads and validates every agency file; throws ConfigError on the first problem. `scope: 'web'` checks only
 * what the web tier uses (agencyFileForWeb) and resolves no header from the environment.
 */
export function loadAgencies(agenciesDir: string, displayDir = agenciesDir, env: Env = {}, files?: readonly AgencyFileText[], scope: ConfigScope = 'all'): Agency[] {
  const agencies: Agency[] = [];
  const claimed = new Map<string, string>(); // lowercased id/name/alias → file that claims it
  for (const { name, text } of files ?? readAgencyFiles(agenciesDir, displayDir)) {
    const where = path.join(displayDir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(where, '(file)', `not valid JSON: ${(e as Error).message}`);
    }
    const parsed = (scope === 'web' ? agencyFileForWeb : agencyFile).safeParse(raw);
    if (!parsed.success) {
      const { key, problem } = firstIssue(parsed.error);
      throw new ConfigError(where, key, problem);
    }
    const data = parsed.data as z.infer<typeof agencyFile>;
    const stem = name.slice(0, -'.json'.length);
    const id = data.id ?? stem;
    if (data.id === undefined && !idPattern.test(stem))
      throw new ConfigError(where, 'id', `file name "${stem}" is not a valid id; name the file <id>.json`);
    if (id !== stem) throw new ConfigError(where, 'id', `"${id}" does not match the file name ${stem}.json`);
    if (RESERVED_IDS.has(id)) throw new ConfigError(where, 'id', `"${id}" is reserved (it names a feed of its own)`);
    const seenUrls = new Set<string>();
    data.feeds.forEach((f, i) => {
      if (scope !== 'web' && seenUrls.has(f.url)) throw new ConfigError(where, `feeds[${i}].url`, `duplicate feed URL ${f.url}`);
      seenUrls.add(f.url);
    });
    for (const [key, value] of [['id', id], ['name', data.name], ...data.aliases.map((a, i) => [`aliases[${i}]`, a])] as const) {
      const k = value.toLowerCase();
      const owner = claimed.get(k);
      if (scope !== 'web' && owner !== undefined && owner !== where)
        throw new ConfigError(where, key, `duplicate: "${value}" is already used by ${owner}`);
      claimed.set(k, where);
    }
    agencies.push({
      id,
      name: data.name,
      ...(data.homepage ? { homepage: data.homepage } : {}),
      aliases: data.aliases,
      timezone: data.timezone,
      feeds: data.feeds.map((f, i) => {
        const headers = scope === 'web' ? undefined : resolveHeaders(f.headers, env, where, `feeds[${i}].headers`);
        return { url: f.url, schedule: f.schedule, ...(headers ? { headers } : {}) };
      }),
      ...(data.fulltext !== undefined ? { fulltext: data.fulltext } : {}),
      configured: true,
    });
  }
  return agencies;
}

/** `all`: everything (the worker, `start`, check-config). `web`: only what the read-only web tier uses. */
export type ConfigScope = 'all' | 'web';

type Env = Record<string, string | undefined>;

export function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError('environment', name, `"${v}" is not a whole number`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new ConfigError('environment', name, `${n} is outside ${min}–${max}`);
  return n;
}

/**
 * FETCH_ALLOW_HOSTS: hosts a feed or its redirects may reach in private address space (the SSRF guard refuses
 * them otherwise), comma-separated host names, IP addresses or CIDR ranges. Empty by default.
 */
const allowHostsVar = z
  .string()
  .transform((v) => v.split(',').map((e) => e.trim()).filter((e) => e !== ''))
  .pipe(z.array(z.string().refine((e) => parseAllowEntry(e) !== undefined, { error: (i) => `"${String(i.input)}" is not a host name, IP address or CIDR range` })));

function allowHosts(env: Env): string[] {
  const r = allowHostsVar.safeParse(env.FETCH_ALLOW_HOSTS ?? '');
  if (!r.success) throw new ConfigError('environment', 'FETCH_ALLOW_HOSTS', r.error.issues[0]?.message ?? 'invalid');
  return r.data;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The variables a Config is built from, kept with the last good config (src/last-good-config.ts). Not
 * OPERATOR_TOKEN, BULLETIN_TOKEN nor any variable a feed's `"env:NAME"` header names: secrets are never written to disk.
 */
export const CONFIG_VARS = [
  'PORT', 'HOST', 'PUBLIC_URL', 'LOG_LEVEL', 'BULLETIN_SCHEDULE', 'RETENTION_DAYS', 'FETCH_TIMEOUT_MS', 'FETCH_MAX_BYTES',
  'FETCH_MAX_REDIRECTS', 'FETCH_CONCURRENCY', 'FETCH_ALLOW_HOSTS', 'PARSE_BUDGET_MS', 'PARSE_THREADS', 'TRUST_PROXY',
  'FULLTEXT_MAX_PER_RUN', 'FULLTEXT_MIN_CHARS', 'FULLTEXT_MAX_AGE_DAYS', 'FULLTEXT_MAX_BYTES', 'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS', 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 'HTTP_IDLE_TIMEOUT_MS', 'OPERATOR_PORT', 'OPERATOR_HOST',
  'BULLETIN_SETTLE_MS', 'BULLETIN_DELETE_GRACE_MS', 'BULLETIN_MAX_BYTES',
] as const;

export interface LoadOptions {
  /** `web`: check only what the read-only web tier uses; the rest falls back to its default. */
  scope?: ConfigScope;
  /** The agency files to use instead of reading feeds/agencies/ (the last good ones). */
  agencyFiles?: readonly AgencyFileText[];
}

/** OPERATOR_*: where /metrics and /status/detail are served. */
function operatorVars(env: Env, publicPort: number): NonNullable<Config['operator']> {
  const port = env.OPERATOR_PORT === undefined || env.OPERATOR_PORT === '' ? undefined : intVar(env, 'OPERATOR_PORT', 0, 0, 65535);
  if (port !== undefined && port !== 0 && port === publicPort) throw new ConfigError('environment', 'OPERATOR_PORT', `${port} is also PORT: the operator listener needs a port of its own`);
  const host = env.OPERATOR_HOST || '127.0.0.1';
  const token = env.OPERATOR_TOKEN || undefined;
  // A bearer token is compared in constant time, but a short one is guessed: 16 visible characters at least.
  if (token !== undefined && !/^[\x21-\x7e]{16,}$/.test(token))
    throw new ConfigError('environment', 'OPERATOR_TOKEN', 'must be at least 16 visible ASCII characters (no spaces)');
  return { ...(port !== undefined ? { port } : {}), host, ...(token ? { token } : {}) };
}

/** Builds the Config from an environment (process.env by default) and the feeds folder it names. */
export function loadConfig(env: Env = process.env, cwd = process.cwd(), opts: LoadOptions = {}): Config {
  const scope = opts.scope ?? 'all';
  // What the web tier does not use may be wrong without stopping it: the default stands in (the worker reports it).
  const only = <T>(read: () => T, fallback: T): T => {
    if (scope === 'all') return read();
    try {
      return read();
    } catch {
      return fallback;
    }
  };
  const port = intVar(env, 'PORT', 8080, 0, 65535);
  const feedsDir = path.resolve(cwd, env.FEEDS_DIR || './feeds');
  const dataDir = path.resolve(cwd, env.DATA_DIR || './data');
  let publicUrl: string | undefined;
  if (env.PUBLIC_URL) {
    const r = httpUrl.safeParse(env.PUBLIC_URL);
    if (!r.success) throw new ConfigError('environment', 'PUBLIC_URL', `"${env.PUBLIC_URL}" is not an absolute http(s) URL`);
    // Every document's links start with it: a user name or password in it would be published everywhere.
    const u = new URL(env.PUBLIC_URL);
    if (u.username !== '' || u.password !== '') throw new ConfigError('environment', 'PUBLIC_URL', 'must not carry a user name or password (it starts every published link)');
    publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
  }
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigError('environment', 'LOG_LEVEL', `"${env.LOG_LEVEL}" is not one of ${LOG_LEVELS.join(', ')}`);
  const bulletinSchedule = only(() => {
    const b = env.BULLETIN_SCHEDULE || DEFAULT_BULLETIN_SCHEDULE;
    if (!validateCron(b)) throw new ConfigError('environment', 'BULLETIN_SCHEDULE', `"${b}" is not a valid cron expression`);
    return b;
  }, DEFAULT_BULLETIN_SCHEDULE);
  try {
    if (!statSync(feedsDir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new ConfigError('environment', 'FEEDS_DIR', `${feedsDir}: ${(e as Error).message}`);
  }
  const agenciesDir = path.join(feedsDir, 'agencies');
  const agencies = loadAgencies(agenciesDir, path.relative(cwd, agenciesDir) || agenciesDir, env, opts.agencyFiles, scope);
  return {
    port,
    ...(env.HOST ? { host: env.HOST } : {}),
    feedsDir,
    dataDir,
    bulletinsDir: path.join(feedsDir, 'bulletins'),
    ...(publicUrl ? { publicUrl } : {}),
    logLevel: logLevel as Config['logLevel'],
    bulletinSchedule,
    ...only(() => (env.RETENTION_DAYS && env.RETENTION_DAYS !== '0' ? { retentionDays: intVar(env, 'RETENTION_DAYS', 0, 1, 36500) } : {}), {}),
    fetch: only(
      () => ({
        timeoutMs: intVar(env, 'FETCH_TIMEOUT_MS', 20_000, 100, 600_000),
        maxBytes: intVar(env, 'FETCH_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
        maxRedirects: intVar(env, 'FETCH_MAX_REDIRECTS', 5, 0, 20),
        concurrency: intVar(env, 'FETCH_CONCURRENCY', 4, 1, 64),
        allowHosts: allowHosts(env),
      }),
      { timeoutMs: 20_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5, concurrency: 4, allowHosts: [] },
    ),
    parse: only(
      () => ({
        budgetMs: intVar(env, 'PARSE_BUDGET_MS', 10_000, 50, 600_000),
        // One thread: the machine this runs on has few cores, and the thread serving HTTP needs one of them.
        threads: intVar(env, 'PARSE_THREADS', 1, 1, 8),
      }),
      { budgetMs: 10_000, threads: 1 },
    ),
    agencies,
    trustProxy: trustProxyVar(env.TRUST_PROXY),
    fulltext: only(
      () => ({
        maxPerRun: intVar(env, 'FULLTEXT_MAX_PER_RUN', FULLTEXT_DEFAULTS.maxPerRun, 0, 1000),
        minChars: intVar(env, 'FULLTEXT_MIN_CHARS', FULLTEXT_DEFAULTS.minChars, 0, 100_000),
        maxAgeDays: intVar(env, 'FULLTEXT_MAX_AGE_DAYS', FULLTEXT_DEFAULTS.maxAgeDays, 1, 36500),
        maxBytes: intVar(env, 'FULLTEXT_MAX_BYTES', FULLTEXT_DEFAULTS.maxBytes, 1024, 64 * 1024 * 1024),
        maxAttempts: FULLTEXT_DEFAULTS.maxAttempts,
      }),
      FULLTEXT_DEFAULTS,
    ),
    operator: operatorVars(env, port),
    http: httpVars(env),
    push: pushVars(env, feedsDir, publicUrl, cwd),
    intake: intakeVars(env),
  };
}

function intakeVars(env: Env): IntakeConfig {
  const d = BULLETIN_INTAKE_DEFAULTS;
  const token = env.BULLETIN_TOKEN;
  // A short token is guessable over the network; the endpoint writes into the drop folder.
  if (token !== undefined && token !== '' && token.length < 16)
    throw new ConfigError('environment', 'BULLETIN_TOKEN', `is ${token.length} characters; use at least 16 (e.g. openssl rand -hex 24)`);
  return {
    settleMs: intVar(env, 'BULLETIN_SETTLE_MS', d.settleMs, 0, 600_000),
    deleteGraceMs: intVar(env, 'BULLETIN_DELETE_GRACE_MS', d.deleteGraceMs, 0, 86_400_000),
    ...(token ? { token } : {}),
    maxBytes: intVar(env, 'BULLETIN_MAX_BYTES', d.maxBytes, 1024, 32 * 1024 * 1024),
  };
}

function pushVars(env: Env, feedsDir: string, publicUrl: string | undefined, cwd: string): PushConfig {
  try {
    return loadPushConfig(env, intVar, feedsDir, publicUrl, path.relative(cwd, feedsDir) || feedsDir);
  } catch (e) {
    if (e instanceof PushConfigError) throw new ConfigError(e.where, e.key, e.problem);
    throw e;
  }
}

/**
 * TRUST_PROXY as Express reads `trust proxy` for req.protocol and req.host: off by default; `true` (or a hop
 * count ≥ 1: only the nearest peer matters for these headers) trusts any peer; otherwise a comma-separated list
 * of addresses, CIDR blocks and `loopback`.
 */
const trustProxySchema = z
  .string()
  .trim()
  .transform((v, ctx): TrustProxy => {
    const low = v.toLowerCase();
    if (['', 'false', 'no', 'off'].includes(low) || /^0+$/.test(low)) return false;
    if (['true', 'yes', 'on'].includes(low) || /^\d+$/.test(low)) return true;
    const entries = low.split(',').map((e) => e.trim());
    for (const e of entries) {
      const problem = trustEntryProblem(e);
      if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (use true, false, or a list such as "loopback, 10.0.0.0/8")` });
    }
    return entries;
  });

function trustProxyVar(v: string | undefined): TrustProxy {
  const r = trustProxySchema.safeParse(v ?? '');
  if (!r.success) throw new ConfigError('environment', 'TRUST_PROXY', r.error.issues[0]!.message);
  return r.data;
}

export const HTTP_DEFAULTS: NonNullable<Config['http']> = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000 };

function httpVars(env: Env): NonNullable<Config['http']> {
  const d = HTTP_DEFAULTS;
  const http = {
    headersTimeoutMs: intVar(env, 'HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 100, 600_000),
    requestTimeoutMs: intVar(env, 'HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 100, 600_000),
    keepAliveTimeoutMs: intVar(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs, 100, 600_000),
    idleTimeoutMs: intVar(env, 'HTTP_IDLE_TIMEOUT_MS', d.idleTimeoutMs, 1_000, 3_600_000),
  };
  // node:http refuses a server whose request bound is shorter than its header bound.
  if (http.requestTimeoutMs < http.headersTimeoutMs)
    throw new ConfigError('environment', 'HTTP_REQUEST_TIMEOUT_MS', `${http.requestTimeoutMs} is shorter than HTTP_HEADERS_TIMEOUT_MS (${http.headersTimeoutMs})`);
  return http;
}

/** The process environment, for the modules that build a Config from it (this file stays its only reader). */
export const configEnv = (): Env => process.env;
