// Serving while an ingest runs: the real `pressroom web` and `pressroom worker` processes on one data folder,
// the worker ingesting loopback feeds that bring new releases every few seconds (so it commits, and the web tier
// reloads and renders again, all through the measurement), while wrk polls one agency's feed. Measured against a
// bare node:http server sending the same bytes, in alternating rounds, on the same busy machine.
// `node dist/bench/serve-ingest-bench.js [--duration=3] [--rounds=3]`
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../store/store.js';
import { alternating, load, row, WRK } from './load.js';
import { BENCH_AGENCIES, syntheticStore } from './synthetic-store.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
/** The feed readers poll; no ingested feed belongs to it, so its bytes (and ETag) stay the same throughout. */
const POLLED = BENCH_AGENCIES[0]!;
/** Agencies whose feeds the worker ingests: each feed brings a new release at every fetch. */
const INGESTED = BENCH_AGENCIES.slice(1, 9);
const FETCH_EVERY = '*/2 * * * * *';

interface Fetched {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const listen = (server: Server, host = '127.0.0.1') =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

/** The child that serves the agencies' feeds: every request of a feed shows one more release than the last. */
async function serveFeeds(): Promise<void> {
  const fetches = new Map<string, number>();
  const server = createServer((req, res) => {
    const agency = /^\/([a-z0-9-]+)\.rss$/.exec(req.url ?? '')?.[1];
    if (agency === undefined) return void res.writeHead(404).end();
    const n = (fetches.get(agency) ?? 0) + 1;
    fetches.set(agency, n);
    const now = Date.now();
    const items = Array.from({ length: 20 }, (_, i) => {
      const k = n - i;
      const date = new Date(now - i * 60_000).toUTCString();
      return `<item><title>${agency} release ${k}: joint action day number ${k} against organised crime</title>
<link>https://${agency}.example.org/press/live-${k}</link><guid isPermaLink="false">${agency}-live-${k}</guid><pubDate>${date}</pubDate>
<description>${`Release ${k} of ${agency}: investigators from several member states coordinated searches and arrests. `.repeat(8)}</description></item>`;
    }).join('\n');
    res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
    res.end(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${agency}</title><link>https://${agency}.example.org/</link><description>Press</description>${items}</channel></rss>`);
  });
  process.send!(await listen(server));
  process.on('disconnect', () => process.exit(0));
}

/** The child with the bare server: the polled feed's bytes and headers, as the web tier sent them. */
function serveBare(): void {
  process.once('message', async (m: { body: string; headers: Record<string, string> }) => {
    const body = Buffer.from(m.body, 'base64');
    const h200 = { ...m.headers, 'content-length': String(body.length) };
    const { 'content-length': _length, ...h304 } = h200;
    const etag = m.headers.etag;
    const server = createServer((req, res) => {
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, h304);
        res.end();
      } else {
        res.writeHead(200, h200);
        res.end(body);
      }
    });
    process.send!(await listen(server));
  });
  process.on('disconnect', () => process.exit(0));
}

/** Runs this file with `arg`, sends it `message` if given, and resolves with the port it answers. */
function forkSelf(arg: string, message?: object): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), arg], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (message) child.send(message);
  return new Promise((resolve, reject) => {
    child.once('message', (port) => resolve({ child, port: port as number }));
    child.once('exit', (code) => reject(new Error(`${arg} exited with ${code}`)));
  });
}

/** Starts `node dist/main.js <cmd>`; for `web`, resolves with its port once it listens. */
function daemon(cmd: 'web' | 'worker', env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [MAIN, cmd], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // ours, and not yet in the list the caller cleans up
      reject(new Error(`${cmd} did not start:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      if (out.length < 100_000) out += d.toString();
      const m = cmd === 'web' ? /listening on http:\/\/[^:]+:(\d+)/.exec(out) : /worker running/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, port: cmd === 'web' ? Number(m[1]) : 0 });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}:\n${out}`)));
  });
}

function manifestOf(dataDir: string): { generation: number; partitions: Record<string, { stories: number }> } {
  return JSON.parse(readFileSync(path.join(dataDir, 'pressroom.json'), 'utf8'));
}
const storiesIn = (m: ReturnType<typeof manifestOf>) => Object.values(m.partitions).reduce((n, p) => n + p.stories, 0);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } } });
  const duration = Math.min(30, Math.max(1, Number(values.duration) || 3));
  const rounds = Math.min(9, Math.max(1, Number(values.rounds) || 3));
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-serve-ingest-'));
  const children: ChildProcess[] = [];
  try {
    const feeds = await forkSelf('--feeds');
    children.push(feeds.child);
    const feedsDir = path.join(root, 'feeds');
    const dataDir = path.join(root, 'data');
    mkdirSync(path.join(feedsDir, 'agencies'), { recursive: true });
    mkdirSync(path.join(feedsDir, 'bulletins'), { recursive: true });
    for (const a of BENCH_AGENCIES) {
      const ingested = INGESTED.includes(a);
      const url = ingested ? `http://127.0.0.1:${feeds.port}/${a.id}.rss` : `http://127.0.0.1:${feeds.port}/none/${a.id}.rss`;
      // The polled agency's feed is checked once an hour only: nothing of it changes during the measurement.
      writeFileSync(path.join(feedsDir, 'agencies', `${a.id}.json`), JSON.stringify({ id: a.id, name: a.name, homepage: a.homepage, feeds: [{ url, schedule: ingested ? FETCH_EVERY : '0 * * * *' }] }));
    }
    // The store as a year of use left it: 2,000 releases of ~5 KB (the polled feed is 50 of them, ~300 KB).
    const store = await openStore(dataDir, { writable: true });
    await store.commit(syntheticStore(2_000, 5_000));
    await store.close();
    const env = { FEEDS_DIR: feedsDir, DATA_DIR: dataDir };

    const web = await daemon('web', env);
    children.push(web.child);
    const feedUrl = `http://127.0.0.1:${web.port}/feeds/${POLLED.id}.atom`;
    const first = await fetchRaw(feedUrl);
    if (first.status !== 200) throw new Error(`${feedUrl} answered ${first.status}`);
    const keep = ['content-type', 'etag', 'last-modified', 'cache-control', 'vary', 'x-content-type-options', 'access-control-allow-origin', 'access-control-expose-headers'];
    const headers = Object.fromEntries(keep.filter((k) => first.headers[k] !== undefined).map((k) => [k, String(first.headers[k])]));
    const bare = await forkSelf('--bare', { body: first.body.toString('base64'), headers });
    children.push(bare.child);
    const bareUrl = `http://127.0.0.1:${bare.port}/feeds/${POLLED.id}.atom`;
    const etag = String(first.headers.etag);

    const measure = (h: Record<string, string>, status: number) => alternating(feedUrl, bareUrl, rounds, duration, h, status);
    const both = async (when: string) => [
      { path: `200 /feeds/${POLLED.id}.atom (${Math.round(first.body.length / 1024)} KB), ${when}`, ...(await measure({}, 200)) },
      { path: `304 If-None-Match, ${when}`, ...(await measure({ 'If-None-Match': etag }, 304)) },
    ];
    await load(feedUrl, 1, {}, 200);
    await load(bareUrl, 1, {}, 200);
    const results = await both('no ingest');

    const worker = await daemon('worker', env);
    children.push(worker.child);
    // Let the worker's first runs land before measuring, so the web tier is reloading throughout.
    await new Promise((r) => setTimeout(r, 5_000));
    const before = manifestOf(dataDir);
    const allBefore = (await fetchRaw(`http://127.0.0.1:${web.port}/feeds/all.atom`)).headers.etag;
    const t0 = performance.now();
    results.push(...(await both('ingest running')));
    const seconds = (performance.now() - t0) / 1000;
    const after = manifestOf(dataDir);
    const allAfter = (await fetchRaw(`http://127.0.0.1:${web.port}/feeds/all.atom`)).headers.etag;
    const polledAfter = await fetchRaw(feedUrl, { 'If-None-Match': etag });
    // The comparison holds only if the polled feed stayed the same document while everything else moved.
    if (polledAfter.status !== 304) throw new Error(`the polled feed changed during the measurement (${polledAfter.status})`);
    const commits = after.generation - before.generation;
    if (commits < 2 || allBefore === allAfter) throw new Error(`the ingest did not run during the measurement (${commits} commits)`);

    const w = [62, 11, 11, 6, 9];
    const lines = [
      `Pressroom serve bench, web process with and without an ingest running: node ${process.version}, 127.0.0.1, ${WRK ? 'wrk' : 'autocannon'} with 10 connections, median of ${rounds} alternating ${duration} s rounds per side`,
      `(real \`pressroom web\` and \`pressroom worker\` processes on one data folder; ${INGESTED.length} loopback feeds on a 2-second cron, which the worker`,
      ` spreads with a random offset of up to 30 s per feed, each fetch bringing one new release: ${commits} commits and ${storiesIn(after) - storiesIn(before)} new stories`,
      ` in the ${Math.round(seconds)} s measured with the ingest running, each reloaded and rendered again by the web tier)`,
      '',
      row(['request', 'app req/s', 'bare req/s', 'ratio', 'target'], w),
      ...results.map((r) => {
        const ratio = r.app / r.bare;
        return row([r.path, Math.round(r.app), Math.round(r.bare), ratio.toFixed(2), ratio >= 0.8 ? '≥0.8 ok' : '≥0.8 LOW'], w);
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv.includes('--feeds')) void serveFeeds();
else if (process.argv.includes('--bare')) serveBare();
else
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`serve-ingest-bench: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
