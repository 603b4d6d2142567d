// Bulletins over HTTP (`POST /bulletins` with BULLETIN_TOKEN) and the drop folder watched by a separate worker:
// the web process only drops the file, the worker ingests it within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, makeWorkspace, NO_PAGE_FETCHES, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';

const TOKEN = 'test-token-0123456789abcdef';
const ITEM = `Eurojust helps dismantle a money laundering network

Source: Eurojust

The Hague, 14 October 2024 – With the support of Eurojust, authorities in Belgium and France dismantled a network
that laundered the proceeds of drug trafficking through a chain of car dealerships.
`;

interface JsonFeed {
  items: { id: string; title: string }[];
}

describe('POST /bulletins', { timeout: 60_000 }, () => {
  let daemon: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;
  const post = (body: string, headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }, query = '') =>
    fetch(`${daemon.url}/bulletins${query}`, { method: 'POST', body, headers });
  const titles = async () => ((await (await fetch(`${daemon.url}/feeds/all.json`)).json()) as JsonFeed).items.map((i) => i.title);

  beforeAll(async () => {
    ws = makeWorkspace({ eurojust: { name: 'Eurojust', timezone: 'Europe/Amsterdam' } }, []);
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_TOKEN: TOKEN, BULLETIN_MAX_BYTES: '4096' });
  }, 30_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('answers 401 without the token or with a wrong one, and stores nothing', async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer wrong-token-0123456789abcdef' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: `Bearer ${TOKEN}x` }]) {
      const res = await post(ITEM, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="pressroom"');
    }
    expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual([]);
  });

  it('answers 413 past BULLETIN_MAX_BYTES, declared or streamed', async () => {
    const big = `${ITEM}\n${'More text. '.repeat(500)}`;
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain('4096 bytes');
    // Chunked, no Content-Length: counted as it arrives.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await fetch(`${daemon.url}/bulletins`, { method: 'POST', body: stream, headers: { Authorization: `Bearer ${TOKEN}` }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual([]);
  });

  it('answers 422 with the report when the body has no items, and stores nothing', async () => {
    const res = await post('Dear all, please find the releases attached.\n');
    expect(res.status).toBe(422);
    const body = (await res.json()) as { stored: boolean; report: { items: unknown[]; errors: { message: string }[] } };
    expect(body.stored).toBe(false);
    expect(body.report.items).toEqual([]);
    expect(body.report.errors[0]!.message).toContain('no items');
    expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual([]);
  });

  it('drops a good bulletin into the folder atomically, answers with its report, and the worker publishes it', async () => {
    const t0 = Date.now();
    const res = await post(ITEM, { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain; charset=utf-8' }, '?name=eurojust-2024-10-14');
    expect(res.status).toBe(202);
    const body = (await res.json()) as { stored: boolean; file: string; report: { ok: boolean; items: unknown[] } };
    expect(body.stored).toBe(true);
    expect(body.file).toBe('eurojust-2024-10-14.txt');
    // pressroom check-bulletin's report (stories/check-bulletin.ts).
    expect(body.report.ok).toBe(true);
    expect(body.report.items).toMatchObject([{ line: 1, title: 'Eurojust helps dismantle a money laundering network', agency: { id: 'eurojust', match: 'exact' }, day: '2024-10-14', dateBasis: 'dateline', teaser: false }]);
    // No temporary file left behind, the bytes as sent.
    expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual(['eurojust-2024-10-14.txt']);
    expect(readFileSync(path.join(ws.feedsDir, 'bulletins', 'eurojust-2024-10-14.txt'), 'utf8')).toBe(ITEM);
    await waitFor(async () => (await titles()).includes('Eurojust helps dismantle a money laundering network'), 10_000, 'the posted bulletin');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('refuses a file name that could leave the folder or hide as a dot-file', async () => {
    for (const name of ['../evil', '.hidden', 'a/b', '']) {
      const res = await post(ITEM, undefined, `?name=${encodeURIComponent(name)}`);
      expect(res.status, name).toBe(400);
    }
    expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual(['eurojust-2024-10-14.txt']);
  });
});

describe('without BULLETIN_TOKEN', () => {
  it('has no POST /bulletins: the server stays read-only', async () => {
    const ws = makeWorkspace({ eurojust: { name: 'Eurojust' } }, []);
    const d = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    try {
      const res = await fetch(`${d.url}/bulletins`, { method: 'POST', body: ITEM, headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(405);
      expect(readdirSync(path.join(ws.feedsDir, 'bulletins'))).toEqual([]);
    } finally {
      await d.stop();
    }
  });
});

describe('worker and web as separate processes', { timeout: 60_000 }, () => {
  let worker: ChildProcess;
  let web: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;

  beforeAll(async () => {
    ws = makeWorkspace({ eurojust: { name: 'Eurojust' } }, []);
    const env = { PATH: process.env.PATH ?? '', ...NO_PAGE_FETCHES, FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, LOG_LEVEL: 'info' };
    worker = spawn(process.execPath, [MAIN, 'worker'], { env, stdio: 'ignore' });
    web = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_TOKEN: TOKEN }, 15_000, 'web');
  }, 30_000);

  afterAll(async () => {
    await web?.stop();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
  });

  it('shows a file dropped into the folder within 10 s, and one posted to the web process', async () => {
    const titles = async () => ((await (await fetch(`${web.url}/feeds/all.json`)).json()) as JsonFeed).items.map((i) => i.title);
    await new Promise((r) => setTimeout(r, 1000)); // the worker's start-up run
    let t0 = Date.now();
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'dropped-2024-10-14.txt'), ITEM);
    await waitFor(async () => (await titles()).includes('Eurojust helps dismantle a money laundering network'), 10_000, 'the dropped bulletin');
    expect(Date.now() - t0).toBeLessThan(10_000);
    t0 = Date.now();
    const res = await fetch(`${web.url}/bulletins`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: 'Eurojust helps dismantle a cigarette smuggling ring\n\nSource: Eurojust\n\nPolish and Lithuanian prosecutors, supported by Eurojust, charged nine suspects with smuggling 40 million cigarettes through Gdansk.\n',
    });
    expect(res.status).toBe(202);
    await waitFor(async () => (await titles()).includes('Eurojust helps dismantle a cigarette smuggling ring'), 10_000, 'the posted bulletin');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
