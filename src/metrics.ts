// Prometheus metrics (prom-client): fetches, stories, store writes, HTTP answers. One registry per process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreData } from './model.js';
import type { IngestReport } from './worker/ingest.js';
import { redactSecrets } from './text/redact-secrets.js';

/** Low-cardinality route names: a label per URL would grow without bound. */
const routes = new Map<string, string>();

/** The route label of a request URL; memoised, since pollers repeat a handful of URLs. */
function routeOf(url: string): string {
  let route = routes.get(url);
  if (route === undefined) {
    route = classify(url);
    if (routes.size >= 1024) routes.clear();
    routes.set(url, route);
  }
  return route;
}

function classify(url: string): string {
  const path = url.split('?')[0] ?? '';
  if (/^\/feeds\/[^/]+\/archive\//.test(path)) return 'archive';
  if (path === '/feeds/status.atom') return 'status-feed';
  if (path.startsWith('/feeds/')) return url.includes('?') ? 'feed-query' : 'feed';
  if (path.startsWith('/stories/')) return 'story';
  if (path === '/') return 'front';
  // The HTML pages (src/web/html-pages.ts).
  if (path.startsWith('/news/')) return /\/archive(?:\/|$)/.test(path) ? 'archive-page' : /[?&](?:q|category|since)=./.test(url) ? 'search' : 'list';
  if (path === '/subscribe' || path.startsWith('/subscribe/')) return 'subscribe';
  if (path.startsWith('/assets/')) return 'asset';
  if (['/feeds.opml', '/status', '/healthz', '/readyz', '/metrics', '/websub'].includes(path)) return path.slice(1);
  return 'other';
}

export interface Metrics {
  registry: Registry;
  observeRequest(req: IncomingMessage, res: ServerResponse): void;
  observeIngest(report: IngestReport): void;
  /** Sets gauges that are read from the store (stories by agency, last success per source). */
  observeStore(data: StoreData, sizeBytes?: number): void;
  render(): Promise<{ contentType: string; body: string }>;
  /** A store commit failed (it is retried; src/store/store.ts). */
  observeCommitFailure(): void;
}

/**
 * `all` (npm start: one process), `worker` (fetch and store figures) or `web` (HTTP figures). Under PM2 the
 * worker has no HTTP server: it leaves its exposition in a file that every web instance appends to its own,
 * so the two roles must not share a metric name.
 */
export type MetricsRole = 'all' | 'worker' | 'web';

export function createMetrics(role: MetricsRole): Metrics {
  const registry = new Registry();
  const workerSide = role !== 'web' ? [registry] : [];
  const webSide = role !== 'worker' ? [registry] : [];
  collectDefaultMetrics({ register: registry, prefix: role === 'all' ? 'pressroom_process_' : `pressroom_${role}_process_` });
  const fetches = new Counter({ name: 'pressroom_fetches_total', help: 'Source fetches by agency and outcome', labelNames: ['agency', 'kind', 'outcome'], registers: workerSide });
  const pageFetches = new Counter({
    name: 'pressroom_page_fetches_total',
    help: 'Story pages fetched for their full text, by agency and outcome (accepted, refused, failed, blocked)',
    labelNames: ['agency', 'outcome'],
    registers: workerSide,
  });
  const fetchDuration = new Histogram({
    name: 'pressroom_fetch_duration_seconds',
    help: 'Time to fetch and parse one source',
    labelNames: ['agency'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30],
    registers: workerSide,
  });
  const stories = new Gauge({ name: 'pressroom_stories', help: 'Stories stored, by agency', labelNames: ['agency'], registers: workerSide });
  const lastSuccess = new Gauge({ name: 'pressroom_source_last_success_timestamp_seconds', help: 'Last successful fetch per source', labelNames: ['source'], registers: workerSide });
  const failures = new Gauge({ name: 'pressroom_source_consecutive_failures', help: 'Consecutive failures per source', labelNames: ['source'], registers: workerSide });
  const writeDuration = new Histogram({ name: 'pressroom_store_write_duration_seconds', help: 'Store write time per ingest run', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2], registers: workerSide });
  const storeSize = new Gauge({ name: 'pressroom_store_size_bytes', help: 'Size of the store on disk', registers: workerSide });
  const commitFailures = new Counter({ name: 'pressroom_store_commit_failures_total', help: 'Store commits that failed (a full disk, an I/O error); each is retried', registers: workerSide });
  // Answers are counted in plain maps and handed to prom-client when scraped: a labelled inc() per request
  // costs more than answering a 304 from the prepared table does.
  const answers = new Map<string, Map<number, number>>();
  new Counter({
    name: 'pressroom_http_requests_total',
    help: 'HTTP answers by route and status',
    labelNames: ['route', 'status'],
    registers: webSide,
    collect() {
      this.reset();
      for (const [route, byStatus] of answers) for (const [status, n] of byStatus) this.inc({ route, status: String(status) }, n);
    },
  });
  const count = (req: IncomingMessage, res: ServerResponse) => {
    const route = routeOf(req.url ?? '');
    let byStatus = answers.get(route);
    if (byStatus === undefined) answers.set(route, (byStatus = new Map()));
    byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
    if (route === 'feed' || route === 'feed-query') {
      answered++;
      if (res.statusCode === 304) notModified++;
    }
  };
  let countedStories: StoreData['stories'] | undefined;
  let answered = 0;
  let notModified = 0;
  new Gauge({
    name: 'pressroom_http_not_modified_ratio',
    help: 'Share of feed answers that were 304 Not Modified',
    registers: webSide,
    collect() {
      this.set(answered ? notModified / answered : 0);
    },
  });

  return {
    registry,
    observeRequest(req, res) {
      // Prepared documents are answered synchronously: counted at once, without a listener.
      if (res.writableEnded) count(req, res);
      else res.once('finish', () => count(req, res));
    },
    observeIngest(report) {
      for (const s of report.sources) {
        fetches.inc({ agency: s.agency ?? 'bulletin', kind: s.kind, outcome: s.outcome });
        if (s.ms !== undefined) fetchDuration.observe({ agency: s.agency ?? 'bulletin' }, s.ms / 1000);
      }
      for (const p of report.pages ?? []) if (p.reason !== 'no-teaser-text') pageFetches.inc({ agency: p.agency, outcome: p.outcome });
      if (report.writeMs !== undefined) writeDuration.observe(report.writeMs / 1000);
    },
    observeStore(data, sizeBytes) {
      // The store figures are the worker's: a web instance appends the worker's exposition instead.
      if (role === 'web') return;
      // Counted again only when the stories changed, not at every scrape.
      if (data.stories !== countedStories) {
        countedStories = data.stories;
        stories.reset();
        const counts = new Map<string, number>();
        // Published stories: a withdrawn one is stored but in no feed.
        for (const s of data.stories) if (!s.withdrawn) counts.set(s.agency, (counts.get(s.agency) ?? 0) + 1);
        for (const [agency, n] of counts) stories.set({ agency }, n);
      }
      for (const [key, s] of Object.entries(data.sources)) {
        // A feed URL may carry the operator's credentials: a label shows it redacted.
        const source = redactSecrets(key);
        if (s.lastSuccess) lastSuccess.set({ source }, Date.parse(s.lastSuccess) / 1000);
        failures.set({ source }, s.consecutiveFailures);
      }
      if (sizeBytes !== undefined) storeSize.set(sizeBytes);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    observeCommitFailure() {
      commitFailures.inc();
    },
  };
}
