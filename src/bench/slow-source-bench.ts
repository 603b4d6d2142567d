// Serving while a hostile source is processed: the real `pressroom start` (worker and web in one process) polls
// loopback feeds of which some are legal but costly (200,000 tiny items, ~8 MB each). Parsing runs on a parse
// thread under PARSE_BUDGET_MS; this measures /healthz and a feed, each polled every ~20 ms, first with the
// daemon restarted with nothing changed, then restarted with the hostile sources in place, through the run that
// processes them until each is stopped at its budget.
// `node dist/bench/slow-source-bench.js [--budget=1200] [--hostile=3] [--idle=3]`
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const { values } = parseArgs({ options: { budget: { type: 'string', default: '1200' }, hostile: { type: 'string', default: '3' }, idle: { type: 'string', default: '3' } } });
const BUDGET_MS = Number(values.budget);
const HOSTILE = Array.from({ length: Number(values.hostile) }, (_, i) => `slow-${i + 1}`);
const GOOD = ['nato', 'europol', 'eurojust'];

const feed = (name: string, items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>${name}</title><link>https://${name}.example.org/</link><description>d</description>\n${items.join('\n')}</channel></rss>\n`;
const goodFeed = (name: string) =>
  feed(
    name,
    Array.from(
      { length: 20 },
      (_, i) =>
        `<item><title>${name} release ${i}: joint action day number ${i}</title><link>https://${name}.example.org/${i}</link><guid>${name}-${i}</guid>` +
        `<pubDate>${new Date(Date.UTC(2024, 9, 9, 10, i)).toUTCString()}</pubDate><description>${'Investigators from several member states coordinated searches. '.repeat(6)}</description></item>`,
    ),
  );
const hostileFeed = feed('slow', Array.from({ length: 200_000 }, (_, i) => `<item><title>Hostile ${i}</title></item>`));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function fetchMs(url: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
    }).on('error', reject);
  });
}

function poll(base: string) {
  let stopped = false;
  const out = { healthz: [] as number[], feed: [] as number[], errors: 0 };
  const loop = async (p: string, into: number[]) => {
    while (!stopped) {
      const r = await fetchMs(base + p).catch(() => undefined);
      if (!r || r.status !== 200) out.errors++;
      else into.push(r.ms);
      await sleep(20);
    }
  };
  const loops = [loop('/healthz', out.healthz), loop('/feeds/all.atom', out.feed)];
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return out;
    },
  };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))] ?? NaN;
const fmt = (xs: number[]) => `${String(xs.length).padStart(5)} ${pct(xs, 50).toFixed(1).padStart(7)} ${pct(xs, 99).toFixed(1).padStart(7)} ${Math.max(...xs).toFixed(1).padStart(7)}`;

interface Status {
  sources: { key: string; errorCode?: string; errorMessage?: string; lastSuccess?: string }[];
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-slow-bench-'));
  const files = new Map<string, string>([...GOOD, ...HOSTILE].map((n) => [n, goodFeed(n)]));
  const server = createServer((req, res) => {
    const name = /^\/([a-z0-9-]+)\.rss$/.exec(req.url ?? '')?.[1];
    const body = name ? files.get(name) : undefined;
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const fx = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const feedsDir = path.join(root, 'feeds');
  mkdirSync(path.join(feedsDir, 'agencies'), { recursive: true });
  mkdirSync(path.join(feedsDir, 'bulletins'), { recursive: true });
  for (const n of [...GOOD, ...HOSTILE])
    writeFileSync(path.join(feedsDir, 'agencies', `${n}.json`), JSON.stringify({ name: n.toUpperCase(), feeds: [{ url: `${fx}/${n}.rss`, schedule: '0 * * * *' }] }));
  const env = { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', FEEDS_DIR: feedsDir, DATA_DIR: path.join(root, 'data'), PUBLIC_URL: 'http://pressroom.test', PARSE_BUDGET_MS: String(BUDGET_MS) };

  const startDaemon = async () => {
    const child = spawn(process.execPath, [MAIN, 'start'], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`daemon did not start:\n${out}`))), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      });
      child.on('exit', () => (clearTimeout(timer), reject(new Error(`daemon exited:\n${out}`))));
    });
    child.stdout!.resume();
    const stop = () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill('SIGTERM'))));
    return { base, stop, child };
  };
  const status = async (base: string) => JSON.parse((await fetchMs(`${base}/status`)).body) as Status;
  const waitFor = async (base: string, ok: (s: Status) => boolean) => {
    for (const end = Date.now() + 180_000; Date.now() < end; await sleep(250)) if (ok(await status(base).catch(() => ({ sources: [] })))) return;
    throw new Error('timed out waiting for the daemon');
  };

  let daemon = await startDaemon();
  try {
    // Every source once with ordinary content. Then, as the comparison, a restart with nothing changed: the
    // same start-up (its run over every source, here all unchanged), polled the same way for --idle seconds.
    await waitFor(daemon.base, (s) => s.sources.filter((x) => x.lastSuccess).length === GOOD.length + HOSTILE.length);
    await daemon.stop();
    daemon = await startDaemon();
    let sampler = poll(daemon.base);
    await sleep(Number(values.idle) * 1000);
    const idle = await sampler.stop();
    await daemon.stop();

    for (const h of HOSTILE) files.set(h, hostileFeed);
    daemon = await startDaemon();
    const t0 = Date.now();
    sampler = poll(daemon.base);
    await waitFor(daemon.base, (s) => HOSTILE.every((h) => s.sources.find((x) => x.key === `${fx}/${h}.rss`)?.errorCode === 'too-slow'));
    const busy = await sampler.stop();
    const reason = (await status(daemon.base)).sources.find((x) => x.errorCode === 'too-slow')?.errorMessage;

    console.log(`\n## Serving while a hostile source is processed (pressroom start, PARSE_BUDGET_MS=${BUDGET_MS})`);
    console.log(`${HOSTILE.length} hostile feeds of 200,000 items (${(hostileFeed.length / 1024 / 1024).toFixed(1)} MB each) and ${GOOD.length} ordinary ones; /healthz and /feeds/all.atom each polled every ~20 ms, one request at a time`);
    console.log(`phase                         path               samples  p50 ms  p99 ms  max ms`);
    console.log(`restart, nothing changed      /healthz           ${fmt(idle.healthz)}`);
    console.log(`restart, nothing changed      /feeds/all.atom    ${fmt(idle.feed)}`);
    console.log(`hostile run (${((Date.now() - t0) / 1000).toFixed(1)} s)`.padEnd(30) + `/healthz           ${fmt(busy.healthz)}`);
    console.log(`hostile run`.padEnd(30) + `/feeds/all.atom    ${fmt(busy.feed)}`);
    console.log(`failed polls: ${idle.errors + busy.errors}; each hostile source reported: too-slow (${reason})`);
  } finally {
    await daemon.stop();
    server.closeAllConnections();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
