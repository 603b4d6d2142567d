// Measures the web tier against a bare node:http server sending the same bytes, and the cost of rendering every
// default document. Loopback only, bounded in time (about a minute); prints a table.
// `node dist/bench/serve-bench.js [--duration=3] [--rounds=3] [--runs=7]`
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createApp } from '../web/app.js';
import { buildPublication, renderArchive, renderVariant } from '../web/publication.js';
import { alternating, load, median, row, WRK } from './load.js';
import { BENCH_AGENCIES, syntheticStore } from './synthetic-store.js';

const FEED_PATH = '/feeds/all.atom';
/** The default feed is 50 stories; press releases of ~5 KB make it about 300 KB, as the issue measured. */
const SERVE_STORIES = 2_000;
const SERVE_CONTENT_BYTES = 5_000;
const RENDER_STORIES = 10_000;
const RENDER_CONTENT_BYTES = 1_500;
const PUBLISH = { limit: 50, maxAgeSeconds: 900 };

interface Ports {
  app: number;
  bare: number;
  etag: string;
  bytes: number;
}

/**
 * The child process: the app and the bare server, each on its own loopback port, so the load generator in the
 * parent does not share their event loop. Both send the same bytes with the same headers.
 */
async function serve(): Promise<void> {
  const data = syntheticStore(SERVE_STORIES, SERVE_CONTENT_BYTES);
  const web = createApp({ snapshot: () => ({ data, version: 1 }), agencies: BENCH_AGENCIES, publicUrl: 'http://127.0.0.1', publish: PUBLISH, log: console });
  const doc = web.publication().docs.get(FEED_PATH)!;
  const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const app = createServer((req, res) => web.handle(req, res));
  // The bare server sends exactly the app's bytes and headers, so the ratio measures our request handling alone.
  const h200 = { 'Content-Type': doc.contentType, ETag: doc.etag, 'Last-Modified': doc.lastModified ?? '', 'Cache-Control': doc.cacheControl, Vary: 'Accept-Encoding', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag', 'Content-Length': String(doc.body.length) };
  const { 'Content-Length': _length, ...h304 } = h200;
  const body = doc.body;
  const bare = createServer((req, res) => {
    if (req.headers['if-none-match'] === doc.etag) {
      res.writeHead(304, h304);
      res.end();
    } else {
      res.writeHead(200, h200);
      res.end(body);
    }
  });
  const ports: Ports = { app: await listen(app), bare: await listen(bare), etag: doc.etag, bytes: body.length };
  process.send!(ports);
  // The parent says when it is done; if it dies, the IPC channel closes and so do we.
  process.on('message', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, runs: { type: 'string', default: '7' } } });
  const duration = Math.min(30, Math.max(1, Number(values.duration) || 3));
  const rounds = Math.min(9, Math.max(1, Number(values.rounds) || 3));
  const runs = Math.min(20, Math.max(1, Number(values.runs) || 7));

  // Rendering first, in this process, before any load: every default document for 10,000 stories.
  const big = syntheticStore(RENDER_STORIES, RENDER_CONTENT_BYTES);
  const times: number[] = [];
  let docs = 0;
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const pub = buildPublication(big, BENCH_AGENCIES, 'http://127.0.0.1', PUBLISH);
    times.push(performance.now() - t0);
    docs = pub.docs.size;
    bytes = [...pub.docs.values()].reduce((n, d) => n + d.body.length, 0);
  }
  const pub = buildPublication(big, BENCH_AGENCIES, 'http://127.0.0.1', PUBLISH);
  let t0 = performance.now();
  renderVariant(pub, 'all', 'atom', { limit: 500, q: 'ransomware' }, 'limit=500&q=ransomware');
  const variantMs = performance.now() - t0;
  t0 = performance.now();
  renderArchive(pub, 'all', pub.months.get('all')!.months[0]!);
  const archiveMs = performance.now() - t0;

  const child = fork(new URL(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<Ports>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ports));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  const results: { path: string; app: number; bare: number }[] = [];
  try {
    const app = `http://127.0.0.1:${ports.app}${FEED_PATH}`;
    const bare = `http://127.0.0.1:${ports.bare}${FEED_PATH}`;
    const cond = { 'If-None-Match': ports.etag };
    // A short warm-up of each, so neither side is measured while its code is still being compiled.
    await load(app, 1, {}, 200);
    await load(bare, 1, {}, 200);
    const measure = (headers: Record<string, string>, status: number) => alternating(app, bare, rounds, duration, headers, status);
    results.push({ path: `200 ${FEED_PATH} (${Math.round(ports.bytes / 1024)} KB)`, ...(await measure({}, 200)) });
    results.push({ path: '304 If-None-Match', ...(await measure(cond, 304)) });
  } finally {
    child.send('stop');
    child.kill();
  }

  const w = [44, 11, 11, 6, 9];
  const lines = [
    `Pressroom serve bench: node ${process.version}, 127.0.0.1, ${WRK ? 'wrk' : 'autocannon'} with 10 connections, median of ${rounds} alternating ${duration} s rounds per side`,
    '',
    row(['request', 'app req/s', 'bare req/s', 'ratio', 'target'], w),
    ...results.map((r) => {
      const ratio = r.app / r.bare;
      return row([r.path, Math.round(r.app), Math.round(r.bare), ratio.toFixed(2), ratio >= 0.8 ? '≥0.8 ok' : '≥0.8 LOW'], w);
    }),
    '',
    row(['render', 'median ms', 'max ms', '', 'target'], w),
    row([`every default document, ${RENDER_STORIES.toLocaleString('en')} stories`, median(times).toFixed(1), Math.max(...times).toFixed(1), '', median(times) < 300 ? '<300 ok' : '<300 SLOW'], w),
    row(['one query variant (limit=500, q=…)', variantMs.toFixed(1), '', '', ''], w),
    row(['one archive month', archiveMs.toFixed(1), '', '', ''], w),
    '',
    `render runs (ms): ${times.map((t) => t.toFixed(1)).join(', ')}; ${docs} documents, ${Math.round(bytes / 1024)} KB in all`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv.includes('--serve')) {
  void serve();
} else {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`serve-bench: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
