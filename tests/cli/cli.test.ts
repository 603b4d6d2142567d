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

describe('pressroom fulltext --explain', () => {
  const TEASER =
    'Law enforcement authorities from Spain and Belgium, supported by Europol, have dismantled a criminal network that smuggled cocaine from South America into Europe hidden in shipments of bananas. Eleven suspects were arrested…';
  let fixture: Awaited<ReturnType<typeof import('../helpers/fixture-server.js').start>>;
  let at = '';
  beforeAll(async () => {
    const { start } = await import('../helpers/fixture-server.js');
    const { fileURLToPath } = await import('node:url');
    fixture = await start({ dir: fileURLToPath(new URL('../fixtures/pages/', import.meta.url)) });
    at = fixture.url;
    fixture.setFile(
      'none.rss',
      `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description><item><title>Cocaine network dismantled</title><link>${at}/europol-captions.html</link><description>${TEASER}</description><pubDate>${new Date().toUTCString()}</pubDate><guid>c1</guid></item></channel></rss>`,
    );
  });
  afterAll(() => fixture.close());

  const explain = async (args: string[], withStory = false) => {
    const { readdirSync, existsSync } = await import('node:fs');
    const ws = makeWorkspace({ europol: { name: 'Europol', feeds: [{ url: `${at}/none.rss` }] } }, []);
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1', LOG_LEVEL: 'silent' };
    if (withStory) expect((await runCli(['ingest', '--once'], env)).code).toBe(0);
    const before = existsSync(ws.dataDir) ? readdirSync(ws.dataDir).sort() : [];
    const r = await runCli(['fulltext', '--explain', ...args], env);
    // It writes nothing: no store made, none changed.
    expect(existsSync(ws.dataDir) ? readdirSync(ws.dataDir).sort() : []).toEqual(before);
    return r;
  };

  it('says what would be extracted and why it is accepted: captions stepped over, related news and share/tags trimmed', async () => {
    const r = await explain([`${at}/europol-captions.html`, '--teaser', `${TEASER.replace('arrested…', 'arrested in coordinated raids on 15 October.')} The network used front companies in the fruit trade to import containers through the ports of Algeciras…`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`page: ${at}/europol-captions.html`);
    expect(r.stdout).toContain('teaser: from --teaser: "Law enforcement authorities');
    expect(r.stdout).toContain('verdict: accepted: the teaser opens the article and the article goes on past it');
    expect(r.stdout).toContain('page date: 2024-10-21T08:15:00.000Z');
    // The caption and the credit line between the teaser's two paragraphs.
    expect(r.stdout).toContain('stepped over: media "A house search in Madrid during the action day."; media "Photo © Policía Nacional"');
    expect(r.stdout).toMatch(/trimmed: .*"Related news" and \d+ block\(s\) after it/);
    const extract = r.stdout.split('--- extract ---\n')[1]!.split('--- end ---')[0]!;
    expect(extract).toContain('Bank accounts and real estate worth EUR 6 million were frozen.');
    expect(extract).not.toContain('Related news');
    expect(extract).not.toContain('Tags:');
  });

  it('refuses another release’s page that quotes the teaser under "Related news", and says so (exit 3)', async () => {
    const r = await explain([`${at}/europol-quotes-teaser.html`, '--teaser', TEASER]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('verdict: refused (teaser-not-at-opening): the teaser is on the page but does not open its article');
    // What would have been taken: the other release's own text.
    expect(r.stdout).toContain('Belgian authorities, supported by Europol, have arrested four employees');
  });

  it('a PDF is refused unread; a bot challenge is blocked', async () => {
    const pdf = await explain([`${at}/release.pdf?type=application/pdf`, '--teaser', TEASER]);
    expect(pdf.code).toBe(3);
    expect(pdf.stdout).toContain('fetched: not-html: not a web page (application/pdf): not read');
    expect(pdf.stdout).toContain('verdict: refused (not-html); the teaser would stay');
    const challenge = await explain([`${at}/challenge.html?status=503`, '--teaser', TEASER]);
    expect(challenge.code).toBe(3);
    expect(challenge.stdout).toContain('fetched: blocked: Cloudflare challenge (HTTP 503): the site wants a browser');
    expect(challenge.stdout).toContain('verdict: blocked; the teaser would stay');
  });

  it('without --teaser: the stored story that links to the page is the teaser; with none, the extract is shown and refused', async () => {
    const none = await explain([`${at}/europol-captions.html`]);
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('teaser: none');
    expect(none.stdout).toContain('verdict: refused (no-teaser-text)');
    expect(none.stdout).toContain('Bank accounts and real estate worth EUR 6 million were frozen.');
    const stored = await explain([`${at}/europol-captions.html`], true);
    expect(stored.code, stored.stdout).toBe(0);
    expect(stored.stdout).toMatch(/teaser: the stored text of story tag:pressroom,[^ ]+ \(europol\): "Law enforcement authorities/);
    expect(stored.stdout).toContain('verdict: accepted');
  });
});
