// The operator's CLI, each command run as a user would: the compiled dist/main.js in a child process.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli } from '../helpers/daemon.js';

let upstream: Server;
let base: string;

beforeAll(async () => {
  // One agency feed that works (an empty RSS channel) and one that is down.
  upstream = createServer((req, res) => {
    if (req.url === '/ok.rss')
      res.writeHead(200, { 'Content-Type': 'application/rss+xml', ETag: '"v1"' }).end('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description></channel></rss>');
    else res.writeHead(500).end('boom');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

const agencies = () => ({
  nato: { name: 'NATO', feeds: [{ url: `${base}/ok.rss` }] },
  europol: { name: 'Europol', feeds: [{ url: `${base}/down.rss` }] },
  eurojust: { name: 'Eurojust' },
});

describe('pressroom CLI', () => {
  it('--help lists every command', async () => {
    const r = await runCli(['--help'], {});
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'worker', 'web', 'ingest --once', 'check-config', 'status']) expect(r.stdout).toContain(cmd);
  });

  it('an unknown command says so and exits 2', async () => {
    const r = await runCli(['frobnicate'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('check-config prints what it found', async () => {
    const ws = makeWorkspace(agencies());
    const r = await runCli(['check-config'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/agency nato \(NATO\)/);
    expect(r.stdout).toMatch(/config ok: 3 agencies/);
    // It writes nothing: not the last good config, not even the data folder.
    expect(existsSync(ws.dataDir)).toBe(false);
  });

  it('check-config with a bad file exits 1 with the reason', async () => {
    const ws = makeWorkspace({ nato: { name: 'NATO', feeds: [{ url: 'ftp://example.org/feed' }] } });
    const r = await runCli(['check-config'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^pressroom: config error: .*nato\.json: feeds\[0\]\.url: not an absolute http\(s\) URL$/);
  });

  it('ingest --once runs every source once, prints a line per source, exits 0 even when a source failed', async () => {
    const ws = makeWorkspace(agencies());
    const r = await runCli(['ingest', '--once'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, LOG_LEVEL: 'silent' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('bulletin bulletin-2024-10-09.txt: fetched; 10 items, 10 new, 0 updated');
    expect(lines.find((l) => l.startsWith(`feed ${base}/ok.rss:`))).toMatch(/: fetched; 0 items/);
    expect(lines.find((l) => l.startsWith(`feed ${base}/down.rss:`))).toMatch(/failed: .*500/);
    expect(lines.at(-1)).toBe('ingest: 10 new, 0 updated stories');

    const again = await runCli(['ingest', '--once'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, LOG_LEVEL: 'silent' });
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/bulletin-2024-10-09\.txt/); // unchanged: skipped
    expect(again.stdout).toMatch(new RegExp(`feed ${base}/ok.rss: not-modified`));

    const status = await runCli(['status'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^10 stories$/m);
    expect(status.stdout).toMatch(new RegExp(`feed ${base}/down.rss: failing \\(http-error: .*500.*\\) x2`));
    expect(status.stdout).toMatch(new RegExp(`feed ${base}/ok.rss: ok`));
  });

  it('ingest --once with a bad config exits 1', async () => {
    const ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Mars/Olympus' } });
    const r = await runCli(['ingest', '--once'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nato\.json: timezone: not a known IANA time zone/);
  });
});

describe('pressroom fulltext', () => {
  it('ingest fetches a teaser’s page on a FETCH_ALLOW_HOSTS host; fulltext --backfill takes old stories too', async () => {
    const { readFileSync } = await import('node:fs');
    const page = readFileSync(new URL('../fixtures/pages/nato-news.html', import.meta.url));
    const teaser = 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers to NATO Headquarters in Brussels on Thursday (17 October 2024) for two days of talks…';
    const item = (n: number, date: Date) =>
      `<item><title>Release ${n}</title><link>${pages}/news_${n}.htm</link><description>${teaser}</description><pubDate>${date.toUTCString()}</pubDate><guid>r${n}</guid></item>`;
    let pages = '';
    const server = createServer((req, res) => {
      if (req.url === '/teasers.rss')
        res.writeHead(200, { 'Content-Type': 'application/rss+xml' }).end(
          `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description>${item(1, new Date())}${item(2, new Date(Date.now() - 90 * 86_400_000))}</channel></rss>`,
        );
      else if (req.url?.startsWith('/news_')) res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    pages = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const ws = makeWorkspace({ nato: { name: 'NATO', feeds: [{ url: `${pages}/teasers.rss` }] } }, []);
      const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1', FULLTEXT_MAX_PER_RUN: '10' };
      const r = await runCli(['ingest', '--once'], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`page ${pages}/news_1.htm (nato): accepted`);
      expect(r.stdout).not.toContain('news_2.htm');
      const b = await runCli(['fulltext', '--backfill'], env);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toContain(`page ${pages}/news_2.htm (nato): accepted`);
      expect(b.stdout).not.toContain('news_1.htm');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
