// The read-only web tier: prepared documents straight from memory for the feeds and pages every reader polls,
// Express for the rest (story pages, /status, health). Never listens itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { StoreData, Story } from '../model.js';
import { currentMonth, MONTH_RE } from '../publish/archives.js';
import type { FeedFormat } from '../publish/render-feed.js';
import { parseFeedQuery } from './feed-query.js';
import { Lru } from './lru.js';
import { sendPrepared, type Prepared } from './prepared.js';
import { renderStatusPage } from '../publish/status-page.js';
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
  /** Absolute base URL; undefined → each request's Host (documents are then prepared per host). */
  publicUrl?: string;
  publish: PublishOptions;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** Reports readiness for /readyz. */
  ready?: () => boolean;
  /** Told after each render of the default documents (tests count them; main may log the time). */
  onPublish?: (info: { baseUrl: string; version: number; documents: number; ms: number }) => void;
  /** Query variants and archives kept per base URL and store version (default 200). */
  variantCacheSize?: number;
  /** The clock, for which month is still open (no archive yet). Default: the system clock. */
  now?: () => Date;
}

/** Hosts a cache may hold documents for at once; more distinct Host headers than this evict the oldest. */
const MAX_HOSTS = 8;
/**
 * Bytes of query variants and archives kept by the process, whatever the number of hosts: 200 variants of 500
 * stories would be ~100 MB, and an archive month of the merged feed at 100,000 stories is ~4 MB.
 */
const VARIANT_CACHE_BYTES = 16 * 1024 * 1024;
const STORY_PAGE_CACHE = 500;
const STORY_PAGE_BYTES = 4 * 1024 * 1024;
const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;
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
  /** The documents for a base URL at the current store version (renders them if needed). */
  publication(baseUrl: string): Publication;
}

interface Entry {
  version: number;
  pub: Publication;
}

export function createApp(deps: WebDeps): Web {
  const cache = new Map<string, Entry>();
  const variantCacheSize = deps.variantCacheSize ?? 200;
  // Shared by every host (the base URL leads each key), so their total is bounded whatever the Host headers; a
  // new store version empties them.
  const variants = new Lru<string, Prepared>(variantCacheSize, VARIANT_CACHE_BYTES, (p) => p.body.length);
  const storyPages = new Lru<string, Prepared>(STORY_PAGE_CACHE, STORY_PAGE_BYTES, (p) => p.body.length);
  let cachedVersion: number | undefined;

  const entry = (baseUrl: string): Entry => {
    const { data, version } = deps.snapshot();
    if (version !== cachedVersion) {
      variants.clear();
      storyPages.clear();
      cachedVersion = version;
    }
    const now = deps.now?.() ?? new Date();
    let e = cache.get(baseUrl);
    // A new UTC month turns the last one into an archive: the documents are rebuilt as for a new store version.
    if (e && e.pub.month !== currentMonth(now)) {
      variants.clear();
      storyPages.clear();
    }
    if (!e || e.version !== version || e.pub.month !== currentMonth(now)) {
      const t0 = performance.now();
      const pub = buildPublication(data, deps.agencies, baseUrl, deps.publish, e?.pub, now);
      deps.onPublish?.({ baseUrl, version, documents: pub.docs.size, ms: performance.now() - t0 });
      e = {
        version,
        pub,
      };
      cache.delete(baseUrl);
      cache.set(baseUrl, e);
      while (cache.size > MAX_HOSTS) cache.delete(cache.keys().next().value!);
    }
    return e;
  };

  const publicUrl = deps.publicUrl ? deps.publicUrl.replace(/\/+$/, '') : undefined;
  // Host header → base URL, per scheme: checked and built once per distinct value, not on every poll.
  const bases = { http: new Map<string, string>(), https: new Map<string, string>() };
  const baseUrlOf = (req: IncomingMessage): string => {
    if (publicUrl) return publicUrl;
    const host = req.headers.host;
    const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    const known = host === undefined ? undefined : bases[proto].get(host);
    if (known !== undefined) return known;
    if (!host || !HOST_RE.test(host)) throw badRequest('missing or invalid Host header');
    const base = `${proto}://${host.toLowerCase()}`;
    if (bases[proto].size >= 64) bases[proto].clear();
    bases[proto].set(host, base);
    return base;
  };

  /** Everything under /feeds/ that is not a default document as requested: other spellings, variants, archives. */
  const serveFeed = (req: IncomingMessage, res: ServerResponse, e: Entry, rawPath: string, rawQuery: string | undefined): void => {
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      throw badRequest(`malformed percent-encoding in the path ${quote(rawPath)}`);
    }
    const rest = path.slice('/feeds/'.length);
    const noQuery = () => {
      if (rawQuery === undefined || rawQuery === '') return;
      const first = new URLSearchParams(rawQuery).keys().next();
      throw badRequest(`unknown parameter ${quote(first.done ? rawQuery : first.value)}: ${path} takes no parameters`);
    };

    if (rest === 'status.atom') {
      noQuery();
      return sendPrepared(req, res, e.pub.docs.get('/feeds/status.atom')!);
    }
    const archive = /^([^/]+)\/archive\/([^/]*)$/.exec(rest);
    if (archive) {
      const key = archive[1]!;
      const file = /^(.*)\.([^.]+)$/.exec(archive[2]!);
      if (!e.pub.lists.has(key)) throw notFound(`no agency ${quote(key)}`);
      if (!file || !MONTH_RE.test(file[1]!)) throw notFound(`archives are named YYYY-MM.atom, e.g. /feeds/${key}/archive/2024-10.atom`);
      if (file[2] !== 'atom') throw notFound(`archives are Atom documents: /feeds/${key}/archive/${file[1]}.atom`);
      noQuery();
      // The current month is no archive: it still grows, and RFC 5005 §4 lets a reader fetch an archive once and
      // never again. Its URL answers 404 (not cached) until the month closes, then the archive itself; its
      // stories are in the subscription feed meanwhile. A non-archive document under an archive's URL would be
      // taken for the archive by caches and by anyone who bookmarks the link.
      if (file[1]! >= e.pub.month)
        throw notFound(`${file[1]} has not ended (UTC), so it has no archive yet: its stories are in /feeds/${key}.atom; closed months are linked from there by rel="prev-archive"`);
      const cacheKey = `/feeds/${key}/archive/${file[1]}.atom`;
      let doc = variants.get(`${e.pub.baseUrl}${cacheKey}`);
      if (!doc) {
        doc = renderArchive(e.pub, key, file[1]!);
        if (!doc) throw notFound(`no stories of ${quote(key)} were published in ${file[1]}`);
        variants.set(`${e.pub.baseUrl}${cacheKey}`, doc);
      }
      return sendPrepared(req, res, doc);
    }
    const feed = /^([^/]+)\.([^./]+)$/.exec(rest);
    if (!feed) throw notFound(rawPath);
    const [, key, ext] = feed as unknown as [string, string, string];
    if (key === 'status') throw notFound('the status feed is Atom only: /feeds/status.atom');
    if (!(FORMATS as readonly string[]).includes(ext)) throw notFound(`unknown feed format ${quote(`.${ext}`)} (use .rss, .atom or .json)`);
    if (!e.pub.lists.has(key)) throw notFound(`no agency ${quote(key)}`);
    const format = ext as FeedFormat;
    const defaultPath = `/feeds/${key}.${format}`;
    const parsed = parseFeedQuery(rawQuery ?? '', deps.publish.limit);
    if (!parsed.ok) throw badRequest(parsed.message);
    if (parsed.canonical === '') return sendPrepared(req, res, e.pub.docs.get(defaultPath)!);
    const cacheKey = `${defaultPath}?${parsed.canonical}`;
    let doc = variants.get(`${e.pub.baseUrl}${cacheKey}`);
    if (!doc) {
      doc = renderVariant(e.pub, key, format, parsed.query, parsed.canonical);
      variants.set(`${e.pub.baseUrl}${cacheKey}`, doc);
    }
    sendPrepared(req, res, doc);
  };

  /** The prepared paths: the front page, the OPML and everything under /feeds/. Returns false for the rest. */
  const fastPath = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '/';
    const qi = url.indexOf('?');
    const path = qi < 0 ? url : url.slice(0, qi);
    if (path !== '/' && path !== '/feeds.opml' && !path.startsWith('/feeds/')) return false;
    const e = entry(baseUrlOf(req));
    // The hot path: a reader polling a default feed, one map lookup. The front page and OPML ignore any query.
    const doc = qi < 0 || !path.startsWith('/feeds/') ? e.pub.docs.get(path) : undefined;
    if (doc) sendPrepared(req, res, doc);
    else serveFeed(req, res, e, path, qi < 0 ? undefined : url.slice(qi + 1));
    return true;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  // Story ids are tag: URIs with `/` in them: accept them percent-encoded (as we link them) or not.
  app.get('/stories/*splat', (req, res) => {
    const e = entry(baseUrlOf(req));
    const id = (req.params as { splat: string[] }).splat.join('/');
    const story = e.pub.story(id);
    if (!story) throw notFound(`no story ${quote(id)}`);
    let p = storyPages.get(`${e.pub.baseUrl}${id}`);
    if (!p) {
      p = renderStory(e.pub, story);
      storyPages.set(`${e.pub.baseUrl}${id}`, p);
    }
    sendPrepared(req, res, p);
  });

  // Stories per source, counted once per store version rather than on every /status request.
  const storyCounts = new WeakMap<readonly Story[], Map<string, number>>();
  const countsOf = (stories: readonly Story[]) => {
    let counts = storyCounts.get(stories);
    if (counts === undefined) {
      counts = new Map<string, number>();
      for (const s of stories)
        for (const src of s.sources) {
          const k = src.kind === 'bulletin' ? `bulletin:${src.file}` : `feed:${src.url}`;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
      storyCounts.set(stories, counts);
    }
    return counts;
  };
  const statusOf = () => {
    const { data } = deps.snapshot();
    const counts = countsOf(data.stories);
    const sources = Object.entries(data.sources).map(([k, s]) => ({ ...s, storiesStored: counts.get(k) ?? 0, validatorsHeld: !!(s.etag || s.lastModified) }));
    return { stories: data.stories.length, sources };
  };
  app.get('/status', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(statusOf());
  });
  app.get('/status.html', (req, res) => {
    const s = statusOf();
    res.set('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(renderStatusPage(baseUrlOf(req), s.stories, s.sources));
  });

  app.get('/healthz', (_req, res) => void res.set('Cache-Control', 'no-store').type('text/plain').send('ok\n'));
  app.get('/readyz', (_req, res) => {
    const ok = deps.ready ? deps.ready() : true;
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store').type('text/plain').send(ok ? 'ready\n' : 'not ready\n');
  });

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
        if (method !== 'GET' && method !== 'HEAD') return text(res, 405, `method not allowed: ${method} (this server is read-only)`, { Allow: ALLOW });
        if (fastPath(req, res)) return;
      } catch (err) {
        if (err instanceof HttpError) return text(res, err.status, err.message, err.headers);
        deps.log.error({ err: (err as Error).stack, url: req.url }, 'request failed');
        if (!res.headersSent) text(res, 500, 'internal error');
        else res.destroy();
        return;
      }
      app(req as Request, res as Response);
    },
    publication: (baseUrl) => entry(baseUrl).pub,
  };
}
