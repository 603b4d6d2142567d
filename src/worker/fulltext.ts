// The page-fetch step of an ingest run: stories whose fullest text is a teaser get their own page fetched once,
// the article extracted, and the teaser replaced when the page proves to be the same release.
//
// Bounded: at most FULLTEXT_MAX_PER_RUN fetches a run, newest stories first, one request at a time per host,
// never a story older than FULLTEXT_MAX_AGE_DAYS (unless backfilling), never again once accepted, and after a
// failure or refusal only after a back-off, FulltextConfig.maxAttempts times in all. Extraction is CPU work on
// upstream text (parse + Readability, 17–72 ms for a 200 KB page, docs/PERFORMANCE.md): it runs on the parse
// pool's threads under PARSE_BUDGET_MS like a feed, never on the thread that serves HTTP, and pages are capped
// at FULLTEXT_MAX_BYTES.
import pLimit from 'p-limit';
import type { Config, FulltextConfig } from '../config.js';
import type { Agency, BlockedHost, FulltextState, ItemSource, PageCharsetWarning, PageCounts, PageState, StoreData, Story } from '../model.js';
import { MIN_EVIDENCE, teaserEvidence } from '../sources/extract-article.js';
import { fetchPage } from '../sources/fetch-page.js';
import type { FetchOptions, FetchResult } from '../sources/fetch-feed.js';
import { applyPageText } from '../stories/page-text.js';
import { deriveIndex, indexes, noteInIndex } from '../stories/story-index.js';
import { htmlToSummary } from '../stories/summary.js';
import { sourceStateKey } from '../stories/source-key.js';
import { htmlLang } from '../text/language-tag.js';
import { nextAttemptAfterFailure } from './backoff.js';
import { inlineParser, type ParseRunner } from './parse-pool.js';

export interface FulltextDeps {
  config: Config;
  userAgent: string;
  signal?: AbortSignal;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Where pages are parsed: the daemon's thread pool (see ingest.ts IngestDeps.parser); inline without one. */
  parser?: ParseRunner;
  /** Tests only: their own DNS and idea of public address space (fetch-feed.ts FetchOptions). */
  pageFetch?: Pick<FetchOptions, 'resolve' | 'isPublicAddress'>;
}

export interface PageReport {
  story: string;
  agency: string;
  url: string;
  outcome: 'accepted' | 'refused' | 'failed' | 'blocked';
  reason?: string;
  ms: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** Characters of a stored body read for the teaser's text. */
const TEASER_HTML_CHARS = 64 * 1024;
/** First wait after a failed or refused page; doubles each time (backoff.ts). A new release's page often lags its feed item. */
const PAGE_BACKOFF_MS = 15 * 60_000;
/**
 * First wait after a host answers with a bot challenge or a block page; doubles with each block in a row, up to
 * a day. A challenge is the site's policy, not an outage: asking again soon only confirms us as a bot.
 */
const BLOCKED_HOST_MS = 60 * 60_000;
const BLOCKED_HOST_MAX_MS = 24 * 60 * 60_000;

const hostOf = (link: string) => new URL(link).host;

/**
 * Characters of text in a stored body, roughly (tags out, white space folded): cheap enough for every recent
 * story. Stored bodies are sanitised, so every `<` opens a tag that a `>` closes and the scan stays linear.
 */
const textLength = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().length;

/** The stored body's start, as the teaser the page must open with (its links and lists are read on the parse thread). */
const teaserHtml = (story: Story) => story.contentHtml.slice(0, TEASER_HTML_CHARS);

const isHttp = (link: string | undefined): link is string => {
  if (!link) return false;
  try {
    const u = new URL(link);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Stories worth a page fetch now, newest first, at most `limit`. */
export function pickStories(data: StoreData, agencies: readonly Agency[], cfg: FulltextConfig, now: Date, backfill: boolean): Story[] {
  const off = new Set(agencies.filter((a) => a.fulltext === false).map((a) => a.id));
  const oldest = now.getTime() - cfg.maxAgeDays * DAY_MS;
  const pages = data.fulltext?.pages ?? {};
  const blocked = data.fulltext?.blockedHosts ?? {};
  const isBlocked = (link: string) => {
    const b = blocked[hostOf(link)];
    return b !== undefined && Date.parse(b.until) > now.getTime();
  };
  const due: Story[] = [];
  for (const s of data.stories) {
    // Cheapest tests first: this runs over every stored story on every run.
    if (!backfill && Date.parse(s.published) < oldest) continue;
    // A withdrawn story is no one's to complete: its page must not bring it back as a source.
    if (s.withdrawn || off.has(s.agency) || s.bodyFrom.startsWith('page:') || !isHttp(s.link)) continue;
    const p = pages[s.id];
    if (p && (p.outcome === 'accepted' || p.nextAttempt === undefined || Date.parse(p.nextAttempt) > now.getTime())) continue;
    if (!s.teaser && textLength(s.contentHtml) >= cfg.minChars) continue;
    if (Object.keys(blocked).length && isBlocked(s.link)) continue;
    due.push(s);
  }
  due.sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.seq - a.seq));
  return due.slice(0, cfg.maxPerRun);
}

interface Attempt {
  story: Story;
  state: PageState;
  report: PageReport;
  completed?: Story;
  /** The page was read (fetched, whatever the verdict): its charset, guessed (the decoder's warning) or not. */
  charset?: { warning?: string; encoding?: string };
}

/** The story's own source that gave it the link: a `sources` key, as /status rows are keyed. */
function linkingSource(story: Story): string | undefined {
  const s = story.sources.find((x): x is ItemSource => x.kind !== 'page');
  return s === undefined ? undefined : sourceStateKey(s);
}

/**
 * Runs the step over `data` (already merged this run) and returns the new data. Pure apart from the fetches:
 * the caller commits. Stories are replaced in place, so their ids and positions do not change.
 */
export async function completeTeasers(deps: FulltextDeps, data: StoreData, now: Date, opts: { backfill?: boolean } = {}): Promise<{ data: StoreData; pages: PageReport[] }> {
  // loadConfig always sets it; a Config built by hand (tests, benches) without it has the step off.
  const cfg = deps.config.fulltext;
  if (!cfg || cfg.maxPerRun === 0) return { data, pages: [] };
  const agencies = deps.config.agencies;
  const picked = pickStories(data, agencies, cfg, now, opts.backfill ?? false);
  if (picked.length === 0) return { data, pages: [] };

  const byHost = new Map<string, Story[]>();
  for (const s of picked) {
    const host = hostOf(s.link!);
    byHost.set(host, [...(byHost.get(host) ?? []), s]);
  }
  const limit = pLimit(deps.config.fetch.concurrency);
  const attempts = (
    await Promise.all(
      [...byHost.values()].map((group) =>
        limit(async () => {
          const out: Attempt[] = [];
          for (const story of group) {
            if (deps.signal?.aborted) break;
            const agency = agencies.find((a) => a.id === story.agency);
            const selector = agency?.fulltext ? agency.fulltext.selector : undefined;
            const a = await attemptPage(deps, story, data.fulltext?.pages[story.id], cfg, now, selector);
            out.push(a);
            // The host wants a browser: its other pages would only be challenged too.
            if (a.state.outcome === 'blocked') break;
          }
          return out;
        }),
      ),
    )
  ).flat();

  const prev: FulltextState = data.fulltext ?? { pages: {}, counts: {} };
  const pages = { ...prev.pages };
  const counts: Record<string, PageCounts> = { ...prev.counts };
  const blockedHosts: Record<string, BlockedHost> = { ...prev.blockedHosts };
  const charsetWarnings: Record<string, PageCharsetWarning> = { ...prev.charsetWarnings };
  const stories = data.stories.slice();
  const ix = attempts.some((a) => a.completed) ? deriveIndex(data.stories) : undefined;
  const positions = new Map(data.stories.map((s, i) => [s.id, i]));
  let replaced = false;
  for (const a of attempts) {
    pages[a.story.id] = a.state;
    // A teaser too short to be evidence was never fetched: it is in the story's page state, not in the counts.
    if (a.report.reason !== 'no-teaser-text') {
      const c = { ...(counts[a.story.agency] ?? { fetches: 0, accepted: 0, refused: 0, failed: 0 }) };
      c.fetches++;
      c[a.report.outcome] = (c[a.report.outcome] ?? 0) + 1;
      counts[a.story.agency] = c;
    }
    const host = hostOf(a.state.url);
    if (a.state.outcome === 'blocked') {
      const before = blockedHosts[host];
      const blocks = (before?.blocks ?? 0) + 1;
      const wait = Math.min(BLOCKED_HOST_MS * 2 ** Math.min(blocks - 1, 10), BLOCKED_HOST_MAX_MS);
      blockedHosts[host] = { what: a.state.message ?? 'blocked', since: before?.since ?? now.toISOString(), until: new Date(now.getTime() + wait).toISOString(), blocks };
    } else if (a.report.reason !== 'no-teaser-text' && a.state.outcome !== 'failed') delete blockedHosts[host];
    // A charset guess is never silent (README "How agency feeds are read"): the host's last one stays on /status
    // until one of its pages is read without guessing.
    if (a.charset?.warning) {
      const source = linkingSource(a.story);
      charsetWarnings[host] = { agency: a.story.agency, page: a.state.url, ...(source ? { source } : {}), warning: a.charset.warning, encoding: a.charset.encoding ?? 'unknown', at: now.toISOString() };
    } else if (a.charset) delete charsetWarnings[host];
    if (a.completed) {
      const at = positions.get(a.story.id)!;
      stories[at] = a.completed;
      if (a.completed.published !== a.story.published) noteInIndex(ix!, a.completed, at, false);
      replaced = true;
    }
  }
  // Page states of stories no longer stored (retention) go with them.
  for (const id of Object.keys(pages)) if (!positions.has(id)) delete pages[id];
  // A host not asked again for a week after its back-off ended (no story links to it any more) is forgotten.
  for (const [host, b] of Object.entries(blockedHosts)) if (Date.parse(b.until) + 7 * DAY_MS < now.getTime()) delete blockedHosts[host];
  // So is a charset warning no page of the host has renewed for a week.
  for (const [host, w] of Object.entries(charsetWarnings)) if (Date.parse(w.at) + 7 * DAY_MS < now.getTime()) delete charsetWarnings[host];
  if (replaced) indexes.set(stories, ix!);
  return {
    data: { ...data, ...(replaced ? { stories } : {}), fulltext: { pages, counts, ...(Object.keys(blockedHosts).length ? { blockedHosts } : {}), ...(Object.keys(charsetWarnings).length ? { charsetWarnings } : {}) } },
    pages: attempts.map((a) => a.report),
  };
}

async function attemptPage(
  deps: FulltextDeps,
  story: Story,
  prev: PageState | undefined,
  cfg: FulltextConfig,
  now: Date,
  selector: string | undefined,
): Promise<Attempt> {
  const t0 = performance.now();
  const url = story.link!;
  const attempts = (prev?.attempts ?? 0) + 1;
  const nowIso = now.toISOString();
  // A teaser is short; a stored body is up to 1 MiB (normalise.ts): its start is evidence enough, and bounds the
  // work done here, on the thread that may serve HTTP.
  const teaser = htmlToSummary(teaserHtml(story), Number.MAX_SAFE_INTEGER);
  let charset: Attempt['charset'];
  const done = (outcome: PageState['outcome'], extra: Partial<PageState> & { retryAfterMs?: number; final?: boolean }, completed?: Story): Attempt => {
    const { retryAfterMs, final, ...fields } = extra;
    const retry = outcome !== 'accepted' && !final && attempts < cfg.maxAttempts && fields.reason !== 'no-teaser-text';
    const state: PageState = {
      agency: story.agency,
      url,
      attempts,
      lastAttempt: nowIso,
      outcome,
      ...fields,
      ...(retry
        ? { nextAttempt: nextAttemptAfterFailure(attempts, now, { baseMs: PAGE_BACKOFF_MS, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }).toISOString() }
        : {}),
    };
    const report: PageReport = { story: story.id, agency: story.agency, url, outcome, ...(fields.reason ? { reason: fields.reason } : {}), ms: performance.now() - t0 };
    const log = outcome === 'accepted' ? deps.log.info.bind(deps.log) : deps.log.warn.bind(deps.log);
    log({ story: story.id, agency: story.agency, page: url, outcome, reason: fields.reason }, `page ${url}: ${outcome}${fields.message ? ` (${fields.message})` : ''}`);
    return { story, state, report, ...(completed ? { completed } : {}), ...(charset ? { charset } : {}) };
  };

  // Nothing to recognise the page by: not worth a request.
  if (teaserEvidence(teaser).length < MIN_EVIDENCE) return done('refused', { reason: 'no-teaser-text', message: 'the teaser is too short to recognise the release by' });

  const validators = { ...(prev?.etag ? { etag: prev.etag } : {}), ...(prev?.lastModified ? { lastModified: prev.lastModified } : {}) };
  const r: FetchResult = await fetchPage(url, validators, {
    timeoutMs: deps.config.fetch.timeoutMs,
    maxBytes: cfg.maxBytes,
    maxRedirects: deps.config.fetch.maxRedirects,
    userAgent: deps.userAgent,
    ...(deps.config.fetch.allowHosts ? { allowHosts: deps.config.fetch.allowHosts } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...deps.pageFetch,
  });
  // A PDF or an image is no page: refused unread, and not asked for again.
  if (r.kind === 'failed' && r.code === 'not-html') return done('refused', { reason: r.code, message: r.message, final: true });
  // A bot challenge: the teaser stays; this page and its host wait (the host's back-off, see completeTeasers).
  if (r.kind === 'failed' && r.code === 'blocked') return done('blocked', { reason: r.code, message: r.message, retryAfterMs: BLOCKED_HOST_MS });
  if (r.kind === 'failed')
    return done('failed', { reason: r.code, message: r.message, ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}) });
  const kept = { ...(prev?.etag ? { etag: prev.etag } : {}), ...(prev?.lastModified ? { lastModified: prev.lastModified } : {}) };
  // A 304 answers a retry of a page that was refused: it is still the page we refused.
  if (r.kind === 'not-modified') return done('refused', { ...kept, reason: prev?.reason ?? 'not-modified', message: 'page unchanged since it was refused' });
  charset = { ...(r.encodingWarning ? { warning: r.encodingWarning } : {}), ...(r.encoding ? { encoding: r.encoding } : {}) };
  if (r.encodingWarning) deps.log.warn({ story: story.id, agency: story.agency, page: url }, `page ${url}: ${r.encodingWarning}`);
  const fetched = { ...(r.etag ? { etag: r.etag } : {}), ...(r.lastModified ? { lastModified: r.lastModified } : {}) };
  const parsed = await (deps.parser ?? inlineParser()).run(
    { kind: 'page', html: r.body, url: r.finalUrl, teaser, teaserHtml: teaserHtml(story), ...(selector ? { selector } : {}), maxChars: cfg.maxBytes },
    deps.signal,
  );
  // Too slow or crashed: retried after the back-off like a failed fetch (aborted: shutting down). No validators
  // are kept: the page was never read, and a 304 to them would pass for the page we refused.
  if (!parsed.ok) return done('failed', { reason: parsed.code, message: parsed.message });
  const x = parsed.outcome.result;
  if (x.kind === 'refused') return done('refused', { ...fetched, reason: x.reason, message: x.message, final: x.reason === 'not-html' });
  const language = htmlLang(r.body);
  const completed = applyPageText(story, { url: r.finalUrl, html: x.html, ...(x.published ? { published: x.published } : {}), ...(language ? { language } : {}), fetchedAt: nowIso }, now);
  return done('accepted', {}, completed);
}
