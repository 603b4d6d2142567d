// WebSub fan-out: 1,000 subscribers of the merged feed on a loopback receiver (10 ports, 100 callbacks each), in
// both layouts: `pressroom start` (hub and serving on one event loop: the hardest case for serving) and the PM2
// one (`pressroom worker` delivering, one `pressroom web` serving). Measures the verification of 1,000
// subscriptions, the time from a commit (the store's manifest renamed into place) to the last subscriber's
// delivery, and the requests per second a polled feed gets while deliveries run against the same without.
// `node dist/bench/websub-bench.js [--subscribers=1000] [--rounds=3] [--duration=3] [--layout=start|pm2|both]`
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore } from '../store/store.js';
import { load, median, row, WRK } from './load.js';
import { BENCH_AGENCIES, syntheticStore } from './synthetic-store.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const PUBLIC = 'https://press.example.org';
const PORTS = 10;

/** The receiver child: answers verifications, counts deliveries, says when a round's count is reached. */
async function receiver(): Promise<void> {
  let verified = 0;
  let delivered = 0;
  let target = Infinity;
  const report = () => {
    if (delivered >= target) {
      target = Infinity;
      process.send!({ kind: 'delivered', at: Date.now(), bytes });
    }
  };
  let bytes = 0;
  const ports: number[] = [];
  for (let i = 0; i < PORTS; i++) {
    const server = createServer((req, res) => {
      if (req.method === 'GET') {
        const challenge = new URL(req.url ?? '/', 'http://x').searchParams.get('hub.challenge') ?? '';
        res.end(challenge, () => {
          verified++;
          if (verified % 100 === 0) process.send!({ kind: 'verified', n: verified, at: Date.now() });
        });
        return;
      }
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        res.writeHead(204).end();
        delivered++;
        report();
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ports.push((server.address() as AddressInfo).port);
  }
  process.on('message', (m: { kind: string; target: number }) => {
    if (m.kind === 'expect') {
      delivered = 0;
      bytes = 0;
      target = m.target;
    }
  });
  process.send!({ kind: 'ports', ports });
  process.on('disconnect', () => process.exit(0));
}

function headEtag(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD', agent: false }, (res) => {
      res.resume();
      resolve(String(res.headers.etag));
    });
    req.on('error', reject);
    req.end();
  });
}

function post(url: string, form: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { subscribers: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '3' }, layout: { type: 'string', default: 'both' } } });
  const n = Math.max(10, Math.min(10_000, Number(values.subscribers) || 1000));
  const rounds = Math.max(1, Math.min(9, Number(values.rounds) || 3));
  const duration = Math.max(1, Math.min(30, Number(values.duration) || 3));
  const layouts = values.layout === 'start' || values.layout === 'pm2' ? [values.layout] : (['start', 'pm2'] as const);
  for (const layout of layouts) await bench(layout as 'start' | 'pm2', n, rounds, duration);
}

async function bench(layout: 'start' | 'pm2', n: number, rounds: number, duration: number): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-websub-'));
  const children: ChildProcess[] = [];
  try {
    const rx = spawn(process.execPath, [fileURLToPath(import.meta.url), '--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(rx);
    const messages: Array<{ kind: string; [k: string]: unknown }> = [];
    const waiters: Array<() => void> = [];
    rx.on('message', (m: { kind: string }) => {
      messages.push(m);
      for (const w of waiters.splice(0)) w();
    });
    const next = async (kind: string, pred: (m: { kind: string; [k: string]: unknown }) => boolean = () => true, timeoutMs = 120_000) => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const i = messages.findIndex((m) => m.kind === kind && pred(m));
        if (i >= 0) return messages.splice(i, 1)[0]!;
        if (Date.now() > end) throw new Error(`timed out waiting for ${kind}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    };
    const ports = (await next('ports')).ports as number[];

    const feedsDir = path.join(root, 'feeds');
    const dataDir = path.join(root, 'data');
    mkdirSync(path.join(feedsDir, 'agencies'), { recursive: true });
    mkdirSync(path.join(feedsDir, 'bulletins'), { recursive: true });
    for (const a of BENCH_AGENCIES) writeFileSync(path.join(feedsDir, 'agencies', `${a.id}.json`), JSON.stringify({ id: a.id, name: a.name, homepage: a.homepage, feeds: [] }));
    const store = await openStore(dataDir, { writable: true });
    await store.commit(syntheticStore(2_000, 5_000));
    await store.close();

    const env = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      FEEDS_DIR: feedsDir,
      DATA_DIR: dataDir,
      PUBLIC_URL: PUBLIC,
      BULLETIN_SCHEDULE: '* * * * * *',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      FULLTEXT_MAX_PER_RUN: '0',
      WEBSUB_RATE_PER_MINUTE: '100000',
    };
    // LOG_LEVEL=warn hides the "listening" line: the port is found by asking for a free one first.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    if (layout === 'pm2') children.push(spawn(process.execPath, [MAIN, 'worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
    const daemon = spawn(process.execPath, [MAIN, layout === 'pm2' ? 'web' : 'start'], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(daemon);
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        await headEtag(`${base}/feeds/all.atom`);
        break;
      } catch {
        if (i > 300) throw new Error('the daemon did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    // 1,000 subscriptions to the merged feed, 20 requests at a time.
    const t0 = Date.now();
    const topic = `${PUBLIC}/feeds/all.atom`;
    for (let i = 0; i < n; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, (_, j) => {
          const k = i + j;
          return post(`${base}/websub`, { 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.callback': `http://127.0.0.1:${ports[k % PORTS]}/cb/${k}` }).then((s) => {
            if (s !== 202) throw new Error(`subscription ${k}: ${s}`);
          });
        }),
      );
    }
    const verifiedAt = (await next('verified', (m) => (m.n as number) >= n)).at as number;
    const verifySeconds = (verifiedAt - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1500)); // the last subscriptions are written

    let drops = 0;
    const drop = () => {
      drops++;
      writeFileSync(
        path.join(feedsDir, 'bulletins', `bulletin-2026-12-01-${drops}.txt`),
        `Europol action day ${drops} against online fraud networks\n\nSource: EUROPOL\n\nInvestigators of several member states searched premises in action day ${drops}, marker ${Date.now()}.\n`,
      );
    };
    const fanout: number[] = [];
    const pickup: number[] = [];
    let bodyBytes = 0;
    // The commit: the worker renames the store's manifest into place (src/store/durable-file.ts).
    const manifest = path.join(dataDir, 'pressroom.json');
    const mtime = () => statSync(manifest).mtimeMs;
    for (let r = 0; r < rounds; r++) {
      const before = mtime();
      rx.send({ kind: 'expect', target: n });
      const tDrop = Date.now();
      drop();
      let tCommit = 0;
      for (;;) {
        if (mtime() !== before) {
          tCommit = Date.now();
          break;
        }
        await new Promise((res) => setTimeout(res, 2));
      }
      const done = await next('delivered');
      fanout.push(((done.at as number) - tCommit) / 1000);
      pickup.push((tCommit - tDrop) / 1000);
      bodyBytes = (done.bytes as number) / n;
      await new Promise((res) => setTimeout(res, 500));
    }

    // Serving while deliveries run: one change a second (each a fan-out to every subscriber) during the load.
    const polled = `${base}/feeds/nato.atom`;
    const etag = await headEtag(polled);
    const measure = async (busy: boolean, headers: Record<string, string>, status: number) => {
      let stop = false;
      const dropping = (async () => {
        while (busy && !stop) {
          rx.send({ kind: 'expect', target: Infinity });
          drop();
          await new Promise((res) => setTimeout(res, 1000));
        }
      })();
      const rate = await load(polled, duration, headers, status);
      stop = true;
      await dropping;
      return rate;
    };
    await load(polled, 1, {}, 200);
    const results: Array<{ what: string; quiet: number; busy: number }> = [];
    for (const [what, headers, status] of [
      ['200 /feeds/nato.atom', {}, 200],
      ['304 If-None-Match', { 'If-None-Match': etag }, 304],
    ] as const) {
      const q: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < rounds; i++) {
        q.push(await measure(false, headers, status));
        b.push(await measure(true, headers, status));
        await new Promise((res) => setTimeout(res, 1000));
      }
      results.push({ what, quiet: median(q), busy: median(b) });
    }

    const w = [44, 12, 14, 6];
    const lines = [
      `Pressroom WebSub bench: node ${process.version}, 127.0.0.1, ${layout === 'start' ? '`pressroom start` (hub and serving in one process)' : '`pressroom worker` (the hub) + one `pressroom web` (serving)'}, ${n} subscribers of /feeds/all.atom on ${PORTS} loopback ports,`,
      `2,000 stored stories, the delivered document ${Math.round(bodyBytes / 1024)} KB; PUSH_HOST_CONCURRENCY 2, PUSH_CONCURRENCY 16; median of ${rounds} rounds`,
      '',
      `verification of ${n} subscriptions (POST /websub to the last echoed challenge): ${verifySeconds.toFixed(1)} s`,
      `bulletin dropped -> committed (scan every 1 s, ingest, store write): ${median(pickup).toFixed(2)} s`,
      `commit -> last of ${n} deliveries: ${median(fanout).toFixed(2)} s (rounds: ${fanout.map((f) => f.toFixed(2)).join(', ')})`,
      '',
      `serving a polled feed while deliveries run (one change a second, ${WRK ? 'wrk' : 'autocannon'}, 10 connections, ${duration} s per round):`,
      row(['request', 'quiet req/s', 'pushing req/s', 'ratio'], w),
      ...results.map((r) => row([r.what, Math.round(r.quiet), Math.round(r.busy), (r.busy / r.quiet).toFixed(2)], w)),
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  } finally {
    for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2500));
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv.includes('--receiver')) void receiver();
else
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`websub-bench: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
