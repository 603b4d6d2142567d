// One ingest run: read the due sources, each isolated from the others, merge their items, write the store once.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Config } from '../config.js';
import type { Agency, Incoming, RecoveredIncident, SourceState, StoreData } from '../model.js';
import { fetchFeed } from '../sources/fetch-feed.js';
import { listBulletins, readBulletin } from '../sources/read-bulletins.js';
import { openForWriting } from '../sources/open-for-writing.js';
import { printableName } from '../text/printable.js';
import { knownAgencies } from '../stories/agencies.js';
import { mergeIncoming } from '../stories/merge.js';
import { linkCorrections } from '../stories/bulletin-corrections.js';
import { applyForgotten, reconcileBulletin, restoreAgency, restoreCarried, type WithdrawalChange } from '../stories/withdraw.js';
import type { Store } from '../store/store.js';
import { nextAttemptAfterFailure } from './backoff.js';
import { inlineParser, type ParseRunner } from './parse-pool.js';
import { completeTeasers, type FulltextDeps, type PageReport } from './fulltext.js';

export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IngestPlan {
  bulletins: boolean;
  /** Feed URLs to poll; 'all' for every configured feed. */
  feeds: string[] | 'all';
  /** Poll even sources that are backing off (the one-shot command). */
  force?: boolean;
  /** Page fetches for teaser stories after the merge (worker/fulltext.ts); on unless `false`. */
  fulltext?: false | { backfill?: boolean };
  /**
   * Bulletins modified less than this long ago are left for a later run (the daemon's runs: a file still being
   * written or copied must not be read half-way). Unset: read every file now (`ingest --once`, tests).
   */
  settleMs?: number;
  /** A bulletin file missing for this long is a deletion (config BULLETIN_DELETE_GRACE_MS). Unset: the config's. */
  deleteGraceMs?: number;
}

export interface SourceReport {
  kind: 'feed' | 'bulletin';
  key: string;
  agency?: string;
  outcome: 'fetched' | 'not-modified' | 'unchanged' | 'failed' | 'backing-off';
  message?: string;
  items: number;
  created: number;
  updated: number;
  /** Time to read or fetch and parse the source. */
  ms?: number;
}

export interface IngestReport {
  sources: SourceReport[];
  created: number;
  updated: number;
  wrote: boolean;
  aborted: boolean;
  writeMs?: number;
  /** One entry per story page attempted this run. */
  pages?: PageReport[];
  /** Bulletins left for a later run because they changed less than `settleMs` ago. */
  settling?: number;
  /** Bulletin files found missing, still within their grace period: the run to check them again is due then. */
  missing?: { file: string; deletesAt: string }[];
  /** Stories withdrawn or restored this run (stories/withdraw.ts), each also logged. */
  withdrawals?: WithdrawalChange[];
}

export interface IngestDeps {
  config: Config;
  store: Store;
  log: Log;
  now: () => Date;
  userAgent: string;
  signal?: AbortSignal;
  /**
   * Where sources are parsed and normalised: the daemon passes its thread pool (parse-pool.ts), which bounds
   * each source's time. Without one the work runs inline, unbounded: for tests and benches of the merge.
   */
  parser?: ParseRunner;
  /** Tests only: DNS and address classes for page fetches (worker/fulltext.ts). */
  pageFetch?: FulltextDeps['pageFetch'];
}

/**
 * The merge runs on the thread that, in `pressroom start`, also serves HTTP: one source's items may spend this
 * long comparing themselves with stored stories (merge.ts MergeOptions). A real batch needs a few milliseconds.
 */
const MERGE_COMPARE_BUDGET_MS = 250;

/** A failure as the source's state records it: from the fetch, the parser or the parse thread. */
type Failure = { code: string; message: string; status?: number; retryAfterMs?: number; movedTo?: string; detail?: string };

interface Collected {
  report: SourceReport;
  state: SourceState;
  incoming: Incoming[];
  discovered: { id: string; name: string; line: number }[];
  /** A bulletin read whole: the file is the author's current word, and what it no longer says is withdrawn. */
  wholeBulletin?: boolean;
}

/** How long a changed bulletin that some process holds open for writing waits for it to close (sources/open-for-writing.ts). */
const OPEN_WRITER_WAIT_MS = 10 * 60_000;

async function collectBulletin(deps: IngestDeps, name: string, data: StoreData, agencies: Agency[], nowIso: string, force: boolean, settleMs?: number): Promise<Collected | 'settling' | undefined> {
  const prev = data.sources[`bulletin:${name}`];
  const file = await readBulletin(deps.config.bulletinsDir, name);
  // Changed a moment ago: perhaps still being written or copied in pieces. The watcher (or the next run) comes back.
  // A modification time in the future (another machine's clock, `cp -p`) tells nothing: such a file is read now.
  const age = deps.now().getTime() - Date.parse(file.ok ? file.mtime : '');
  if (file.ok && settleMs && age >= 0 && age < settleMs && prev?.contentHash !== file.hash) return 'settling';
  // Settled by its size and time, but a writer still holds it open (a copy pausing between pieces): not yet. A
  // file left open for longer than OPEN_WRITER_WAIT_MS after its last change is read anyway.
  if (file.ok && settleMs && age >= 0 && age < OPEN_WRITER_WAIT_MS && prev?.contentHash !== file.hash && (await openForWriting(path.join(deps.config.bulletinsDir, name)))) return 'settling';
  const { missingSince: _gone, ...present } = prev ?? { consecutiveFailures: 0 };
  const base: SourceState = { ...present, kind: 'bulletin', key: name, lastAttempt: nowIso };
  if (file.ok && prev?.contentHash === file.hash) return undefined; // ingested once per content
  // Content that was too slow or crashed its thread waits for its back-off; an edited file does not.
  if (file.ok && !force && prev?.failedContentHash === file.hash && prev.nextAttempt && Date.parse(prev.nextAttempt) > deps.now().getTime()) return undefined;
  if (!file.ok) {
    deps.log.warn({ source: `bulletin:${name}`, reason: file.reason }, `bulletin ${printableName(name)}: ${printableName(file.reason)}`);
    return {
      report: { kind: 'bulletin', key: name, outcome: 'failed', message: file.reason, items: 0, created: 0, updated: 0 },
      state: {
        ...base,
        errorCode: 'unreadable',
        errorMessage: file.reason,
        consecutiveFailures: (prev?.consecutiveFailures ?? 0) + 1,
        failingSince: prev?.consecutiveFailures && prev.failingSince ? prev.failingSince : nowIso,
      },
      incoming: [],
      discovered: [],
    };
  }
  const result = await (deps.parser ?? inlineParser()).run(
    {
      kind: 'bulletin',
      text: file.text,
      file: name,
      fileTime: file.mtime,
      agencies,
      nowIso,
      encoding: file.encoding,
      ...(file.encodingWarning ? { encodingWarning: file.encodingWarning } : {}),
    },
    deps.signal,
  );
  if (!result.ok) {
    if (result.code === 'aborted') return undefined; // shutting down: the file is read again next time
    deps.log.warn({ source: `bulletin:${name}`, code: result.code, ms: Math.round(result.ms) }, `bulletin ${printableName(name)}: ${result.message}`);
    const now = deps.now();
    return {
      report: { kind: 'bulletin', key: name, outcome: 'failed', message: `${result.code}: ${result.message}`, items: 0, created: 0, updated: 0 },
      state: { ...failureState(base, { code: result.code, message: result.message }, now), failedContentHash: file.hash },
      incoming: [],
      discovered: [],
    };
  }
  const parsed = result.outcome;
  for (const w of parsed.warnings)
    deps.log.warn({ source: `bulletin:${name}`, line: w.line }, `bulletin ${printableName(name)}${w.line ? ` line ${w.line}` : ''}: ${printableName(w.message)}`);
  const { incoming, discovered } = parsed;
  const { errorCode: _c, errorMessage: _m, failingSince: _f, nextAttempt: _n, failedContentHash: _h, ...clean } = base;
  return {
    report: { kind: 'bulletin', key: name, outcome: 'fetched', items: incoming.length, created: 0, updated: 0 },
    // A file with no item at all (emptied, saved as a binary) is a slip, not the author's word: what it made is kept
    // until the file says something again or is deleted.
    wholeBulletin: incoming.length > 0,
    state: {
      ...clean,
      ...(base.consecutiveFailures > 0 ? { recovered: recoveredIncident(base, nowIso) } : {}),
      lastSuccess: nowIso,
      consecutiveFailures: 0,
      contentHash: file.hash,
      itemsLastFetch: incoming.length,
      warnings: parsed.warnings.map((w) => (w.line ? `line ${w.line}: ${w.message}` : w.message)),
    },
    incoming,
    discovered,
  };
}

function failureState(last: SourceState, r: Failure, now: Date): SourceState {
  const { errorDetail: _stale, ...prev } = last;
  const failures = prev.consecutiveFailures + 1;
  const next = nextAttemptAfterFailure(failures, now, {
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
    gone: r.code === 'gone',
  });
  return {
    ...prev,
    ...(r.status !== undefined ? { lastStatus: r.status } : {}),
    errorCode: r.code,
    errorMessage: r.message,
    ...(r.detail !== undefined ? { errorDetail: r.detail } : {}),
    consecutiveFailures: failures,
    nextAttempt: next.toISOString(),
    gone: r.code === 'gone',
    ...(r.movedTo ? { movedTo: r.movedTo } : {}),
    // The incident's start (its id in /feeds/status.atom): the first failure after a success, kept until one.
    failingSince: prev.consecutiveFailures > 0 && prev.failingSince ? prev.failingSince : now.toISOString(),
  };
}

/** The run of failures that a success ends; a state from before `failingSince` existed falls back to its last success. */
function recoveredIncident(s: SourceState, nowIso: string): RecoveredIncident {
  return {
    since: s.failingSince ?? s.lastSuccess ?? s.lastAttempt ?? nowIso,
    at: nowIso,
    failures: s.consecutiveFailures,
    ...(s.errorCode ? { errorCode: s.errorCode } : {}),
    ...(s.errorMessage ? { errorMessage: s.errorMessage } : {}),
  };
}

async function collectFeed(deps: IngestDeps, agency: Agency, url: string, data: StoreData, force: boolean): Promise<Collected | undefined> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const key = `feed:${url}`;
  const prev: SourceState = data.sources[key] ?? { kind: 'feed', key: url, agency: agency.id, consecutiveFailures: 0 };
  if (!force && prev.nextAttempt && Date.parse(prev.nextAttempt) > now.getTime()) {
    return {
      report: { kind: 'feed', key: url, agency: agency.id, outcome: 'backing-off', message: `next attempt ${prev.nextAttempt}`, items: 0, created: 0, updated: 0 },
      state: prev,
      incoming: [],
      discovered: [],
    };
  }
  const attempt: SourceState = { ...prev, kind: 'feed', key: url, agency: agency.id, lastAttempt: nowIso };
  const validators = {
    ...(prev.etag ? { etag: prev.etag } : {}),
    ...(prev.lastModified ? { lastModified: prev.lastModified } : {}),
    ...(prev.contentHash ? { contentHash: prev.contentHash } : {}),
  };
  const requestHeaders = agency.feeds.find((f) => f.url === url)?.headers;
  const r = await fetchFeed(url, validators, { ...deps.config.fetch, userAgent: deps.userAgent, ...(deps.signal ? { signal: deps.signal } : {}), ...(requestHeaders ? { requestHeaders } : {}) });
  const fail = (res: Failure): Collected => {
    deps.log.warn({ source: key, agency: agency.id, code: res.code, status: res.status, detail: res.detail }, `feed ${url}: ${res.message}`);
    return {
      report: { kind: 'feed', key: url, agency: agency.id, outcome: 'failed', message: `${res.code}: ${res.message}`, items: 0, created: 0, updated: 0 },
      state: failureState(attempt, res, now),
      incoming: [],
      discovered: [],
    };
  };
  if (r.kind === 'failed') return fail(r);
  if (r.movedTo)
    deps.log.warn({ source: key, movedTo: r.movedTo }, `feed ${url} has moved permanently to ${r.movedTo}: update feeds/agencies/${agency.id}.json`);
  const ok = (extra: Partial<SourceState>): SourceState => {
    const { errorCode: _c, errorMessage: _m, errorDetail: _d, nextAttempt: _n, gone: _g, failingSince: _f, ...clean } = attempt;
    return {
      ...clean,
      ...extra,
      lastSuccess: nowIso,
      consecutiveFailures: 0,
      // A run of failures ends here: the status feed shows it as recovered under the same incident id.
      ...(attempt.consecutiveFailures > 0 ? { recovered: recoveredIncident(attempt, nowIso) } : {}),
      ...(r.movedTo ? { movedTo: r.movedTo, movedSince: attempt.movedTo === r.movedTo && attempt.movedSince ? attempt.movedSince : nowIso } : {}),
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.lastModified ? { lastModified: r.lastModified } : {}),
    };
  };
  if (r.kind === 'not-modified') {
    return {
      report: { kind: 'feed', key: url, agency: agency.id, outcome: 'not-modified', items: 0, created: 0, updated: 0 },
      state: ok({ lastStatus: r.status }),
      incoming: [],
      discovered: [],
    };
  }
  const result = await (deps.parser ?? inlineParser()).run(
    { kind: 'feed', body: r.body, finalUrl: r.finalUrl, agency: agency.id, feedUrl: url, timeZone: agency.timezone, nowIso },
    deps.signal,
  );
  // Stopped by a shutdown: nothing is recorded, the run writes nothing (the scheduler aborted it).
  if (!result.ok && result.code === 'aborted') return undefined;
  // Too slow or crashed its thread: a failure of this source like any other, with its back-off.
  if (!result.ok) return fail({ code: result.code, message: result.message, status: r.status });
  const parsed = result.outcome;
  if (!parsed.ok) return fail({ code: parsed.code, message: parsed.message, status: r.status });
  const { incoming } = parsed;
  // How the body was read comes first: a guessed charset explains any odd letter further down.
  const warnings = r.encodingWarning ? [{ line: 0, message: r.encodingWarning }, ...parsed.warnings] : parsed.warnings;
  for (const w of warnings) deps.log.warn({ source: key }, `feed ${url}: ${w.message}`);
  return {
    report: { kind: 'feed', key: url, agency: agency.id, outcome: 'fetched', items: incoming.length, created: 0, updated: 0 },
    state: ok({ lastStatus: r.status, contentHash: r.contentHash, itemsLastFetch: incoming.length, warnings: warnings.map((w) => w.message) }),
    incoming,
    discovered: [],
  };
}

/** Runs one ingest over the plan's sources and commits the result in one write (none if aborted or unchanged). */
export async function runIngest(deps: IngestDeps, plan: IngestPlan): Promise<IngestReport> {
  const start = deps.store.data;
  const nowIso = deps.now().toISOString();
  // The configured agencies plus those first named by bulletins.
  const agencies = knownAgencies(deps.config.agencies, start.discoveredAgencies);
  const collected: Collected[] = [];
  let settling = 0;
  /** Bulletin files present now; undefined when the folder could not be listed (then nothing counts as deleted). */
  let present: Set<string> | undefined;

  if (plan.bulletins) {
    let names: string[] = [];
    try {
      names = await listBulletins(deps.config.bulletinsDir);
      // A drop folder that is not there (an unmounted share) says nothing about its files.
      if (await isDirectory(deps.config.bulletinsDir)) present = new Set(names);
    } catch (e) {
      deps.log.error({ dir: deps.config.bulletinsDir }, `cannot list bulletins: ${(e as Error).message}`);
    }
    for (const name of names) {
      if (deps.signal?.aborted) break;
      try {
        const t0 = performance.now();
        const c = await collectBulletin(deps, name, start, agencies, nowIso, plan.force ?? false, plan.settleMs);
        if (c === 'settling') settling++;
        else if (c) collected.push({ ...c, report: { ...c.report, ms: performance.now() - t0 } });
      } catch (e) {
        // A parser bug must cost one file, never the run.
        deps.log.error({ source: `bulletin:${name}`, err: (e as Error).stack }, `bulletin ${printableName(name)}: ${printableName((e as Error).message)}`);
      }
    }
  }

  const feeds = deps.config.agencies.flatMap((a) => a.feeds.map((f) => ({ agency: a, url: f.url })));
  const due = plan.feeds === 'all' ? feeds : feeds.filter((f) => (plan.feeds as string[]).includes(f.url));
  // One request at a time per host, a few hosts at once.
  const byHost = new Map<string, typeof due>();
  for (const f of due) {
    const host = new URL(f.url).host;
    byHost.set(host, [...(byHost.get(host) ?? []), f]);
  }
  const limit = pLimit(deps.config.fetch.concurrency);
  const feedResults = await Promise.all(
    [...byHost.values()].map((group) =>
      limit(async () => {
        const out: Collected[] = [];
        for (const f of group) {
          if (deps.signal?.aborted) break;
          try {
            const t0 = performance.now();
            const c = await collectFeed(deps, f.agency, f.url, start, plan.force ?? false);
            if (c) out.push({ ...c, report: { ...c.report, ms: performance.now() - t0 } });
          } catch (e) {
            // A bug of ours on a hostile feed must still leave the source visible, failing and backing off.
            deps.log.error({ source: `feed:${f.url}`, err: (e as Error).stack }, `feed ${f.url}: ${(e as Error).message}`);
            const prev: SourceState = start.sources[`feed:${f.url}`] ?? { kind: 'feed', key: f.url, agency: f.agency.id, consecutiveFailures: 0 };
            const now = deps.now();
            out.push({
              report: { kind: 'feed', key: f.url, agency: f.agency.id, outcome: 'failed', message: `internal: ${(e as Error).message}`, items: 0, created: 0, updated: 0 },
              state: failureState({ ...prev, lastAttempt: now.toISOString() }, { code: 'malformed', message: `could not be processed: ${(e as Error).message}` }, now),
              incoming: [],
              discovered: [],
            });
          }
        }
        return out;
      }),
    ),
  );
  collected.push(...feedResults.flat());

  if (deps.signal?.aborted) return { sources: collected.map((c) => c.report), created: 0, updated: 0, wrote: false, aborted: true };

  // Bulletins first, then feeds in config order: the merge is order-independent, the log is easier to read.
  let data: StoreData = { ...start, sources: { ...start.sources }, discoveredAgencies: { ...start.discoveredAgencies } };
  let created = 0;
  let updated = 0;
  const now = deps.now();
  const withdrawals: WithdrawalChange[] = [];
  for (const c of collected) {
    for (const d of c.discovered) data.discoveredAgencies[d.id] ??= { ...d, firstSeen: now.toISOString(), file: c.report.key };
    let carried = new Set<string>();
    if (c.incoming.length) {
      // A re-read bulletin's corrected items find the stories they correct (same id; `updated` moves).
      const batch = c.wholeBulletin ? linkCorrections(data, c.report.key, c.incoming) : c.incoming;
      const m = mergeIncoming(data, batch, now, { compareBudgetMs: MERGE_COMPARE_BUDGET_MS });
      data = m.data;
      carried = new Set(m.placed);
      if (m.notCompared) {
        const w = `${m.notCompared} of ${c.incoming.length} items not compared with stored stories (the ${MERGE_COMPARE_BUDGET_MS} ms comparison budget was spent); matched by their keys only`;
        deps.log.warn({ source: `${c.report.kind}:${c.report.key}` }, `${c.report.kind} ${c.report.key}: ${w}`);
        c.state = { ...c.state, warnings: [...(c.state.warnings ?? []), w] };
      }
      c.report.created = m.created.length;
      c.report.updated = m.updated.length;
      created += m.created.length;
      updated += m.updated.length;
    }
    // A bulletin read whole withdraws what it no longer says; any source brings back what it carries again.
    const w = c.wholeBulletin ? reconcileBulletin(data, c.report.key, carried, now, 'edited') : restoreCarried(data, carried, now);
    data = w.data;
    if (w.changes.length) {
      withdrawals.push(...w.changes);
      c.state = { ...c.state, warnings: [...(c.state.warnings ?? []), ...w.changes.map(describeChange)] };
    }
    data.sources[`${c.report.kind}:${c.report.key}`] = c.state;
  }
  const missing: { file: string; deletesAt: string }[] = [];
  if (present) {
    const grace = plan.deleteGraceMs ?? deps.config.intake?.deleteGraceMs ?? 60_000;
    const d = deletedBulletins(data, present, now, grace, deps.log);
    data = d.data;
    withdrawals.push(...d.changes);
    missing.push(...d.missing);
  }
  // An agency configured since it was forgotten (feeds/agencies/<id>.json added) is the operator's word too.
  let agenciesChanged = false;
  for (const a of deps.config.agencies) {
    if (!data.discoveredAgencies[a.id]?.forgotten) continue;
    const r = restoreAgency(data, a.id, now);
    if (!('error' in r)) {
      data = r.data;
      withdrawals.push(...r.changes);
      agenciesChanged = true;
    }
  }
  const forgotten = applyForgotten(data, now);
  data = forgotten.data;
  withdrawals.push(...forgotten.changes);
  for (const w of withdrawals)
    deps.log.warn({ story: w.id, agency: w.agency, change: w.change, reason: w.reason }, `story ${w.change}: ${JSON.stringify(w.title)} (${w.id}): ${w.reason}`);
  // A discovered agency left with nothing to publish (its only item was a typo that the author fixed): its empty
  // feeds stay until the operator removes them, so say how.
  for (const id of new Set(withdrawals.filter((w) => w.change === 'withdrawn').map((w) => w.agency))) {
    const d = data.discoveredAgencies[id];
    if (d && !d.forgotten && !data.stories.some((s) => s.agency === id && !s.withdrawn))
      deps.log.warn({ agency: id }, `agency ${id} (first named by a bulletin) has no story left; \`pressroom agencies forget ${id}\` removes its feeds`);
  }
  const stateChanged = agenciesChanged || Object.keys(data.sources).length !== Object.keys(start.sources).length || Object.keys(data.sources).some((k) => data.sources[k] !== start.sources[k]);
  let writeMs: number | undefined;
  const commit = async (d: StoreData) => {
    const t0 = performance.now();
    await deps.store.commit(d);
    writeMs = (writeMs ?? 0) + performance.now() - t0;
  };
  // The sources' results are committed before any page is fetched: a slow agency site (up to
  // FULLTEXT_MAX_PER_RUN pages × FETCH_TIMEOUT_MS) must not hold back what the feeds brought.
  if (collected.length > 0 || withdrawals.length > 0 || stateChanged) await commit(data);
  for (const c of collected)
    deps.log.info(
      { source: `${c.report.kind}:${c.report.key}`, agency: c.report.agency, outcome: c.report.outcome, items: c.report.items, created: c.report.created, updated: c.report.updated },
      `${c.report.kind} ${c.report.key}: ${c.report.outcome}${c.report.message ? ` (${c.report.message})` : ''}, ${c.report.created} new, ${c.report.updated} updated`,
    );
  let pages: PageReport[] = [];
  if (plan.fulltext !== false) {
    // From what the store holds now: the commit may have pruned (RETENTION_DAYS).
    const f = await completeTeasers(deps, deps.store.data, now, { backfill: plan.fulltext?.backfill ?? false });
    if (deps.signal?.aborted) return { sources: collected.map((c) => c.report), created, updated, wrote: collected.length > 0, aborted: true, ...(writeMs !== undefined ? { writeMs } : {}) };
    pages = f.pages;
    if (pages.length > 0) await commit(f.data);
  }
  const changed = collected.length > 0 || pages.length > 0 || withdrawals.length > 0 || stateChanged;
  return {
    sources: collected.map((c) => c.report),
    created,
    updated,
    wrote: changed,
    aborted: false,
    ...(writeMs !== undefined ? { writeMs } : {}),
    ...(pages.length ? { pages } : {}),
    ...(settling ? { settling } : {}),
    ...(missing.length ? { missing } : {}),
    ...(withdrawals.length ? { withdrawals } : {}),
  };
}

/** One line for the source's /status warnings. */
function describeChange(w: WithdrawalChange): string {
  const what = w.change === 'withdrawn' ? 'withdrawn' : w.change === 'restored' ? 'restored' : 'no longer from this source';
  return `story ${JSON.stringify(w.title)} (${w.id}) ${what}: ${w.reason}`;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}

/**
 * Bulletin files that were read before and are gone from the drop folder: noted missing at once, a deletion once
 * missing for `graceMs` (a file being replaced by a non-atomic copy disappears for a moment). A deletion withdraws
 * the file's bulletin-only stories like an edit that removed every item, and forgets the source.
 */
function deletedBulletins(data: StoreData, present: ReadonlySet<string>, now: Date, graceMs: number, log: Log): { data: StoreData; changes: WithdrawalChange[]; missing: { file: string; deletesAt: string }[] } {
  const changes: WithdrawalChange[] = [];
  const missing: { file: string; deletesAt: string }[] = [];
  let out = data;
  for (const [k, st] of Object.entries(data.sources)) {
    if (st.kind !== 'bulletin') continue;
    if (present.has(st.key)) {
      // Back within its grace period (a replacement, not a deletion).
      if (st.missingSince) {
        const { missingSince: _m, ...back } = st;
        out = { ...out, sources: { ...out.sources, [k]: back } };
      }
      continue;
    }
    const since = st.missingSince ?? now.toISOString();
    const deletesAt = Date.parse(since) + graceMs;
    if (deletesAt > now.getTime()) {
      if (!st.missingSince) {
        log.warn({ source: k }, `bulletin ${st.key} is gone from the drop folder; its stories are withdrawn at ${new Date(deletesAt).toISOString()} unless it comes back`);
        out = { ...out, sources: { ...out.sources, [k]: { ...st, missingSince: since } } };
      }
      missing.push({ file: st.key, deletesAt: new Date(deletesAt).toISOString() });
      continue;
    }
    const r = reconcileBulletin(out, st.key, new Set(), now, 'deleted');
    const { [k]: _gone, ...sources } = r.data.sources;
    out = { ...r.data, sources };
    changes.push(...r.changes);
    log.warn({ source: k, withdrawn: r.changes.filter((c) => c.change === 'withdrawn').length }, `bulletin ${st.key} was deleted: forgotten as a source`);
  }
  return { data: out, changes, missing };
}
