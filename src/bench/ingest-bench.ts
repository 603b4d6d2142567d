// Benchmark: one ingest run over N loopback feeds of 50 items each, then an all-304 re-poll. Prints a table.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Agency } from '../model.js';
import { openStore } from '../store/store.js';
import { runIngest } from '../worker/ingest.js';

const FEEDS = Number(process.env.BENCH_FEEDS ?? 100);
const ITEMS = 50;

function feedXml(n: number): string {
  const items = Array.from({ length: ITEMS }, (_, i) => {
    const day = 1 + ((i + n) % 28);
    return `<item><title>Agency ${n} release ${i}: operation ${(n * 7919 + i * 104729) % 100000} concluded</title>
<link>https://agency${n}.example.org/news/${i}</link><guid>a${n}-${i}</guid>
<pubDate>${new Date(Date.UTC(2024, 9, day, 10, i % 60)).toUTCString()}</pubDate>
<description>${`Paragraph about release ${i} of agency ${n}. `.repeat(12)}</description></item>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Agency ${n}</title><link>https://agency${n}.example.org/</link><description>d</description>${items}</channel></rss>`;
}

async function main(): Promise<void> {
  const bodies = Array.from({ length: FEEDS }, (_, n) => Buffer.from(feedXml(n)));
  const etags = bodies.map((b) => `"${createHash('sha1').update(b).digest('hex')}"`);
  let requests = 0;
  let conditional = 0;
  let notModified = 0;
  const server = createServer((req, res) => {
    requests++;
    const n = Number(/\/feed(\d+)\.rss/.exec(req.url ?? '')?.[1]);
    const body = bodies[n];
    if (!body) return void res.writeHead(404).end();
    if (req.headers['if-none-match'] || req.headers['if-modified-since']) conditional++;
    if (req.headers['if-none-match'] === etags[n]) {
      notModified++;
      return void res.writeHead(304, { ETag: etags[n] }).end();
    }
    res.writeHead(200, { 'Content-Type': 'application/rss+xml', ETag: etags[n]! }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-ingest-'));
  // Each feed on its own loopback "host" name would need DNS; one host means one request at a time, as
  // politeness demands for a single host. Spread them over 127.0.0.x to measure the concurrent path too.
  const agencies: Agency[] = bodies.map((_, n) => ({
    id: `agency-${n}`,
    name: `Agency ${n}`,
    aliases: [],
    timezone: 'UTC',
    feeds: [{ url: `${base.replace('127.0.0.1', `127.0.0.${1 + (n % 8)}`)}/feed${n}.rss`, schedule: '*/15 * * * *' }],
    configured: true,
  }));
  const config: Config = {
    port: 0,
    feedsDir: root,
    dataDir: path.join(root, 'data'),
    bulletinsDir: path.join(root, 'bulletins'),
    logLevel: 'silent',
    bulletinSchedule: '*/5 * * * *',
    fetch: { timeoutMs: 20_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 5, concurrency: 4 },
    parse: { budgetMs: 60_000, threads: 1 },
    agencies,
  };
  // 127.0.0.x listen: the server bound 127.0.0.1 only; rebind on all loopback addresses.
  server.close();
  await new Promise<void>((r) => server.listen(Number(new URL(base).port), '0.0.0.0', () => r()));
  const log = { info() {}, warn() {}, error() {} };
  const store = await openStore(config.dataDir, { writable: true });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const runOnce = async () => {
    const t0 = performance.now();
    const r = await runIngest({ config, store, log, now: () => new Date('2024-10-30T00:00:00Z'), userAgent: 'Pressroom/bench' }, { bulletins: false, feeds: 'all', force: true });
    return { ms: performance.now() - t0, r };
  };
  const first = await runOnce();
  const firstReq = requests;
  requests = 0;
  conditional = 0;
  const again = await runOnce();
  clearInterval(sampler);
  await store.close();
  server.close();
  rmSync(root, { recursive: true, force: true });
  const rows = [
    ['run', 'wall ms', 'requests', 'conditional', '304', 'stories new', 'write ms'],
    ['first fetch', first.ms.toFixed(0), String(firstReq), '0', '0', String(first.r.created), (first.r.writeMs ?? 0).toFixed(1)],
    ['re-poll', again.ms.toFixed(0), String(requests), String(conditional), String(notModified), String(again.r.created), (again.r.writeMs ?? 0).toFixed(1)],
  ];
  console.log(`\n## Ingest: ${FEEDS} loopback feeds × ${ITEMS} items`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`peak RSS ${(peak / 1048576).toFixed(0)} MB; re-poll sent only conditional requests: ${conditional === requests && requests === FEEDS ? 'yes' : 'NO'}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
