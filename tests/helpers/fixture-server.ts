// A loopback HTTP server (127.0.0.1, random port) serving fixture feeds and the ways real servers misbehave.
//
// Routes (every path is relative to the returned `url`):
//   /<file>                 a file from `dir` with ETag + Last-Modified; answers 304 to If-None-Match (first) or
//                           If-Modified-Since. Query: `?gzip=1` gzips the body — always, whatever the request's
//                           Accept-Encoding says (gzip is opt-in per URL so a test knows which bytes went over the
//                           wire; the log still records what the client asked for). `?type=` overrides Content-Type;
//                           `?status=` answers the file with that status (a 403 challenge page), `?header=Name:value`
//                           (repeatable) adds a response header (`cf-mitigated:challenge`).
//   /no-validators/<file>   the same file, always 200, no ETag or Last-Modified (for the same-hash check)
//   /redirect/<n>/<file>    n hops of 302 (or `?code=301|307|308`) ending at /<file>
//   /moved/<file>           301 to /<file>  (/moved alone: 301 to /nato.rss)
//   /loop/a, /loop/b        302 to each other, forever
//   /hang                   accepts the request, never answers
//   /trickle                200, then one byte of nato.rss every 500 ms (`?ms=`)
//   /endless                200, an infinite body; `?gzip=1` an infinite gzip stream of zeros (a gzip bomb);
//                           `?pace=<KB per 10 ms>` paced, so that a reader that keeps up shows on the server's count
//                           what it read, not what the kernel's socket buffers held
//   /to?location=<url>      302 (or `?code=`) to exactly that Location: redirects to any host and spelling
//   /empty                  200 with an empty body
//   /status/<code>          that status; `?retry-after=` sets Retry-After (seconds or an HTTP date)
//   /reset                  destroys the socket without answering
// `setFile(name, content)` serves (or replaces) a file from memory, e.g. to change a feed between two polls.
// `close()` destroys open sockets (hanging, trickling, keep-alive) so vitest can exit.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip, gzipSync } from 'node:zlib';

export const FIXTURE_FEEDS_DIR = fileURLToPath(new URL('../fixtures/feeds/', import.meta.url));

/** One request as received, so tests can assert what the fetcher sent. */
export interface LoggedRequest {
  method: string;
  /** Path and query, e.g. `/nato.rss?gzip=1`. */
  path: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  acceptEncoding?: string;
  accept?: string;
  userAgent?: string;
  /** The Authorization header, when one was sent (feed headers from the environment). */
  authorization?: string;
  /** What the server answered (undefined for /hang and /reset). */
  status?: number;
  gzipped?: boolean;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  requests: LoggedRequest[];
  /** Bytes the server wrote on each /endless response, counted when its socket closed. */
  endlessSent: Array<{ path: string; bytes: number }>;
  setFile(name: string, content: string | Buffer): void;
  close(): Promise<void>;
}

export interface FixtureServerOptions {
  /** Directory of fixture files; tests/fixtures/feeds by default. */
  dir?: string;
  /** Last-Modified of every file (fixed so runs are reproducible). */
  lastModified?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.rdf': 'application/rdf+xml',
  '.xml': 'application/xml',
  '.html': 'text/html; charset=utf-8',
};

export async function start(opts: FixtureServerOptions = {}): Promise<FixtureServer> {
  const dir = opts.dir ?? FIXTURE_FEEDS_DIR;
  const lastModified = opts.lastModified ?? 'Wed, 09 Oct 2024 12:00:00 GMT';
  const requests: LoggedRequest[] = [];
  const endlessSent: FixtureServer['endlessSent'] = [];
  const memory = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  async function loadFile(name: string): Promise<Buffer | undefined> {
    const fromMemory = memory.get(name);
    if (fromMemory) return fromMemory;
    const full = path.resolve(dir, name);
    if (!full.startsWith(path.resolve(dir) + path.sep)) return undefined; // no ../ escapes
    try {
      return await readFile(full);
    } catch {
      return undefined;
    }
  }

  async function serveFile(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: LoggedRequest,
    name: string,
    query: URLSearchParams,
    validators: boolean,
  ): Promise<void> {
    const body = await loadFile(name);
    if (!body) return send(res, entry, 404, { 'Content-Type': 'text/plain' }, `no fixture ${name}`);
    const gzip = query.get('gzip') === '1';
    const type = query.get('type') ?? CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream';
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': type };
    for (const h of query.getAll('header')) {
      const at = h.indexOf(':');
      if (at > 0) headers[h.slice(0, at)] = h.slice(at + 1);
    }
    const status = Number(query.get('status') ?? 200);
    if (status !== 200) return send(res, entry, status, headers, body);
    if (validators) {
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}${gzip ? '-gz' : ''}"`;
      headers.ETag = etag;
      headers['Last-Modified'] = lastModified;
      // RFC 9110 §13.2.2: If-None-Match is evaluated first; If-Modified-Since only without it.
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const notModified =
        inm !== undefined
          ? inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')
          : ims !== undefined && Date.parse(ims) >= Date.parse(lastModified);
      if (notModified) return send(res, entry, 304, { ETag: etag, 'Last-Modified': lastModified });
    }
    if (gzip) {
      headers['Content-Encoding'] = 'gzip';
      entry.gzipped = true;
      return send(res, entry, 200, headers, gzipSync(body));
    }
    return send(res, entry, 200, headers, body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname + parsed.search,
      ...header(req, 'if-none-match', 'ifNoneMatch'),
      ...header(req, 'if-modified-since', 'ifModifiedSince'),
      ...header(req, 'accept-encoding', 'acceptEncoding'),
      ...header(req, 'accept', 'accept'),
      ...header(req, 'user-agent', 'userAgent'),
      ...header(req, 'authorization', 'authorization'),
    };
    requests.push(entry);
    const p = parsed.pathname;
    const q = parsed.searchParams;
    const segments = p.split('/').filter(Boolean).map(decodeURIComponent);

    if (p === '/hang') return; // never answer; close() destroys the socket
    if (p === '/reset') {
      req.socket.destroy();
      return;
    }
    if (p === '/trickle') return trickle(res, entry, Number(q.get('ms') ?? 500));
    if (p === '/endless') return endless(res, entry, q);
    if (p === '/to') {
      return send(res, entry, Number(q.get('code') ?? 302), { Location: q.get('location') ?? '/' }, 'moved');
    }
    if (p === '/empty') return send(res, entry, 200, { 'Content-Type': 'application/rss+xml' }, '');
    if (segments[0] === 'status' && segments[1]) {
      const code = Number(segments[1]);
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/plain' };
      const retryAfter = q.get('retry-after');
      if (retryAfter !== null) headers['Retry-After'] = retryAfter;
      return send(res, entry, code, headers, code === 304 ? '' : `status ${code}`);
    }
    if (segments[0] === 'loop') {
      return send(res, entry, 302, { Location: segments[1] === 'a' ? '/loop/b' : '/loop/a' }, '');
    }
    if (segments[0] === 'moved') {
      const target = segments.length > 1 ? '/' + segments.slice(1).join('/') : '/nato.rss';
      return send(res, entry, 301, { Location: target + parsed.search }, '');
    }
    if (segments[0] === 'redirect' && segments.length >= 3) {
      const n = Number(segments[1]);
      const rest = segments.slice(2).join('/');
      const code = Number(q.get('code') ?? 302);
      const target = n > 1 ? `/redirect/${n - 1}/${rest}` : `/${rest}`;
      return send(res, entry, code, { Location: target + parsed.search }, '');
    }
    if (segments[0] === 'no-validators' && segments.length >= 2) {
      return serveFile(req, res, entry, segments.slice(1).join('/'), q, false);
    }
    return serveFile(req, res, entry, segments.join('/'), q, true);
  }

  function trickle(res: http.ServerResponse, entry: LoggedRequest, ms: number): void {
    void loadFile('nato.rss').then((body = Buffer.from('<rss version="2.0"></rss>')) => {
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
      let i = 0;
      const timer = setInterval(() => {
        if (res.destroyed || i >= body.length) {
          clearInterval(timer);
          timers.delete(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(i, i + 1));
        i++;
      }, ms);
      timers.add(timer);
      res.on('close', () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    });
  }

  function endless(res: http.ServerResponse, entry: LoggedRequest, query: URLSearchParams): void {
    entry.status = 200;
    const gzip = query.get('gzip') === '1';
    const pace = Number(query.get('pace') ?? 0);
    res.writeHead(200, { 'Content-Type': 'application/rss+xml', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    const socket = res.socket!;
    socket.once('close', () => endlessSent.push({ path: entry.path, bytes: socket.bytesWritten }));
    // A gzip bomb: 64 KB of zeros compress to ~70 bytes, so the wire carries little and the body is endless.
    const gz = gzip ? createGzip() : undefined;
    if (gz) {
      gz.pipe(res);
      gz.on('error', () => undefined);
      res.once('close', () => gz.destroy());
    }
    const sink: NodeJS.WritableStream = gz ?? res;
    const chunk = Buffer.alloc(64 * 1024, gzip ? '\0' : '<item><title>again</title></item>\n');
    sink.write('<?xml version="1.0"?><rss version="2.0"><channel>');
    if (pace > 0) {
      const timer = setInterval(() => {
        if (res.destroyed) {
          clearInterval(timer);
          timers.delete(timer);
          return;
        }
        sink.write(Buffer.alloc(pace * 1024, '<item><title>again</title></item>\n'));
      }, 10);
      timers.add(timer);
      return;
    }
    const pump = (): void => {
      while (!res.destroyed && sink.write(chunk));
      if (!res.destroyed) sink.once('drain', pump);
    };
    pump();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    endlessSent,
    setFile(name, content) {
      memory.set(name, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}

function send(
  res: http.ServerResponse,
  entry: LoggedRequest,
  status: number,
  headers: http.OutgoingHttpHeaders,
  body?: string | Buffer,
): void {
  entry.status = status;
  res.writeHead(status, headers);
  res.end(body);
}

function header<K extends keyof LoggedRequest>(req: http.IncomingMessage, name: string, key: K): Partial<LoggedRequest> {
  const v = req.headers[name];
  const value = Array.isArray(v) ? v.join(', ') : v;
  return value === undefined ? {} : { [key]: value };
}
