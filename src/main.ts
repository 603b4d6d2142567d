#!/usr/bin/env node
// The one composition root: parse the command line, load config, wire the parts, listen, schedule, handle signals.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import cron from 'node-cron';
import { pino } from 'pino';
import { ConfigError, configEnv, HTTP_DEFAULTS, loadConfig, type Config } from './config.js';
import { describeLoss, openStore, StoreError, type Store } from './store/store.js';
import { askHolder } from './store/lock.js';
import { createApp } from './web/app.js';
import { tuneHeapForWebTier } from './web/heap.js';
import type { StoreData } from './model.js';
import { explainPage } from './worker/explain-page.js';
import { runIngest, type IngestPlan, type IngestReport } from './worker/ingest.js';
import { createParsePool, type ParseRunner } from './worker/parse-pool.js';
import { startSchedule, type Scheduler } from './worker/schedule.js';
import { askDaemon, serveControl, type ControlRequest, type ControlResponse, type ControlServer } from './worker/control-channel.js';
import { operate, type OperatorRequest } from './worker/operate.js';
import { watchBulletins } from './worker/watch-bulletins.js';
import { createBulletinIntake } from './web/bulletin-intake.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createPushService, type PushService } from './push/push-service.js';
import { PUSH_DEFAULTS } from './push/push-config.js';
import { pushStatusReader } from './push/push-status.js';
import { spoolDir } from './push/spool.js';
import { hubUrl } from './push/topics.js';
import { compileTrust } from './web/trust-proxy.js';
import { createWebsubEndpoint } from './web/websub-endpoint.js';
import { createHealth } from './health.js';
import type { SourceState } from './model.js';
import { loadConfigOrLastGood, readLastGood } from './last-good-config.js';
import { redactLogArguments } from './log-redaction.js';
import { redactSecrets } from './text/redact-secrets.js';
import { bearerMatches, isOperatorPath } from './web/operator.js';
import { answerBeforeLoad } from './web/before-load.js';
import { nextScheduledAttempt } from './worker/next-attempt.js';
import { writeRegular } from './store/safe-fs.js';
import { readTextSync } from './store/read-text.js';
import { commitReporter, probeReporter, watchStoreHealth } from './health-store.js';
import { liveFiguresOf, withLiveWorkerFigures, type LiveWorkerFigures } from './worker-figures.js';
import type { Agency } from './model.js';
import { readBulletinAt } from './sources/read-bulletins.js';
import { knownAgencies } from './stories/agencies.js';
import { checkBulletin, formatReport, type BulletinReport } from './stories/check-bulletin.js';
import { printableName } from './text/printable.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const HELP = `pressroom ${pkg.version}: agency press releases in, one story per release, RSS/Atom/JSON Feed out

Usage: pressroom <command> [options]

Commands:
  start           worker and web server in one process (what npm start runs)
  worker          only the worker: schedule, fetching, every store write (one instance)
  web             only the read-only web server (as many instances as you like)
  ingest --once   run every source once, print a line per source, exit (asks the running worker when there is one)
  withdraw <story-id> [--reason TEXT]   take a story out of every feed; its page answers 410
  withdraw --undo <story-id>            put it back
  agencies        list the agencies: configured, discovered in bulletins, forgotten
  agencies forget <id>    remove an agency a bulletin created (never a configured one); its stories are withdrawn
  agencies restore <id>   undo a forget
  fulltext [--backfill]  fetch the pages of teaser stories now (--backfill: older ones too), print a line per page
  fulltext --explain URL [--teaser TEXT]  what would be extracted from that page and why accepted or refused; writes nothing
  check-config    validate feeds/ and print what was found (exit 1 with the reason otherwise); writes nothing
  status          print each source's state from the store
  check-bulletin [--json] FILE…  print what the daemon would make of each bulletin, touching nothing
                  (exit 1 when a file has errors: an item skipped, nothing readable)

Environment: PORT, HOST, FEEDS_DIR, DATA_DIR, PUBLIC_URL, LOG_LEVEL, BULLETIN_SCHEDULE,
  FETCH_TIMEOUT_MS, FETCH_MAX_BYTES, FETCH_MAX_REDIRECTS, FETCH_CONCURRENCY, FETCH_ALLOW_HOSTS, TRUST_PROXY,
  HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS,
  PARSE_BUDGET_MS, PARSE_THREADS, FULLTEXT_MAX_PER_RUN, FULLTEXT_MIN_CHARS, FULLTEXT_MAX_AGE_DAYS, FULLTEXT_MAX_BYTES,
  BULLETIN_SETTLE_MS, BULLETIN_DELETE_GRACE_MS, BULLETIN_TOKEN, BULLETIN_MAX_BYTES, OPERATOR_PORT, OPERATOR_HOST,
  OPERATOR_TOKEN, WEBSUB_LEASE_SECONDS, WEBSUB_LEASE_MIN_SECONDS, WEBSUB_LEASE_MAX_SECONDS, WEBSUB_MAX_SUBSCRIPTIONS,
  WEBSUB_RATE_PER_MINUTE, WEBSUB_PING_HUBS, PUSH_TIMEOUT_MS, PUSH_HOST_CONCURRENCY, PUSH_CONCURRENCY, PUSH_RETRY_BASE_MS
  (see README).
`;

/** Seconds between the two nearest runs of the most frequent schedule: how long a feed can be reused. */
function shortestInterval(config: Config): number {
  const exprs = [config.bulletinSchedule, ...config.agencies.flatMap((a) => a.feeds.map((f) => f.schedule))];
  let best = Infinity;
  for (const e of exprs) {
    const t = cron.createTask(e, () => {});
    const runs = t.getNextRuns(4);
    void t.destroy();
    for (let i = 1; i < runs.length; i++) best = Math.min(best, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 1000);
  }
  return Number.isFinite(best) ? Math.max(60, Math.min(3600, Math.round(best))) : 900;
}

/** This process's health (src/health.ts): the store side and the config side report into it; the web tier reads it. */
const health = createHealth();
/** Told of each failed commit (the metrics counter, once metrics exist). */
let onCommitFailure: () => void = () => {};
/** Failed commits of this process's store (a writer's): what pressroom_store_commit_failures_total counts. */
let commitFailures = 0;
/** A web instance's newest word from the worker on its lock socket, newer than its metrics file on a full disk. */
let liveWorker: LiveWorkerFigures = {};

/** The store's version and the health's as one number that changes when either does (the status feed shows both). */
function versionOf(store: Store): () => { data: Store['data']; version: number } {
  let seen = { store: -1, health: -1, version: 0 };
  return () => {
    if (store.version !== seen.store || health.version !== seen.health) seen = { store: store.version, health: health.version, version: seen.version + 1 };
    return { data: store.data, version: seen.version };
  };
}

function userAgent(config: Config): string {
  return `Pressroom/${pkg.version} (+${config.publicUrl ?? 'self-hosted feed aggregator'})`;
}

function configOrExit(): Config {
  try {
    return loadConfig(configEnv());
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`pressroom: config error: ${redactSecrets(e.message)}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/**
 * A serving process's config: the current one when it validates (then kept as the last good one in DATA_DIR),
 * else the last good one, said loudly (stderr, the log, /status, /readyz, the status feed). Only a first start
 * with no good config exits 1. The web tier needs, and checks, only part of it (config.ts, scope 'web').
 */
function serviceConfigOrExit(scope: 'all' | 'web', save = true): { config: Config; announce: (log: Log) => void } {
  try {
    const { config, degraded } = loadConfigOrLastGood(configEnv(), process.cwd(), { save, scope, log: (m) => process.stderr.write(`pressroom: ${redactSecrets(m)}\n`) });
    if (degraded === undefined) return { config, announce: () => {} };
    process.stderr.write(`pressroom: ${redactSecrets(degraded.message)}\n`);
    health.setDegraded('config', degraded.message, { file: degraded.error.where, key: degraded.error.key, problem: degraded.error.problem });
    return {
      config,
      announce: (log) => log.error({ degraded: 'config', file: degraded.error.where, key: degraded.error.key, problem: degraded.error.problem }, degraded.message),
    };
  } catch (e) {
    if (e instanceof ConfigError) {
      // A first start: no last good config in DATA_DIR to run on.
      process.stderr.write(`pressroom: config error: ${redactSecrets(e.message)}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** The threads that parse and normalise every source, each under PARSE_BUDGET_MS (worker/parse-pool.ts). */
function parsePool(config: Config): ParseRunner {
  return createParsePool({ threads: config.parse.threads, budgetMs: config.parse.budgetMs });
}

function makeLog(config: Config) {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A feed URL may carry credentials (user info, ?token=): every string of every log line is redacted.
    hooks: { logMethod: redactLogArguments },
  });
}


async function openOrExit(config: Config, writable: boolean, log: ReturnType<typeof makeLog>): Promise<Store> {
  try {
    const store = await openStore(config.dataDir, {
      writable,
      log,
      ...(writable && config.retentionDays ? { retention: { maxAgeDays: config.retentionDays } } : {}),
      ...(writable
        ? {
            onCommit: commitReporter(health, () => {
              commitFailures++;
              onCommitFailure();
            }),
            onProbe: probeReporter(health),
            // The web tier reads the writer's health and commit failures here: a full disk cannot stale them.
            describe: () => ({ degraded: health.snapshot().degraded, commitFailures }),
          }
        : {}),
    });
    health.markStoreLoaded();
    return store;
  } catch (e) {
    if (e instanceof StoreError) {
      process.stderr.write(`pressroom: store error: ${redactSecrets(e.message)}\n`);
      process.exit(1);
    }
    throw e;
  }
}

function printReport(r: IngestReport): void {
  for (const s of r.sources) {
    const what = s.outcome === 'failed' ? `failed: ${s.message}` : s.outcome === 'backing-off' ? `skipped, ${s.message}` : s.outcome;
    process.stdout.write(redactSecrets(`${s.kind} ${printableName(s.key)}: ${printableName(what)}; ${s.items} items, ${s.created} new, ${s.updated} updated\n`));
  }
  for (const p of r.pages ?? []) process.stdout.write(`page ${p.url} (${p.agency}): ${p.outcome}${p.reason ? ` (${p.reason})` : ''}\n`);
  for (const w of r.withdrawals ?? []) process.stdout.write(`story ${w.change}: ${w.id}: ${w.reason}\n`);
  process.stdout.write(`ingest: ${r.created} new, ${r.updated} updated stories${r.wrote ? '' : ' (nothing written)'}\n`);
}

/** `pressroom fulltext [--backfill]`: only the page step, now; with --backfill stories of any age. */
async function fulltextOnce(backfill: boolean): Promise<number> {
  const config = configOrExit();
  const log = makeLog({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const store = await openOrExit(config, true, log);
  const parser = parsePool(config);
  try {
    const report = await runIngest({ config, store, log, now: () => new Date(), userAgent: userAgent(config), parser }, { bulletins: false, feeds: [], fulltext: { backfill } });
    printReport(report);
    return 0;
  } finally {
    await parser.close();
    await store.close();
  }
}

/** `pressroom fulltext --explain URL [--teaser TEXT]` (worker/explain-page.ts): exit 0 accepted, 3 otherwise. */
async function explainOnce(url: string, teaser: string | undefined): Promise<number> {
  const config = configOrExit();
  let data: StoreData | undefined;
  if (teaser === undefined) {
    // Read-only, and only to find the story that links to the page; no store is no story.
    const store = await openStore(config.dataDir, { writable: false }).catch(() => undefined);
    data = store?.data;
    await store?.close();
  }
  const { lines, code } = await explainPage({ url, ...(teaser !== undefined ? { teaser } : {}), config, userAgent: userAgent(config), ...(data ? { data } : {}) });
  process.stdout.write(`${lines.join('\n')}\n`);
  return code;
}

async function ingestOnce(): Promise<number> {
  const config = configOrExit();
  // A running worker holds the store: it runs now, between its own runs, and sends its report back.
  const asked = await askDaemon(config.dataDir, { cmd: 'ingest' });
  if (asked) {
    if (asked.report) printReport(asked.report as IngestReport);
    for (const l of asked.lines) process.stdout.write(`${l}\n`);
    return asked.ok ? 0 : 1;
  }
  const log = makeLog({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const store = await openOrExit(config, true, log);
  const parser = parsePool(config);
  try {
    const report = await runIngest({ config, store, log, now: () => new Date(), userAgent: userAgent(config), parser }, { bulletins: true, feeds: 'all', force: true });
    printReport(report);
    return 0;
  } finally {
    await parser.close();
    await store.close();
  }
}

/**
 * `withdraw`, `agencies forget` and their undo: a write, so it goes through the store's one writer. A running
 * worker is asked through the control channel; with none, this process takes the lock and writes.
 */
async function operatorCommand(req: OperatorRequest): Promise<number> {
  const config = configOrExit();
  let r = await askDaemon(config.dataDir, req);
  if (!r) {
    const log = makeLog({ ...config, logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
    const store = await openOrExit(config, true, log);
    try {
      r = await operate(store, config, req, log);
    } finally {
      await store.close();
    }
  }
  for (const l of r.lines) (r.ok ? process.stdout : process.stderr).write(`${r.ok ? '' : 'pressroom: '}${l}\n`);
  return r.ok ? 0 : 1;
}

/** `agencies`: configured, discovered and forgotten agencies with their stories. */
async function listAgencies(): Promise<number> {
  const config = configOrExit();
  const store = await openOrExit(config, false, makeLog({ ...config, logLevel: 'warn' }));
  try {
    const live = new Map<string, number>();
    for (const s of store.data.stories) if (!s.withdrawn) live.set(s.agency, (live.get(s.agency) ?? 0) + 1);
    const esc = (x: string) => JSON.stringify(x);
    for (const a of config.agencies) process.stdout.write(`${a.id}\tconfigured\t${live.get(a.id) ?? 0} stories\t${esc(a.name)}\n`);
    for (const d of Object.values(store.data.discoveredAgencies)) {
      if (config.agencies.some((a) => a.id === d.id)) continue;
      const state = d.forgotten ? `forgotten ${d.forgotten.at}` : 'discovered';
      process.stdout.write(`${d.id}\t${state}\t${live.get(d.id) ?? 0} stories\t${esc(d.name)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** Validates feeds/ and the environment; writes nothing (not even the last good config). */
async function checkConfig(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(configEnv());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`pressroom: config error: ${redactSecrets(e.message)}\n`);
    const dataDir = path.resolve(process.cwd(), configEnv().DATA_DIR || './data');
    const last = readLastGood(dataDir);
    // stderr keeps the one line naming the file, key and problem; what a restart would do goes to stdout.
    process.stdout.write(
      last
        ? `pressroom: a restart or reload now would keep running on the last good config (validated ${last.savedAt}) and report this error; fix it first\n`
        : 'pressroom: there is no last good config in DATA_DIR: a start now would refuse to start\n',
    );
    return 1;
  }
  process.stdout.write(`feeds: ${config.feedsDir}\ndata: ${config.dataDir}\n`);
  for (const a of config.agencies) {
    process.stdout.write(`agency ${a.id} (${a.name}), time zone ${a.timezone}, ${a.feeds.length} feed(s)\n`);
    for (const f of a.feeds) process.stdout.write(`  ${redactSecrets(f.url)} [${f.schedule}]${f.headers ? ` headers: ${Object.keys(f.headers).join(', ')}` : ''}\n`);
  }
  process.stdout.write(`config ok: ${config.agencies.length} agencies\n`);
  return 0;
}

async function status(): Promise<number> {
  // Reads the store only: a typo in an agency file must not hide it (nothing is written).
  const config = serviceConfigOrExit('web', false).config;
  const log = makeLog({ ...config, logLevel: 'warn' });
  const store = await openOrExit(config, false, log);
  const d = store.data;
  const withdrawn = d.stories.filter((s) => s.withdrawn).length;
  process.stdout.write(`${d.stories.length - withdrawn} stories${withdrawn ? ` (and ${withdrawn} withdrawn, listed last)` : ''}\n`);
  for (const [key, s] of Object.entries(d.sources)) {
    const state = s.errorCode ? `failing (${s.errorCode}: ${s.errorMessage}) x${s.consecutiveFailures}, next ${s.nextAttempt ?? '?'}` : 'ok';
    process.stdout.write(redactSecrets(`${s.kind} ${printableName(s.key)}: ${printableName(state)}; last success ${s.lastSuccess ?? 'never'}\n`));
    // Operator-only detail (redirect chain, refused address): the public /status never shows it.
    if (s.errorCode && s.errorDetail) process.stdout.write(redactSecrets(`  detail: ${printableName(s.errorDetail)}\n`));
    for (const w of s.warnings ?? []) process.stdout.write(redactSecrets(`  warning: ${printableName(w)}\n`));
    // A story page this source links to whose charset was guessed (worker/fulltext.ts).
    for (const [host, w] of Object.entries(d.fulltext?.charsetWarnings ?? {}))
      if (w.source === key) process.stdout.write(`  warning: page ${printableName(host)} (${printableName(redactSecrets(w.page))}): ${printableName(w.warning)}\n`);
  }
  // The store's own state: its damaged files, and what the writer says of its commits.
  for (const l of await store.damage()) process.stdout.write(`store: damaged ${describeLoss(l)}\n`);
  const commits = ((await askHolder(config.dataDir))?.degraded as { commits?: { message: string; since: string } } | undefined)?.commits;
  if (commits) process.stdout.write(`store: ${commits.message} (since ${commits.since})\n`);
  // With their ids, so that each can be undone (`pressroom withdraw --undo <id>`); newest withdrawal first.
  const gone = d.stories.filter((s) => s.withdrawn).sort((a, b) => (a.withdrawn!.at < b.withdrawn!.at ? 1 : -1));
  for (const s of gone)
    process.stdout.write(`withdrawn ${s.id} ${s.withdrawn!.at} by ${s.withdrawn!.by}: ${printableName(s.withdrawn!.reason)}: ${printableName(JSON.stringify(s.title))}\n`);
  // What the worker last reported of its hub and webhooks (DATA_DIR/push-status.json), when it runs them.
  const push = pushStatusReader(config.dataDir)();
  if (push?.websub) {
    const c = push.websub.counters;
    process.stdout.write(`websub ${push.websub.hub}: ${push.websub.subscriptions} subscriptions; ${c.delivered} delivered, ${c.deliveryFailed} failed, ${c.gone} gone, ${push.websub.retrying} retrying\n`);
  }
  for (const w of push?.webhooks ?? []) process.stdout.write(`webhook ${w.id} (${w.callbackHost}): ${w.delivered} delivered, ${w.failed} failed, ${w.dropped} dropped, ${w.pending} pending\n`);
  return 0;
}

/**
 * `pressroom check-bulletin [--json] FILE…`: each file read and checked as the worker would, against the
 * configured agencies and those the store already discovered. Nothing is written and no lock is taken.
 */
async function checkBulletins(files: string[], json: boolean): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('pressroom: check-bulletin needs at least one FILE\n');
    return 2;
  }
  const config = configOrExit();
  let agencies: Agency[] = [...config.agencies];
  if (existsSync(config.dataDir)) {
    const log = makeLog({ ...config, logLevel: 'error' });
    try {
      const store = await openStore(config.dataDir, { writable: false, log });
      agencies = knownAgencies(config.agencies, store.data.discoveredAgencies);
      await store.close();
    } catch {
      // No readable store: configured agencies only.
    }
  }
  const now = new Date();
  const reports: BulletinReport[] = [];
  for (const f of files) {
    const file = await readBulletinAt(f, path.basename(f), { followLinks: true });
    reports.push(
      file.ok
        ? checkBulletin(file.text, file.name, agencies, now, { fileTime: file.mtime, encoding: file.encoding, ...(file.encodingWarning ? { encodingWarning: file.encodingWarning } : {}) })
        : { file: printableName(file.name), encoding: null, ok: false, items: [], errors: [{ line: 0, message: file.reason }], warnings: [], newAgencies: [] },
    );
  }
  if (json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else for (const r of reports) process.stdout.write(formatReport(r));
  return reports.every((r) => r.ok) ? 0 : 1;
}

type Log = ReturnType<typeof makeLog>;

function routeCronLogs(log: Log): void {
  cron.setLogger({
    info: (m: string) => log.debug({ component: 'cron' }, m),
    warn: (m: string) => log.warn({ component: 'cron' }, m),
    error: (m: string | Error) => log.error({ component: 'cron' }, String(m)),
    debug: (m: string) => log.debug({ component: 'cron' }, m),
  } as never);
}

/** The worker: owns the schedule, the fetching and every store write. */
/**
 * Under PM2 the worker has no HTTP server; it leaves its Prometheus exposition beside the store after each
 * run, and every web instance appends it to its own /metrics.
 */
const workerMetricsFile = (config: Config) => path.join(config.dataDir, 'worker-metrics.prom');

async function shareWorkerMetrics(config: Config, metrics: Metrics, log: Log): Promise<void> {
  try {
    const m = await metrics.render();
    const tmp = `${workerMetricsFile(config)}.tmp-${process.pid}`;
    await writeRegular(tmp, m.body);
    await rename(tmp, workerMetricsFile(config));
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'could not write the worker metrics file');
  }
}

async function startWorker(config: Config, store: Store, log: Log, metrics: Metrics, parser: ParseRunner, onWrite: () => void = () => {}, shareMetrics = false): Promise<Scheduler> {
  routeCronLogs(log);
  metrics.observeStore(store.data);
  const settleMs = config.intake?.settleMs ?? 0;
  let afterRun: (r: IngestReport) => void = () => {};
  const runPlan = async (plan: IngestPlan, signal: AbortSignal): Promise<IngestReport> => {
    const report = await runIngest({ config, store, log, now: () => new Date(), userAgent: userAgent(config), signal, parser }, plan);
    metrics.observeIngest(report);
    if (report.wrote) {
      metrics.observeStore(store.data, fileSize(store.file));
      onWrite();
    }
    if (shareMetrics) await shareWorkerMetrics(config, metrics, log);
    afterRun(report);
    return report;
  };
  const scheduler = startSchedule(config, runPlan, (e) => log.error({ err: (e as Error).stack }, `ingest run failed: ${(e as Error).message}`));
  // New, changed and deleted bulletins within seconds; the schedule above is the fallback.
  const watcher = watchBulletins({ dir: config.bulletinsDir, settleMs, request: scheduler.request, log });
  afterRun = (r) => watcher.afterRun(r);
  // The CLI's way in (ingest --once, withdraw, agencies forget): through the run queue, never beside a run.
  const handle = (req: ControlRequest): Promise<ControlResponse> =>
    req.cmd === 'ingest'
      ? scheduler.exclusive(async (signal) => {
          const report = await runPlan({ bulletins: true, feeds: 'all', force: true }, signal);
          return report.aborted ? { ok: false, lines: ['the worker is shutting down: the run was abandoned, nothing written'] } : { ok: true, lines: [], report };
        })
      : scheduler.exclusive(async () => {
          const r = await operate(store, config, req as OperatorRequest, log);
          if (r.ok) {
            metrics.observeStore(store.data, fileSize(store.file));
            onWrite();
          }
          return r;
        });
  let control: ControlServer | undefined;
  try {
    control = await serveControl(config.dataDir, handle, log);
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'no control channel: `ingest --once` and the operator commands cannot reach this worker');
  }
  // The start-up run reads every file as it is (as before the watcher): a file still being copied at start-up is
  // read again when it changes, and one run keeps the merge of the files already there deterministic.
  void scheduler.request({ bulletins: true, feeds: 'all' });
  return {
    ...scheduler,
    async stop() {
      watcher.close();
      await control?.close();
      await scheduler.stop();
    },
  };
}

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

/** Which stored sources the config still lists, and when the worker really tries each next (/status, the status feed, `/`). */
function sourceView(config: Config) {
  const schedules = new Map(config.agencies.flatMap((a) => a.feeds.map((f) => [f.url, f.schedule] as const)));
  return {
    isConfigured: (s: SourceState) => s.kind === 'bulletin' || schedules.has(s.key),
    nextAttempt: (s: SourceState) => {
      const schedule = s.kind === 'bulletin' ? config.bulletinSchedule : schedules.get(s.key);
      if (schedule === undefined) return s.nextAttempt;
      return nextScheduledAttempt(schedule, s.nextAttempt ? new Date(s.nextAttempt) : undefined)?.toISOString() ?? s.nextAttempt;
    },
  };
}

/** Listens and resolves once listening; a port in use rejects. */
function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    // The error names which listener failed (the public or the operator one) for listenOrExit's one line.
    const fail = (e: Error) => reject(Object.assign(e, { listenPort: port, listenHost: host }));
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

const FEED_LIMIT = 50;

/** Push settings: the configured ones, or none at all for a hand-built Config. */
const pushConfig = (config: Config) => config.push ?? { ...PUSH_DEFAULTS, pingHubs: [], webhooks: [] };

/**
 * The app that renders (and, in `start` and `web`, serves) the documents. With PUBLIC_URL the subscription feeds
 * advertise the hub; `push` wires POST /websub (spooled for the worker) and the push part of /status.
 */
function makeApp(config: Config, store: Store, log: Log, push?: { onSpooled?: () => void; status: () => unknown }) {
  const trusted = compileTrust(config.trustProxy);
  // Behind a proxy TRUST_PROXY names, the client is the last address it appended to X-Forwarded-For.
  const clientOf = (req: IncomingMessage): string => {
    const peer = req.socket.remoteAddress ?? '?';
    if (!trusted(peer)) return peer;
    const xff = req.headers['x-forwarded-for'];
    const last = (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',').map((a) => a.trim()).filter((a) => a !== '').pop();
    return last ?? peer;
  };
  const pc = pushConfig(config);
  const view = sourceView(config);
  return createApp({
    sources: view,
    snapshot: versionOf(store),
    health: () => health.snapshot(),
    // An agency's homepage is published as its feeds' link: a credential in it is redacted like a feed URL's.
    agencies: config.agencies.map((a) => (a.homepage ? { ...a, homepage: redactSecrets(a.homepage) } : a)),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    publish: {
      limit: FEED_LIMIT,
      maxAgeSeconds: shortestInterval(config),
      isConfigured: view.isConfigured,
      nextAttempt: view.nextAttempt,
      health: () => health.snapshot(),
      ...(config.publicUrl ? { hub: hubUrl(config.publicUrl) } : {}),
    },
    log,
    onPublish: (p) => log.debug({ baseUrl: p.baseUrl, version: p.version, documents: p.documents, ms: Math.round(p.ms) }, 'rendered the default documents'),
    ...(config.intake?.token ? { intake: bulletinIntake(config, store, log) } : {}),
    ...(push
      ? {
          websub: createWebsubEndpoint({
            ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
            defaultLimit: FEED_LIMIT,
            allowHosts: config.fetch.allowHosts ?? [],
            ratePerMinute: pc.ratePerMinute,
            spoolDir: spoolDir(config.dataDir),
            clientOf,
            ...(push.onSpooled ? { onSpooled: push.onSpooled } : {}),
            log,
          }),
          pushStatus: push.status,
        }
      : {}),
  });
}

/** The worker's hub and webhooks, rendering through `web` (the serving app in `start`, a private one in `worker`). */
function makePush(config: Config, web: ReturnType<typeof createApp>, log: Log, metrics: Metrics, shareStatus: boolean, onActivity?: () => void): PushService {
  return createPushService({
    dataDir: config.dataDir,
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    config: pushConfig(config),
    allowHosts: config.fetch.allowHosts ?? [],
    userAgent: userAgent(config),
    defaultLimit: FEED_LIMIT,
    publication: () => web.publication(),
    feedDocument: (p, q) => web.feedDocument(p, q),
    log,
    registry: metrics.registry,
    shareStatus,
    ...(onActivity ? { onActivity } : {}),
    ...(config.retentionDays ? { retentionDays: config.retentionDays } : {}),
  });
}

/** The web tier: serves what the store holds; /metrics is answered here, everything else by the app. */
async function startWeb(
  config: Config,
  store: Store,
  log: Log,
  metrics: Metrics,
  withWorkerMetrics = false,
  push?: { onSpooled?: () => void; status: () => unknown },
  /** Ports opened before the store was loaded (openPortsEarly): taken over instead of opened here. */
  early?: EarlyPorts,
): Promise<{ server: Server; prerender: () => void; web: ReturnType<typeof createApp>; operatorServer?: Server }> {
  const web = makeApp(config, store, log, push);
  // The documents are rendered once right after each store change (for every Host at once), never by a request.
  const prerender = () => {
    web.publication();
  };
  prerender();
  const t = config.http ?? HTTP_DEFAULTS;
  const limits = serverLimits(config);
  const serveMetrics = (req: IncomingMessage, res: ServerResponse) => {
    metrics.observeStore(store.data);
    const worker = withWorkerMetrics
      ? Promise.resolve()
          .then(() => readTextSync(workerMetricsFile(config)))
          .catch(() => '')
          .then((w) => withLiveWorkerFigures(w, liveWorker))
      : Promise.resolve('');
    void Promise.all([metrics.render(), worker]).then(
      ([m, w]) => res.writeHead(200, { 'Content-Type': m.contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(req.method === 'HEAD' ? undefined : redactSecrets(w ? `${m.body}\n${w}` : m.body)),
      (e: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${(e as Error).message}\n`),
    );
  };
  /** /metrics, /status/detail, /healthz, /readyz: the operator listener, or a public request bearing OPERATOR_TOKEN. */
  const serveOperator = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) serveMetrics(req, res);
    else web.handleOperator(req, res);
    metrics.observeRequest(req, res);
  };
  const token = config.operator?.token;
  const server: Server = early?.server ?? createServer(limits);
  // An early port answered 503 until now (web/before-load.ts); from here on, the app answers.
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (draining.has(server)) res.setHeader('Connection', 'close');
    // Without the token an operator path is what it is on the public app: a 404, as for any path not there.
    if (token !== undefined && isOperatorPath(req.url) && bearerMatches(req, token)) return serveOperator(req, res);
    web.handle(req, res);
    metrics.observeRequest(req, res);
  });
  // An idle keep-alive connection: readers poll minutes apart, so a socket kept longer serves nobody; 5 s
  // covers a page and what it loads next. A proxy keeping upstream connections must drop them sooner (docs/nginx.conf).
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  // A socket on which nothing moves either way while a response is pending (a client that stopped reading):
  // destroyed after this long. Slow but moving readers are not cut off.
  server.timeout = t.idleTimeoutMs;
  // Browsers send about 20 headers; Node parses up to 2,000 by default. Extra ones are dropped, not refused.
  server.maxHeadersCount = 100;
  // maxRequestsPerSocket stays unlimited: past it Node answers 503 to pipelined requests, and keepAliveTimeout
  // already bounds how long one client holds a socket between requests.
  const port = early ? early.port : await listen(server, config.port, config.host);
  log.info({ port, host: config.host ?? '(all interfaces)', feeds: config.feedsDir, data: config.dataDir }, `pressroom listening on http://${config.host ?? 'localhost'}:${port}`);
  let operatorServer: Server | undefined;
  const op = config.operator;
  if (op?.port !== undefined) {
    const opServer = early?.operatorServer ?? createServer(limits);
    operatorServer = opServer;
    opServer.removeAllListeners('request');
    opServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (draining.has(opServer)) res.setHeader('Connection', 'close');
      serveOperator(req, res);
    });
    opServer.keepAliveTimeout = t.keepAliveTimeoutMs;
    const opPort = early?.operatorPort ?? (await listen(opServer, op.port, op.host));
    if (!/^(127\.|::1$|localhost$)/.test(op.host)) log.warn({ host: op.host }, 'OPERATOR_HOST is not a loopback address: /metrics and /status/detail are reachable from the network on the operator port');
    log.info({ port: opPort, host: op.host }, `operator endpoints (/metrics, /status/detail) on http://${op.host.includes(':') ? `[${op.host}]` : op.host}:${opPort}`);
  } else if (token === undefined) {
    log.warn({}, 'operator endpoints (/metrics, /status/detail) are off: set OPERATOR_PORT (a loopback listener) or OPERATOR_TOKEN (a bearer token on the public port)');
  }
  return { server, prerender, web, ...(operatorServer ? { operatorServer } : {}) };
}

/** The bounds every listener is created with (they cannot be changed once it is). */
function serverLimits(config: Config) {
  const t = config.http ?? HTTP_DEFAULTS;
  return {
    // From the first byte of a request to its last header (slowloris: headers one byte at a time). Node's 60 s
    // lets a few hundred slow clients hold every socket; real clients send their headers in one packet.
    headersTimeout: t.headersTimeoutMs,
    // The whole request, headers and body: every route is GET/HEAD, so there is no body worth waiting for.
    requestTimeout: t.requestTimeoutMs,
    // Node checks both bounds only this often (30 s by default, which would let a slow client overstay its
    // bound by up to 30 s); the check walks the open connections, cheap once a second.
    connectionsCheckingInterval: Math.min(1000, t.headersTimeoutMs),
  };
}

/** Listeners opened before the store is loaded, answering 503 until startWeb takes them over. */
interface EarlyPorts {
  server: Server;
  port: number;
  operatorServer?: Server;
  operatorPort?: number;
}

/**
 * Opens the ports before the store is read (which takes seconds for a large store), answering `503` with
 * `Retry-After` (and `/readyz` `503 not ready`) until it is: a check or a reader then gets an answer, not a refused
 * connection. Not in a PM2 cluster instance: the cluster hands a listening instance its share of readers'
 * connections at once, so during `pm2 reload` a new instance listening early would answer them 503 while the old
 * one could still serve them. There the ports open once the store is loaded, as before.
 */
async function openPortsEarly(config: Config, log: Log): Promise<EarlyPorts | undefined> {
  if (cluster.isWorker) return undefined;
  const limits = serverLimits(config);
  const server = createServer(limits, answerBeforeLoad({ operatorListener: false, ...(config.operator?.token !== undefined ? { token: config.operator.token } : {}) }));
  const port = await listen(server, config.port, config.host);
  const op = config.operator;
  let operator: { operatorServer: Server; operatorPort: number } | undefined;
  if (op?.port !== undefined) {
    const operatorServer = createServer(limits, answerBeforeLoad({ operatorListener: true }));
    operator = { operatorServer, operatorPort: await listen(operatorServer, op.port, op.host) };
  }
  log.info(
    { port, host: config.host ?? '(all interfaces)', ...(operator ? { operatorPort: operator.operatorPort } : {}) },
    `port ${port}${operator ? ` (operator port ${operator.operatorPort})` : ''} open, answering 503 until the store is loaded`,
  );
  return { server, port, ...operator };
}

/** `POST /bulletins`: the web process only drops the body into the folder; the worker's watcher ingests it. */
function bulletinIntake(config: Config, store: Store, log: Log) {
  const intake = config.intake!;
  return createBulletinIntake({
    token: intake.token!,
    maxBytes: intake.maxBytes,
    bulletinsDir: config.bulletinsDir,
    agencies: () => knownAgencies(config.agencies, store.data.discoveredAgencies),
    log,
  });
}

/**
 * A port that cannot be had ends the process with one line (`port 8080 is in use`) and exit code 1, the store (when
 * it is open already) closed first so that no lock is left behind.
 */
async function listenOrExit<T>(config: Config, store: Pick<Store, 'close'> | undefined, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw e;
    await store?.close().catch(() => undefined);
    const { listenPort = config.port, listenHost = config.host } = e as { listenPort?: number; listenHost?: string };
    const on = listenHost ? ` on ${listenHost}` : '';
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `pressroom: port ${listenPort} is in use${on}\n`
        : code === 'EACCES'
          ? `pressroom: port ${listenPort}${on} needs privileges this process does not have\n`
          : `pressroom: ${listenHost} is not an address of this machine\n`,
    );
    process.exit(1);
  }
}

/** Servers that are shutting down: their answers carry `Connection: close`. */
const draining = new WeakSet<Server>();
/** How long a stopping server keeps answering on open keep-alive connections before it closes them. */
const DRAIN_MS = 1500;

/**
 * Closes without failing a poll: for a moment every answer says `Connection: close`, so clients that are
 * polling drop their keep-alive connection after a complete response instead of finding it reset; only
 * then are the remaining idle connections closed (server.close() does that since Node 19).
 */
async function closeServer(server: Server): Promise<void> {
  draining.add(server);
  await new Promise((r) => setTimeout(r, DRAIN_MS));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 5000).unref())]);
  server.closeAllConnections();
}

/**
 * Holds a SIGTERM or SIGINT that arrives while the last parts start (after the port serves, before onSignals has
 * what to stop): without a listener Node ends the process at once, with no clean stop and no exit code. The held
 * signal is raised again once onSignals listens; the returned function does that.
 */
function holdSignalsUntilStarted(): () => void {
  let held: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => void (held ??= signal);
  process.on('SIGTERM', hold);
  process.on('SIGINT', hold);
  return () => {
    process.off('SIGTERM', hold);
    process.off('SIGINT', hold);
    if (held) process.kill(process.pid, held);
  };
}

function onSignals(log: Log, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop().then(
      () => {
        log.info({}, 'stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: (e as Error).stack }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** `start`: worker and web in one process. */
async function start(): Promise<void> {
  const { config, announce } = serviceConfigOrExit('all');
  const log = makeLog(config);
  announce(log);
  const early = await listenOrExit(config, undefined, () => openPortsEarly(config, log));
  const store = await openOrExit(config, true, log);
  const metrics = createMetrics('all');
  onCommitFailure = () => metrics.observeCommitFailure();
  watchStoreHealth(store, health, { dataDir: config.dataDir, writer: true, log });
  const started = holdSignalsUntilStarted();
  let push: PushService | undefined;
  const { server, prerender, web, operatorServer } = await listenOrExit(config, store, () =>
    startWeb(config, store, log, metrics, false, { onSpooled: () => push?.kick(), status: () => push?.status() }, early),
  );
  // The status file too: a `web` process beside this one (on the same DATA_DIR) shows the same push state.
  push = makePush(config, web, log, metrics, true);
  await push.start();
  process.send?.('ready');
  const parser = parsePool(config);
  const scheduler = await startWorker(config, store, log, metrics, parser, () => {
    prerender();
    push?.changed();
  });
  onSignals(log, async () => {
    const closing = Promise.all([closeServer(server), operatorServer && closeServer(operatorServer)]);
    // The run in flight is aborted; a source on a parse thread is ended there, not waited for.
    await Promise.all([scheduler.stop(), parser.close(), push?.close()]);
    await closing;
    await store.close();
  });
  started();
}

/** `worker`: the one process that fetches and writes (PM2 fork mode, one instance). */
async function worker(): Promise<void> {
  const { config, announce } = serviceConfigOrExit('all');
  const log = makeLog(config);
  announce(log);
  const store = await openOrExit(config, true, log);
  const metrics = createMetrics('worker');
  onCommitFailure = () => metrics.observeCommitFailure();
  watchStoreHealth(store, health, { dataDir: config.dataDir, writer: true, log });
  const parser = parsePool(config);
  // The hub delivers the feeds as the web tier serves them: the worker renders them with the same app, unserved.
  const push = makePush(config, makeApp(config, store, log), log, metrics, true, () => void shareWorkerMetrics(config, metrics, log));
  await push.start();
  const scheduler = await startWorker(config, store, log, metrics, parser, () => push.changed(), true);
  log.info({ data: config.dataDir }, 'pressroom worker running');
  process.send?.('ready');
  onSignals(log, async () => {
    await Promise.all([scheduler.stop(), parser.close(), push.close()]);
    await store.close();
  });
}

/** How often the read-only web tier looks for a store the worker has written. */
const RELOAD_MS = 1000;

/** `web`: read-only; serves what the worker last wrote, picked up within a second or two, no restart. */
async function webOnly(): Promise<void> {
  tuneHeapForWebTier();
  const { config, announce } = serviceConfigOrExit('web');
  const log = makeLog(config);
  announce(log);
  const early = await listenOrExit(config, undefined, () => openPortsEarly(config, log));
  const store = await openOrExit(config, false, log);
  const metrics = createMetrics('web');
  // The writer's word (e.g. that it cannot write) is had before the first answer: at most a second's wait.
  await watchStoreHealth(store, health, { dataDir: config.dataDir, writer: false, log, onHolder: (h) => (liveWorker = liveFiguresOf(h)) }).first;
  let prerender = () => {};
  const timer = setInterval(() => {
    store.reload().then(
      (changed) => {
        if (!changed) return;
        log.debug({}, 'store reloaded');
        prerender();
      },
      (e: unknown) => log.warn({ err: (e as Error).message }, 'store reload failed; serving the last good copy'),
    );
  }, RELOAD_MS);
  // POST /websub is spooled in DATA_DIR for the worker; the push part of /status is the file the worker leaves there.
  const web = await listenOrExit(config, store, () => startWeb(config, store, log, metrics, true, { status: pushStatusReader(config.dataDir) }, early));
  const server = web.server;
  prerender = web.prerender;
  process.send?.('ready');
  onSignals(log, async () => {
    clearInterval(timer);
    await Promise.all([closeServer(server), web.operatorServer && closeServer(web.operatorServer)]);
    await store.close();
  });
}

function usage(line: string): void {
  process.stderr.write(`usage: pressroom ${line}\n`);
  process.exitCode = 2;
}

async function main(argv: string[]): Promise<void> {
  // `pressroom status | head`: the reader went away; what was left to print has nobody to read it.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      once: { type: 'boolean' },
      backfill: { type: 'boolean' },
      explain: { type: 'string' },
      teaser: { type: 'string' },
      json: { type: 'boolean' },
      undo: { type: 'boolean' },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const cmd = positionals[0] ?? 'start';
  if (values.help || cmd === 'help') {
    process.stdout.write(HELP);
    return;
  }
  switch (cmd) {
    case 'start':
      return start();
    case 'worker':
      return worker();
    case 'web':
      return webOnly();
    case 'ingest':
      process.exitCode = await ingestOnce();
      return;
    case 'fulltext':
      process.exitCode =
        typeof values.explain === 'string'
          ? await explainOnce(values.explain, typeof values.teaser === 'string' ? values.teaser : undefined)
          : await fulltextOnce(values.backfill === true);
      return;
    case 'check-config':
      process.exitCode = await checkConfig();
      return;
    case 'withdraw': {
      const id = positionals[1];
      if (!id || positionals.length > 2) return usage('withdraw <story-id> [--reason TEXT] | withdraw --undo <story-id>');
      process.exitCode = await operatorCommand(values.undo ? { cmd: 'unwithdraw', id } : { cmd: 'withdraw', id, ...(typeof values.reason === 'string' ? { reason: values.reason } : {}) });
      return;
    }
    case 'agencies': {
      const [, verb, id] = positionals;
      if (verb === undefined) {
        process.exitCode = await listAgencies();
        return;
      }
      if ((verb !== 'forget' && verb !== 'restore') || !id || positionals.length > 3) return usage('agencies [forget <id> | restore <id>]');
      process.exitCode = await operatorCommand(verb === 'forget' ? { cmd: 'forget', agency: id } : { cmd: 'restore', agency: id });
      return;
    }
    case 'status':
      process.exitCode = await status();
      return;
    case 'check-bulletin':
      process.exitCode = await checkBulletins(positionals.slice(1), values.json === true);
      return;
    default:
      process.stderr.write(`pressroom: unknown command "${cmd}"\n\n${HELP}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  // A store error (a commit of `ingest --once` on a full disk) is one line; anything else is a bug: its stack.
  process.stderr.write(`pressroom: ${redactSecrets(e instanceof StoreError ? e.message : ((e as Error).stack ?? String(e)))}\n`);
  process.exit(1);
});
