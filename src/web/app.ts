// The read-only web tier: prepared documents straight from memory for the feeds and pages every reader polls,
// Express for the rest (story pages, /status, health). Never listens itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { StoreData, Story } from '../model.js';
import { currentMonth, MONTH_RE } from '../publish/archives.js';
import type { FeedFormat } from '../publish/render-feed.js';
import { CpuBudget } from './cpu-budget.js';
import { parseFeedQuery } from './feed-query.js';
import { checkHost } from './host.js';
import { Lru } from './lru.js';
import { isPagePath, resolvePage } from './html-pages.js';
import { forOrigin, placeholderOrigin, templateOf, type Template } from './origin-splice.js';
import { sendPrepared, type Prepared } from './prepared.js';
import { compileTrust, type TrustProxy } from './trust-proxy.js';
import { renderStatusPage } from '../publish/status-page.js';
import type { PushView } from '../publish/status-push.js';
import type { WebsubHandler } from './websub-endpoint.js';
import { redactSecrets } from '../text/redact-secrets.js';
import { withHtmlSafety } from './html-headers.js';
import { publicSources, type SourceViewDeps } from './source-status.js';
import { goneLine, publicView, type PublicView } from './public-view.js';
import { readiness, type HealthSnapshot } from '../health.js';
import {
  buildPublication,
  FORMATS,
  renderArchive,
  renderStory,
  renderVariant,
  type AgencyInfo,
  type Publication,
  type PublishOptions,
} from './publication.js';

export interface WebDeps {
  /** The current store contents and a number that changes whenever they do. */
  snapshot: () => { data: StoreData; version: number };
  agencies: readonly AgencyInfo[];
  /**
   * Absolute base URL; undefined → each request's Host (documents are rendered once with a placeholder origin
   * and each Host's origin is spliced in: see ./origin-splice.ts).
   */
  publicUrl?: string;
  /** Whose X-Forwarded-Proto / X-Forwarded-Host decide the base URL (TRUST_PROXY); default: nobody's. */
  trustProxy?: TrustProxy;
  publish: PublishOptions;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** The process's health (src/health.ts): /readyz and /status report it. Default: loaded, nothing degraded. */
  health?: () => HealthSnapshot;
  /** Which stored sources still exist and when each is really tried next (/status, /status.html). */
  sources?: SourceViewDeps;
  /** Told after each render of the default documents (tests count them; main may log the time). */
  onPublish?: (info: { baseUrl: string; version: number; documents: number; ms: number }) => void;
  /** Query variants and archives kept per base URL and store version (default 200). */
  variantCacheSize?: number;
  /** The clock, for which month is still open (no archive yet). Default: the system clock. */
  now?: () => Date;
  /** POST /websub (src/web/websub-endpoint.ts); absent: /websub is a 404 like any unknown path. */
  websub?: WebsubHandler;
  /** The WebSub hub's and webhooks' deliveries for /status (src/push/push-status.ts). */
  pushStatus?: () => unknown;
  /** `POST /bulletins` (web/bulletin-intake.ts), only when BULLETIN_TOKEN is set. */
  intake?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Documents as served to one origin (the spliced bytes and the codings made of them), shared by every Host. A
 * Host evicted from here costs a copy of the bytes again, and its compression comes out of the budget below.
 */
const ORIGIN_DOCS = 2000;
const ORIGIN_DOC_BYTES = 32 * 1024 * 1024;
/**
 * Compressing a document for an origin is work a client chooses by sending a new Host: at most 100 ms of CPU per
 * second (10 % of a core) on average, 250 ms at once; past that, documents for new origins go out uncompressed.
 */
const COMPRESS_BURST_MS = 250;
const COMPRESS_PER_SECOND_MS = 100;
/** Host values remembered with their origin (or their reason for refusal); recomputing one costs microseconds. */
const HOST_MEMO = 1024;
/**
 * Bytes of query variants and archives kept by the process, whatever the number of hosts: 200 variants of 500
 * stories would be ~100 MB, and an archive month of the merged feed at 100,000 stories is ~4 MB.
 */
const VARIANT_CACHE_BYTES = 16 * 1024 * 1024;
const STORY_PAGE_CACHE = 500;
const STORY_PAGE_BYTES = 4 * 1024 * 1024;
/**
 * HTML lists, searches, month and subscribe pages (~30 KB each, under a millisecond to render but a search's scan):
 * their own cache, so a crawler walking every page does not evict the feed variants readers poll.
 */
const HTML_PAGE_CACHE = 500;
const HTML_PAGE_BYTES = 8 * 1024 * 1024;
const ALLOW = 'GET, HEAD, OPTIONS';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const notFound = (message: string) => new HttpError(404, `not found: ${message}`);
/** A forgotten agency's feeds: RFC 9110 §15.5.11, gone for good as far as we know, so readers may unsubscribe. */
const agencyGone = (id: string, g: { at: string; reason: string }) => new HttpError(410, `gone: the feeds of ${quote(id)} were removed on ${g.at}: ${g.reason}`);
const badRequest = (message: string) => new HttpError(400, `bad request: ${message}`);

/** A path or value quoted in an error message: JSON escapes controls, the length is capped. */
const quote = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

function text(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${body}\n`, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(bytes);
}

export interface Web {
  /** A node:http request listener. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /**
   * The documents at the current store version (renders them if needed), rendered with PUBLIC_URL or, without
   * one, with a placeholder origin that is never served as such.
   */
  publication(): Publication;
  /** A default document as served to an origin (`http://host:port`), or undefined when there is no such path. */
  document(origin: string, path: string): Prepared | undefined;
  /**
   * A subscription feed or one of its query variants (`query` normalised as feed-query.ts writes it) as
   * rendered for PUBLIC_URL: what the WebSub hub delivers. Undefined when there is no such feed.
   */
  feedDocument(path: string, query: string): Prepared | undefined;
  /**
   * The operator's routes (`/status/detail`, `/healthz`, `/readyz`), for the operator listener or a request that
   * carried the operator token; 404 for anything else. The public `handle` never serves them.
   */
  handleOperator(req: IncomingMessage, res: ServerResponse): void;
}

interface Entry {
  version: number;
  pub: Publication;
  /** Withdrawn stories and forgotten agencies of this version: their URLs answer 410. */
  gone: PublicView;
}

interface ForOrigin {
  /** The rendered document this was made from: a new rendering makes it stale. */
  from: Prepared;
  doc: Prepared;
}

export function createApp(deps: WebDeps): Web {
  const publicUrl = deps.publicUrl ? deps.publicUrl.replace(/\/+$/, '') : undefined;
  // Everything is rendered once per store version, for this origin only, whatever the Host headers.
  const renderBase = publicUrl ?? placeholderOrigin();
  let current: Entry | undefined;
  const variantCacheSize = deps.variantCacheSize ?? 200;
  // Rendered with renderBase and keyed by path alone, so no Host can make them render again; a new store version
  // empties them.
  const variants = new Lru<string, Prepared>(variantCacheSize, VARIANT_CACHE_BYTES, (p) => p.body.length);
  const storyPages = new Lru<string, Prepared>(STORY_PAGE_CACHE, STORY_PAGE_BYTES, (p) => p.body.length);
  const htmlPages = new Lru<string, Prepared>(HTML_PAGE_CACHE, HTML_PAGE_BYTES, (p) => p.body.length);
  let cachedVersion: number | undefined;

  const forOrigins = new Lru<string, ForOrigin>(ORIGIN_DOCS, ORIGIN_DOC_BYTES, (d) => 2 * d.doc.body.length); // identity + codings, which are smaller
  const templates = new WeakMap<Prepared, Template>();
  const compressBudget = new CpuBudget(COMPRESS_BURST_MS, COMPRESS_PER_SECOND_MS);

  const entry = (): Entry => {
    const { data, version } = deps.snapshot();
    if (version !== cachedVersion) {
      variants.clear();
      storyPages.clear();
      htmlPages.clear();
      forOrigins.clear();
      cachedVersion = version;
    }
    const now = deps.now?.() ?? new Date();
    // A new UTC month turns the last one into an archive: the documents are rebuilt as for a new store version.
    if (current && current.pub.month !== currentMonth(now)) {
      variants.clear();
      storyPages.clear();
      htmlPages.clear();
      forOrigins.clear();
    }
    if (!current || current.version !== version || current.pub.month !== currentMonth(now)) {
      const t0 = performance.now();
      const gone = publicView(data);
      const pub = buildPublication(gone.data, deps.agencies, renderBase, deps.publish, current?.pub, now, gone.withdrawnAt);
      deps.onPublish?.({ baseUrl: renderBase, version, documents: pub.docs.size, ms: performance.now() - t0 });
      current = { version, pub, gone };
    }
    return current;
  };

  /** A document rendered with renderBase, as `origin` gets it; `key` names it among the documents of a version. */
  const served = (doc: Prepared, origin: string, key: string): Prepared => {
    if (origin === renderBase) return doc;
    const k = `${origin} ${key}`;
    const hit = forOrigins.get(k);
    if (hit !== undefined && hit.from === doc) return hit.doc;
    let t = templates.get(doc);
    if (t === undefined) {
      t = templateOf(doc, renderBase);
      templates.set(doc, t);
    }
    const made = forOrigin(t, origin);
    forOrigins.set(k, { from: doc, doc: made });
    return made;
  };
  const send = (req: IncomingMessage, res: ServerResponse, doc: Prepared, origin: string, key: string): void =>
    origin === renderBase ? sendPrepared(req, res, doc) : sendPrepared(req, res, served(doc, origin, key), compressBudget);

  const trusted = compileTrust(deps.trustProxy);
  // (scheme, Host) → origin or the reason it is refused: checked once per distinct value, not on every poll.
  const hostMemo = new Map<string, string | HttpError>();
  const originOf = (proto: 'http' | 'https', host: string): string => {
    const k = `${proto} ${host}`;
    let known = hostMemo.get(k);
    if (known === undefined) {
      const c = checkHost(host, proto);
      known = c.ok ? c.origin : badRequest(c.reason);
      if (hostMemo.size >= HOST_MEMO) hostMemo.clear();
      hostMemo.set(k, known);
    }
    if (known instanceof HttpError) throw known;
    return known;
  };
  /**
   * The origin a request's links are built on. PUBLIC_URL wins; otherwise the Host header, with the scheme
   * `http` (Pressroom itself speaks plain HTTP). Only a peer TRUST_PROXY names may change either, with
   * X-Forwarded-Proto and X-Forwarded-Host (the first value of each, as Express reads them).
   */
  const baseUrlOf = (req: IncomingMessage): string => {
    if (publicUrl) return publicUrl;
    let hosts = 0;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === 'host') hosts++;
    if (hosts > 1) throw badRequest('more than one Host header');
    let host = req.headers.host;
    let proto: 'http' | 'https' = 'http';
    if (trusted(req.socket.remoteAddress)) {
      const fp = firstValue(req.headers['x-forwarded-proto']);
      if (fp !== undefined) proto = fp.toLowerCase() === 'https' ? 'https' : 'http';
      const fh = firstValue(req.headers['x-forwarded-host']);
      if (fh !== undefined) {
        try {
          return originOf(proto, fh);
        } catch {
          throw badRequest('invalid X-Forwarded-Host header');
        }
      }
    }
    if (host === undefined) throw badRequest('missing Host header');
    return originOf(proto, host);
  };

  /** Everything under /feeds/ that is not a default document as requested: other spellings, variants, archives. */
  const serveFeed = (req: IncomingMessage, res: ServerResponse, e: Entry, origin: string, rawPath: string, rawQuery: string | undefined): void => {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      throw badRequest(`malformed percent-encoding in the path ${quote(rawPath)}`);
    }
    const rest = path.slice('/feeds/'.length);

    if (rest === 'status.atom') {
      return send(req, res, e.pub.docs.get('/feeds/status.atom')!, origin, '/feeds/status.atom');
    }
    const archive = /^([^/]+)\/archive\/([^/]*)$/.exec(rest);
    if (archive) {
      const key = archive[1]!;
      const file = /^(.*)\.([^.]+)$/.exec(archive[2]!);
      const forgotten = e.pub.lists.has(key) ? undefined : e.gone.agency(key);
      if (forgotten) throw agencyGone(key, forgotten);
      if (!e.pub.lists.has(key)) throw notFound(`no agency ${quote(key)}`);
      if (!file || !MONTH_RE.test(file[1]!)) throw notFound(`archives are named YYYY-MM.atom, e.g. /feeds/${key}/archive/2024-10.atom`);
      if (file[2] !== 'atom') throw notFound(`archives are Atom documents: /feeds/${key}/archive/${file[1]}.atom`);
      // The current month is no archive: it still grows, and RFC 5005 §4 lets a reader fetch an archive once and
      // never again. Its URL answers 404 (not cached) until the month closes, then the archive itself; its
      // stories are in the subscription feed meanwhile. A non-archive document under an archive's URL would be
      // taken for the archive by caches and by anyone who bookmarks the link.
      if (file[1]! >= e.pub.month)
        throw notFound(`${file[1]} has not ended (UTC), so it has no archive yet: its stories are in /feeds/${key}.atom; closed months are linked from there by rel="prev-archive"`);
      const cacheKey = `/feeds/${key}/archive/${file[1]}.atom`;
      let doc = variants.get(cacheKey);
      if (!doc) {
        doc = renderArchive(e.pub, key, file[1]!);
        if (!doc) throw notFound(`no stories of ${quote(key)} were published in ${file[1]}`);
        variants.set(cacheKey, doc);
      }
      return send(req, res, doc, origin, cacheKey);
    }
    const feed = /^([^/]+)\.([^./]+)$/.exec(rest);
    if (!feed) throw notFound(rawPath);
    const [, key, ext] = feed as unknown as [string, string, string];
    if (key === 'status') throw notFound('the status feed is Atom only: /feeds/status.atom');
    if (!(FORMATS as readonly string[]).includes(ext)) throw notFound(`unknown feed format ${quote(`.${ext}`)} (use .rss, .atom or .json)`);
    const forgotten = e.pub.lists.has(key) ? undefined : e.gone.agency(key);
    if (forgotten) throw agencyGone(key, forgotten);
    if (!e.pub.lists.has(key)) throw notFound(`no agency ${quote(key)}`);
    const format = ext as FeedFormat;
    const defaultPath = `/feeds/${key}.${format}`;
    const parsed = parseFeedQuery(rawQuery ?? '', deps.publish.limit);
    if (!parsed.ok) throw badRequest(parsed.message);
    if (parsed.canonical === '') return send(req, res, e.pub.docs.get(defaultPath)!, origin, defaultPath);
    const cacheKey = `${defaultPath}?${parsed.canonical}`;
    let doc = variants.get(cacheKey);
    if (!doc) {
      doc = renderVariant(e.pub, key, format, parsed.query, parsed.canonical);
      variants.set(cacheKey, doc);
    }
    send(req, res, doc, origin, cacheKey);
  };

  /** The HTML lists, searches, month pages and subscribe pages (./html-pages.ts), cached like feed variants. */
  const servePage = (req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string): void => {
    const origin = baseUrlOf(req);
    const e = entry();
    const r = resolvePage(e.pub, path, rawQuery);
    if (r.kind === 'asset') return sendPrepared(req, res, r.doc);
    if (r.kind === 'not-found') throw notFound(r.message);
    if (r.kind === 'bad-request') throw badRequest(r.message);
    let doc = htmlPages.get(r.key);
    if (!doc) {
      doc = r.render();
      htmlPages.set(r.key, doc);
    }
    send(req, res, doc, origin, r.key);
  };

  /** The prepared paths: the front page, the OPML and everything under /feeds/. Returns false for the rest. */
  const fastPath = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    if (isPagePath(path)) {
      servePage(req, res, path, qi < 0 ? '' : url.slice(qi + 1));
      return true;
    }
    if (path !== '/' && path !== '/feeds.opml' && !path.startsWith('/feeds/')) return false;
    const origin = baseUrlOf(req);
    const e = entry();
    // The hot path: a reader polling a default feed, a map lookup or two. The front page and OPML ignore any query.
    const doc = qi < 0 || !path.startsWith('/feeds/') ? e.pub.docs.get(path) : undefined;
    if (doc) send(req, res, doc, origin, path);
    else serveFeed(req, res, e, origin, path, qi < 0 ? undefined : url.slice(qi + 1));
    return true;
  };

  const app = express();
  // One spelling per path: `/status/detail/` or `/STATUS/DETAIL` must not reach what `/status/detail` would.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Story ids are tag: URIs with `/` in them: accept them percent-encoded (as we link them) or not.
  app.get('/stories/*splat', (req, res) => {
    const origin = baseUrlOf(req);
    const e = entry();
    const id = (req.params as { splat: string[] }).splat.join('/');
    const story = e.pub.story(id);
    const gone = story ? undefined : e.gone.story(id);
    if (gone) throw new HttpError(410, goneLine(gone));
    if (!story) throw notFound(`no story ${quote(id)}`);
    let p = storyPages.get(id);
    if (!p) {
      p = renderStory(e.pub, story);
      storyPages.set(id, p);
    }
    send(req, res, p, origin, `story ${id}`);
  });

  const statusOf = () => {
    const view = publicView(deps.snapshot().data);
    const data = view.data;
    const sources = publicSources(data.sources, data.stories, deps.sources);
    // Story pages fetched for their full text, per agency: fetches, accepted, refused, failed, blocked
    // (worker/fulltext.ts); and the hosts that answer with a bot challenge, waiting out their back-off.
    // Every story taken out of the feeds, newest withdrawal first (stories/withdraw.ts): nothing leaves silently.
    const withdrawn = view.withdrawn.slice(0, 200).map((g) => ({ id: g.id, agency: g.agency, title: g.title, at: g.withdrawn.at, by: g.withdrawn.by, reason: g.withdrawn.reason }));
    // What is degraded in this process (a quarantined partition, failing commits, the last good config).
    const health = deps.health?.();
    // The WebSub hub's and the webhooks' deliveries (src/push/): hosts only, never a callback URL.
    const push = deps.pushStatus?.();
    return {
      stories: data.stories.length,
      sources,
      fulltext: data.fulltext?.counts ?? {},
      fulltextBlockedHosts: data.fulltext?.blockedHosts ?? {},
      withdrawnStories: view.withdrawn.length,
      withdrawn,
      ...(health ? { degraded: redactDegraded(health.degraded) } : {}),
      ...(push !== undefined ? { push } : {}),
    };
  };
  app.get('/status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(statusOf());
  });
  app.get('/status.html', (req, res) => {
    const s = statusOf();
    const page = renderStatusPage(baseUrlOf(req), s.stories, s.sources, s.degraded, s.push as PushView | undefined);
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': page.csp }).type('text/html; charset=utf-8').send(page.html);
  });

  const health = (_req: Request, res: Response) => void res.set('Cache-Control', 'no-store').type('text/plain').send('ok\n');
  const ready = (_req: Request, res: Response) => {
    const r = readiness(deps.health?.() ?? { storeLoaded: true, degraded: {} });
    // The body names a degraded config or store, whose messages may quote a feed URL.
    res.status(r.status).set('Cache-Control', 'no-store').type('text/plain').send(redactSecrets(r.body));
  };
  app.get('/healthz', health);
  app.get('/readyz', ready);

  // The operator's routes: only on OPERATOR_PORT or with OPERATOR_TOKEN (main.ts decides), never on the public app.
  const operatorApp = express();
  operatorApp.set('case sensitive routing', true);
  operatorApp.set('strict routing', true);
  operatorApp.disable('x-powered-by');
  operatorApp.set('etag', false);
  // Each failing source's detail: the redirect chain, a refused address, the real error (credentials still blanked).
  operatorApp.get('/status/detail', (_req, res) => {
    const { data } = deps.snapshot();
    const failing = Object.values(data.sources)
      .filter((s) => s.errorCode !== undefined)
      .map((s) => ({
        key: redactSecrets(s.key),
        kind: s.kind,
        errorCode: s.errorCode,
        errorMessage: s.errorMessage === undefined ? undefined : redactSecrets(s.errorMessage),
        errorDetail: s.errorDetail === undefined ? undefined : redactSecrets(s.errorDetail),
        lastStatus: s.lastStatus,
      }));
    res.set('Cache-Control', 'no-store').json({ failing });
  });
  operatorApp.get('/healthz', health);
  operatorApp.get('/readyz', ready);
  operatorApp.use((req: Request, res: Response) => text(res, 404, `not found: ${quote(req.path)}`));

  app.use((req: Request, res: Response) => text(res, 404, `not found: ${quote(req.path)}`));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return text(res, err.status, err.message, err.headers);
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return text(res, status, `bad request: ${(err as Error).message}`);
    deps.log.error({ err: (err as Error).stack, path: req.path }, 'request failed');
    text(res, 500, 'internal error');
  });

  return {
    handle(req, res) {
      try {
        const method = req.method ?? 'GET';
        if (deps.websub && (req.url === '/websub' || req.url?.startsWith('/websub?'))) return deps.websub(req, res, new Set(entry().pub.lists.keys()));
        if (method === 'OPTIONS') {
          // CORS preflight and plain OPTIONS: everything here is public and read-only.
          res.writeHead(204, {
            Allow: ALLOW,
            'Access-Control-Allow-Origin': '*',
            'Access-Control-Allow-Methods': ALLOW,
            'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
            'Access-Control-Max-Age': '86400',
            'Cache-Control': 'public, max-age=86400',
          });
          res.end();
          return;
        }
        if (method === 'POST' && deps.intake && (req.url === '/bulletins' || req.url?.startsWith('/bulletins?'))) return deps.intake(req, res);
        if (method !== 'GET' && method !== 'HEAD') return text(res, 405, `method not allowed: ${method} (this server is read-only)`, { Allow: ALLOW });
        if (fastPath(req, res)) return;
      } catch (err) {
        if (err instanceof HttpError) return text(res, err.status, err.message, err.headers);
        deps.log.error({ err: (err as Error).stack, url: req.url }, 'request failed');
        if (!res.headersSent) text(res, 500, 'internal error');
        else res.destroy();
        return;
      }
      withHtmlSafety(res);
      app(req as Request, res as Response);
    },
    handleOperator(req, res) {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') return text(res, 405, `method not allowed: ${method}`, { Allow: 'GET, HEAD' });
      withHtmlSafety(res);
      operatorApp(req as Request, res as Response);
    },
    publication: () => entry().pub,
    document: (origin, path) => {
      const doc = entry().pub.docs.get(path);
      return doc && served(doc, origin, path);
    },
    feedDocument: (path, query) => {
      const e = entry();
      const m = /^\/feeds\/([^/]+)\.([^./]+)$/.exec(path);
      if (!m || !e.pub.lists.has(m[1]!) || !(FORMATS as readonly string[]).includes(m[2]!)) return undefined;
      if (query === '') return e.pub.docs.get(path);
      const parsed = parseFeedQuery(query, deps.publish.limit);
      if (!parsed.ok) return undefined;
      const cacheKey = `${path}?${parsed.canonical}`;
      let doc = variants.get(cacheKey);
      if (!doc) {
        doc = renderVariant(e.pub, m[1]!, m[2] as FeedFormat, parsed.query, parsed.canonical);
        variants.set(cacheKey, doc);
      }
      return doc;
    },
  };
}

/** The first of a comma-separated list of values (a proxy chain may append), trimmed; undefined when empty. */
function firstValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined) return undefined;
  const first = s.split(',', 1)[0]!.trim();
  return first === '' ? undefined : first;
}

/** Degraded parts as /status shows them: their messages may quote a feed URL, whose credentials are blanked. */
function redactDegraded<T extends { message: string }>(degraded: Partial<Record<string, T>>): Partial<Record<string, T>> {
  const out: Partial<Record<string, T>> = {};
  for (const [part, d] of Object.entries(degraded)) if (d) out[part] = { ...d, message: redactSecrets(d.message) };
  return out;
}
