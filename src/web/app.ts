// The read-only web tier: prepared feeds straight from memory, Express for everything else. Never listens itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { StoreData } from '../model.js';
import { renderFrontPage, renderOpml } from '../publish/pages.js';
import { renderStoryPage } from '../publish/story-page.js';
import { buildPublication, type AgencyInfo, type Publication, type PublishOptions } from './publication.js';
import { prepare, sendPrepared, type Prepared } from './prepared.js';

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
}

/** Hosts a cache may hold documents for at once; more distinct Host headers than this evict the oldest. */
const MAX_HOSTS = 8;
const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function text(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${body}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra });
  res.end(bytes);
}

export interface Web {
  /** A node:http request listener. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The documents for a base URL at the current store version (renders them if needed). */
  publication(baseUrl: string): Publication;
}

export function createApp(deps: WebDeps): Web {
  const cache = new Map<string, { version: number; pub: Publication; extra: Map<string, Prepared> }>();

  const entry = (baseUrl: string) => {
    const { data, version } = deps.snapshot();
    let e = cache.get(baseUrl);
    if (!e || e.version !== version) {
      e = { version, pub: buildPublication(data, deps.agencies, baseUrl, deps.publish), extra: new Map() };
      cache.delete(baseUrl);
      cache.set(baseUrl, e);
      while (cache.size > MAX_HOSTS) cache.delete(cache.keys().next().value!);
    }
    return e;
  };

  const baseUrlOf = (req: IncomingMessage): string => {
    if (deps.publicUrl) return deps.publicUrl;
    const host = req.headers.host;
    if (!host || !HOST_RE.test(host)) throw new HttpError(400, 'bad request: missing or invalid Host header');
    const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
    return `${proto}://${host.toLowerCase()}`;
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/', (req, res) => {
    const e = entry(baseUrlOf(req));
    let p = e.extra.get('/');
    if (!p) {
      p = prepare(renderFrontPage(baseUrlOf(req), e.pub.agencies, e.pub.sorted), 'text/html; charset=utf-8', { cacheControl: 'public, max-age=60' });
      e.extra.set('/', p);
    }
    sendPrepared(req, res, p);
  });

  app.get('/feeds.opml', (req, res) => {
    const e = entry(baseUrlOf(req));
    let p = e.extra.get('/feeds.opml');
    if (!p) {
      const newest = e.pub.sorted.reduce((m, s) => (s.updated > m ? s.updated : m), '1970-01-01T00:00:00.000Z');
      p = prepare(renderOpml(baseUrlOf(req), e.pub.agencies, newest), 'text/x-opml; charset=utf-8', { cacheControl: `public, max-age=${deps.publish.maxAgeSeconds}`, cors: true });
      e.extra.set('/feeds.opml', p);
    }
    sendPrepared(req, res, p);
  });

  app.get('/feeds/:name', (req, res) => {
    const m = /^(.+)\.(rss|atom|json)$/.exec(req.params.name);
    if (!m) throw new HttpError(404, `not found: unknown feed format in ${req.path} (use .rss, .atom or .json)`);
    const e = entry(baseUrlOf(req));
    const doc = e.pub.docs.get(`/feeds/${m[1]}.${m[2]}`);
    if (!doc) throw new HttpError(404, `not found: no agency "${m[1]}"`);
    sendPrepared(req, res, doc);
  });

  app.get('/stories/:id', (req, res) => {
    const base = baseUrlOf(req);
    const e = entry(base);
    const story = e.pub.sorted.find((s) => s.id === req.params.id);
    if (!story) throw new HttpError(404, 'not found: no such story');
    const key = `/stories/${story.id}`;
    let p = e.extra.get(key);
    if (!p) {
      const name = e.pub.agencies.find((a) => a.id === story.agency)?.name ?? story.agency;
      p = prepare(renderStoryPage(story, name, base), 'text/html; charset=utf-8', { lastModified: new Date(story.updated), cacheControl: 'public, max-age=300' });
      if (e.extra.size < 2000) e.extra.set(key, p);
    }
    sendPrepared(req, res, p);
  });

  app.get('/status', (_req, res) => {
    const { data } = deps.snapshot();
    const counts = new Map<string, number>();
    for (const s of data.stories) for (const src of s.sources) {
      const k = src.kind === 'bulletin' ? `bulletin:${src.file}` : `feed:${src.url}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const sources = Object.entries(data.sources).map(([k, s]) => ({ ...s, storiesStored: counts.get(k) ?? 0, validatorsHeld: !!(s.etag || s.lastModified) }));
    res.set('Cache-Control', 'no-store').json({ stories: data.stories.length, sources });
  });

  app.get('/healthz', (_req, res) => void res.set('Cache-Control', 'no-store').type('text/plain').send('ok\n'));
  app.get('/readyz', (_req, res) => {
    const ok = deps.ready ? deps.ready() : true;
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store').type('text/plain').send(ok ? 'ready\n' : 'not ready\n');
  });

  app.use((req: Request, res: Response) => {
    text(res, req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, req.method === 'GET' || req.method === 'HEAD' ? `not found: ${req.path}` : `method not allowed: ${req.method}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError) return text(res, err.status, err.message);
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return text(res, status, `bad request: ${(err as Error).message}`);
    deps.log.error({ err: (err as Error).stack, path: req.path }, 'request failed');
    text(res, 500, 'internal error');
  });

  return {
    handle(req, res) {
      // Default feeds skip the router: they are the hot path every reader polls.
      if ((req.method === 'GET' || req.method === 'HEAD') && req.url?.startsWith('/feeds/') && !req.url.includes('?')) {
        try {
          const doc = entry(baseUrlOf(req)).pub.docs.get(req.url);
          if (doc) return sendPrepared(req, res, doc);
        } catch (err) {
          if (err instanceof HttpError) return text(res, err.status, err.message);
          throw err;
        }
      }
      app(req as Request, res as Response);
    },
    publication: (baseUrl) => entry(baseUrl).pub,
  };
}
