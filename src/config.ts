// Environment + feeds/agencies/*.json → one typed, validated Config. The only reader of process.env.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import type { Agency } from './model.js';
import { RESERVED_IDS } from './stories/agencies.js';

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
  fetch: { timeoutMs: number; maxBytes: number; maxRedirects: number; concurrency: number };
  /** Parsing and normalising, on worker threads: the wall-clock budget of one source, and how many threads. */
  parse: { budgetMs: number; threads: number };
  agencies: Agency[];
}

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

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

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
      }),
    )
    .default([]),
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

/** Reads and validates every agency file; throws ConfigError on the first problem. */
export function loadAgencies(agenciesDir: string, displayDir = agenciesDir): Agency[] {
  let names: string[];
  try {
    names = readdirSync(agenciesDir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    throw new ConfigError(displayDir, '(dir)', `cannot read agencies folder: ${(e as Error).message}`);
  }
  const agencies: Agency[] = [];
  const claimed = new Map<string, string>(); // lowercased id/name/alias → file that claims it
  for (const name of names) {
    const where = path.join(displayDir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path.join(agenciesDir, name), 'utf8'));
    } catch (e) {
      throw new ConfigError(where, '(file)', `not valid JSON: ${(e as Error).message}`);
    }
    const parsed = agencyFile.safeParse(raw);
    if (!parsed.success) {
      const { key, problem } = firstIssue(parsed.error);
      throw new ConfigError(where, key, problem);
    }
    const stem = name.slice(0, -'.json'.length);
    const id = parsed.data.id ?? stem;
    if (parsed.data.id === undefined && !idPattern.test(stem))
      throw new ConfigError(where, 'id', `file name "${stem}" is not a valid id; name the file <id>.json`);
    if (id !== stem) throw new ConfigError(where, 'id', `"${id}" does not match the file name ${stem}.json`);
    if (RESERVED_IDS.has(id)) throw new ConfigError(where, 'id', `"${id}" is reserved (it names a feed of its own)`);
    const seenUrls = new Set<string>();
    parsed.data.feeds.forEach((f, i) => {
      if (seenUrls.has(f.url)) throw new ConfigError(where, `feeds[${i}].url`, `duplicate feed URL ${f.url}`);
      seenUrls.add(f.url);
    });
    for (const [key, value] of [['id', id], ['name', parsed.data.name], ...parsed.data.aliases.map((a, i) => [`aliases[${i}]`, a])] as const) {
      const k = value.toLowerCase();
      const owner = claimed.get(k);
      if (owner !== undefined && owner !== where)
        throw new ConfigError(where, key, `duplicate: "${value}" is already used by ${owner}`);
      claimed.set(k, where);
    }
    agencies.push({
      id,
      name: parsed.data.name,
      ...(parsed.data.homepage ? { homepage: parsed.data.homepage } : {}),
      aliases: parsed.data.aliases,
      timezone: parsed.data.timezone,
      feeds: parsed.data.feeds,
      configured: true,
    });
  }
  return agencies;
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v.trim())) throw new ConfigError('environment', name, `"${v}" is not a whole number`);
  const n = Number(v.trim());
  if (n < min || n > max) throw new ConfigError('environment', name, `${n} is outside ${min}–${max}`);
  return n;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Builds the Config from an environment (process.env by default) and the feeds folder it names. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const port = intVar(env, 'PORT', 8080, 0, 65535);
  const feedsDir = path.resolve(cwd, env.FEEDS_DIR || './feeds');
  const dataDir = path.resolve(cwd, env.DATA_DIR || './data');
  let publicUrl: string | undefined;
  if (env.PUBLIC_URL) {
    const r = httpUrl.safeParse(env.PUBLIC_URL);
    if (!r.success) throw new ConfigError('environment', 'PUBLIC_URL', `"${env.PUBLIC_URL}" is not an absolute http(s) URL`);
    publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
  }
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new ConfigError('environment', 'LOG_LEVEL', `"${env.LOG_LEVEL}" is not one of ${LOG_LEVELS.join(', ')}`);
  const bulletinSchedule = env.BULLETIN_SCHEDULE || DEFAULT_BULLETIN_SCHEDULE;
  if (!validateCron(bulletinSchedule))
    throw new ConfigError('environment', 'BULLETIN_SCHEDULE', `"${bulletinSchedule}" is not a valid cron expression`);
  try {
    if (!statSync(feedsDir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new ConfigError('environment', 'FEEDS_DIR', `${feedsDir}: ${(e as Error).message}`);
  }
  const agenciesDir = path.join(feedsDir, 'agencies');
  const agencies = loadAgencies(agenciesDir, path.relative(cwd, agenciesDir) || agenciesDir);
  return {
    port,
    ...(env.HOST ? { host: env.HOST } : {}),
    feedsDir,
    dataDir,
    bulletinsDir: path.join(feedsDir, 'bulletins'),
    ...(publicUrl ? { publicUrl } : {}),
    logLevel: logLevel as Config['logLevel'],
    bulletinSchedule,
    ...(env.RETENTION_DAYS && env.RETENTION_DAYS !== '0' ? { retentionDays: intVar(env, 'RETENTION_DAYS', 0, 1, 36500) } : {}),
    fetch: {
      timeoutMs: intVar(env, 'FETCH_TIMEOUT_MS', 20_000, 100, 600_000),
      maxBytes: intVar(env, 'FETCH_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxRedirects: intVar(env, 'FETCH_MAX_REDIRECTS', 5, 0, 20),
      concurrency: intVar(env, 'FETCH_CONCURRENCY', 4, 1, 64),
    },
    parse: {
      budgetMs: intVar(env, 'PARSE_BUDGET_MS', 10_000, 50, 600_000),
      // One thread: the machine this runs on has few cores, and the thread serving HTTP needs one of them.
      threads: intVar(env, 'PARSE_THREADS', 1, 1, 8),
    },
    agencies,
  };
}
