// Tools of the reliability suite: a daemon that can be killed at any moment, memory sampling, a bounded load
// generator, feed and bulletin generators with a seeded random source. Everything stays on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { SourceState } from '../../src/model.js';
import { MAIN } from '../helpers/daemon.js';

// ---------------------------------------------------------------------------------------------------------------
// Randomness that can be replayed: every test prints its seed; RELIABILITY_SEED=<n> runs the same moments again.

export type Rng = () => number;

/** mulberry32: small, fast, good enough to pick kill moments and words. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFromEnv(): number {
  const fromEnv = Number(process.env.RELIABILITY_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.floor(Math.random() * 2 ** 31) + 1;
}

export const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

// Titles made of words picked at random, so that no two generated press releases read alike: the merge
// compares titles, and "Story 12" and "Story 13" would rightly be taken for edits of one release.
const WORDS = (
  'amber basalt cobalt delta ember falcon granite harbour indigo juniper kestrel lantern meridian nickel ' +
  'orchid pelican quartz raven saffron tundra umber vortex willow xenon yarrow zephyr anchor beacon cedar ' +
  'dune estuary fjord glacier heron island jetty kelp lagoon marsh nebula oasis prairie quarry reef summit ' +
  'tide upland valley wharf yacht zenith bramble citadel dynamo emerald foundry garnet hollow ivory jasper'
).split(' ');

export function title(rng: Rng, n: number): string {
  const w = () => WORDS[Math.floor(rng() * WORDS.length)]!;
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return `${cap(w())} ${w()} operation ${n}: ${w()} ${w()} network ${w()} near ${cap(w())} ${cap(w())}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Feeds and bulletins

export interface GenItem {
  guid: string;
  title: string;
  link: string;
  pubDate: Date;
  description: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function rssFeed(name: string, items: readonly GenItem[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>${xmlEscape(name)}</title>
    <link>https://${name}.example.org/news</link>
    <description>Generated for the reliability suite</description>
${items
  .map(
    (i) => `    <item>
      <title>${xmlEscape(i.title)}</title>
      <link>${xmlEscape(i.link)}</link>
      <guid isPermaLink="false">${xmlEscape(i.guid)}</guid>
      <pubDate>${i.pubDate.toUTCString()}</pubDate>
      <description>${xmlEscape(i.description)}</description>
    </item>`,
  )
  .join('\n')}
  </channel>
</rss>
`;
}

/** A bulletin in the drop-folder format: title, blank, `Source: X`, blank, paragraphs. */
export function bulletin(items: readonly { title: string; source: string; body: string }[]): string {
  return items.map((i) => `${i.title}\n\nSource: ${i.source}\n\n${i.body}\n`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// A daemon process under our control: unlike tests/helpers/daemon.ts's startDaemon it may be killed before it
// listens, and it tells when it exits.

export interface DaemonProc {
  child: ChildProcess;
  pid: number;
  spawnedAt: number;
  /** Everything written to stdout and stderr so far. */
  logs(): string;
  /** Resolves with the base URL once the daemon logs that it listens, or undefined if it exits first. */
  listening: Promise<string | undefined>;
  /** Resolves with the operator listener's base URL (/metrics, /status/detail; OPERATOR_PORT=0 by default here). */
  operator: Promise<string | undefined>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Called with each complete stdout line, in order (JSON log lines). */
  onLine(fn: (line: string) => void): void;
  alive(): boolean;
}

export function spawnDaemon(env: Record<string, string>, args: string[] = ['start']): DaemonProc {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', OPERATOR_PORT: '0', LOG_LEVEL: 'info', FULLTEXT_MAX_PER_RUN: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawnedAt = Date.now();
  let operatorFound: (url: string | undefined) => void = () => {};
  const operator = new Promise<string | undefined>((resolve) => (operatorFound = resolve));
  let out = '';
  let partial = '';
  const lineFns: ((line: string) => void)[] = [];
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': every line the process wrote has been read by then.
    child.on('close', (code, signal) => resolve((exitInfo = { code, signal }))),
  );
  const listening = new Promise<string | undefined>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      out += s;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(line);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
        const o = /operator endpoints \([^)]*\) on (http:\/\/[^"\s]+)/.exec(line);
        if (o) operatorFound(o[1]);
        for (const fn of lineFns) fn(line);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
    void exited.then(() => {
      resolve(undefined);
      operatorFound(undefined);
    });
  });
  return {
    child,
    pid: child.pid!,
    spawnedAt,
    logs: () => out,
    listening,
    operator,
    exited,
    onLine: (fn) => void lineFns.push(fn),
    alive: () => exitInfo === undefined,
  };
}

/** SIGTERM (or another signal) and wait for the exit, with a deadline after which the process is SIGKILLed. */
export async function stopDaemon(d: DaemonProc, signal: NodeJS.Signals = 'SIGTERM', deadlineMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  const t0 = Date.now();
  if (!d.alive()) return { ...(await d.exited), ms: 0 };
  d.child.kill(signal);
  const timer = setTimeout(() => d.alive() && d.child.kill('SIGKILL'), deadlineMs);
  const r = await d.exited;
  clearTimeout(timer);
  return { ...r, ms: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Memory: the kernel's own figures for a PID (what `ps -o rss=` prints, plus the peak it has seen).

export interface MemoryReading {
  rssKb: number;
  /** VmHWM: the highest RSS the process ever had, so no peak between two samples is missed. */
  peakKb: number;
}

export function readMemory(pid: number): MemoryReading | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), peakKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's memory every `everyMs` until stopped; returns the highest figures seen. */
export function sampleMemory(pid: number, everyMs = 100): { stop(): { maxRssKb: number; peakKb: number; samples: number } } {
  let maxRssKb = 0;
  let peakKb = 0;
  let samples = 0;
  const take = () => {
    const m = readMemory(pid);
    if (!m) return;
    samples++;
    if (m.rssKb > maxRssKb) maxRssKb = m.rssKb;
    if (m.peakKb > peakKb) peakKb = m.peakKb;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { maxRssKb, peakKb, samples };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP from the test side

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
}

/** One GET over `agent` (keep-alive), with a deadline; rejects on a socket error or the deadline. */
export function get(url: string, opts: { agent?: http.Agent; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.get(url, { agent: opts.agent ?? false, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on('error', reject);
  });
}

export async function getJson<T>(url: string, agent?: http.Agent): Promise<T> {
  const r = await get(url, agent ? { agent } : {});
  if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
  return JSON.parse(r.body.toString('utf8')) as T;
}

export interface LoadResult {
  requests: number;
  latenciesMs: number[];
  /** When each answered poll was sent, ms after the start (parallel to latenciesMs). */
  sentAtMs: number[];
  /** The slowest polls: path, when they were sent (ms after the start) and how long they took. */
  slowest: { path: string; atMs: number; ms: number }[];
  statuses: Record<number, number>;
  errors: string[];
  wallMs: number;
}

/**
 * A bounded poller: `concurrency` keep-alive clients request `paths` round-robin, half of them conditionally
 * with the ETag last seen for that path, until `durationMs` passes or `maxRequests` are sent, whichever first.
 */
export async function loadGenerator(opts: { base: string; paths: readonly string[]; concurrency: number; durationMs: number; maxRequests: number; timeoutMs?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const t0 = Date.now();
  const end = t0 + opts.durationMs;
  const etags = new Map<string, string>();
  const latenciesMs: number[] = [];
  const sentAtMs: number[] = [];
  const slow: { path: string; atMs: number; ms: number }[] = [];
  const statuses: Record<number, number> = {};
  const errors: string[] = [];
  let sent = 0;
  const worker = async (w: number) => {
    for (let i = w; Date.now() < end && sent < opts.maxRequests; i += opts.concurrency) {
      sent++;
      const path = opts.paths[i % opts.paths.length]!;
      const etag = etags.get(path);
      const headers: Record<string, string> = etag && i % 2 === 0 ? { 'If-None-Match': etag } : {};
      const atMs = Date.now() - t0;
      try {
        const r = await get(opts.base + path, { agent, headers, timeoutMs: opts.timeoutMs ?? 30_000 });
        latenciesMs.push(r.ms);
        sentAtMs.push(atMs);
        slow.push({ path, atMs, ms: Math.round(r.ms) });
        if (slow.length > 50) slow.sort((a, b) => b.ms - a.ms).splice(5);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (typeof r.headers.etag === 'string') etags.set(path, r.headers.etag);
        if (r.status !== 200 && r.status !== 304) errors.push(`${path}: HTTP ${r.status}`);
      } catch (e) {
        errors.push(`${path}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  agent.destroy();
  return { requests: sent, latenciesMs, sentAtMs, slowest: slow.sort((a, b) => b.ms - a.ms).slice(0, 5), statuses, errors, wallMs: Date.now() - t0 };
}

export interface Polled {
  /** Answer times in ms, per path. */
  ms: Record<string, number[]>;
  /** Failed polls: a status other than 200, a socket error, no answer in 10 s. */
  errors: string[];
  /** Answers slower than 200 ms, with when they were asked: to find what the daemon was doing then. */
  slow: string[];
}

/**
 * Polls each path on its own loop (a new connection per request, as a feed reader's cron job does) every
 * `everyMs`, until stopped: the latency a reader sees while the daemon is busy.
 */
export function pollLatency(base: string, paths: readonly string[], everyMs = 20): { stop(): Promise<Polled> } {
  let stopped = false;
  const out: Polled = { ms: Object.fromEntries(paths.map((p) => [p, []])), errors: [], slow: [] };
  const loop = async (path: string) => {
    while (!stopped) {
      try {
        const r = await get(base + path, { timeoutMs: 10_000 });
        if (r.status !== 200) out.errors.push(`${path}: HTTP ${r.status}`);
        out.ms[path]!.push(r.ms);
        if (r.ms > 200) out.slow.push(`${path} ${Math.round(r.ms)} ms at ${new Date(Date.now() - r.ms).toISOString()}`);
      } catch (e) {
        out.errors.push(`${path}: ${(e as Error).message}`);
      }
      await sleep(everyMs);
    }
  };
  const loops = paths.map(loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return out;
    },
  };
}

/** "n samples, p50 …, p99 …, max …" for a report line. */
export const latencySummary = (xs: readonly number[]) =>
  `${xs.length} samples, p50 ${round(percentile(xs, 50))} ms, p99 ${round(percentile(xs, 99))} ms, max ${round(Math.max(...xs))} ms`;

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One line of the daemon's JSON log, or undefined for anything else. */
export function logLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export interface JsonFeed {
  items: { id: string; title: string; url?: string; content_html?: string }[];
}

/** One source as GET /status shows it: the stored state plus what the web tier derives. */
export type StatusSource = SourceState & { storiesStored?: number };

export interface StatusDoc {
  stories: number;
  sources: StatusSource[];
}
