// Under PM2 from node_modules, with its own PM2_HOME: both apps online, the web tier serves the worker's
// stories, a dropped bulletin appears, a reload under load fails no request, a second worker refuses.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, ROOT, runCli, waitFor } from '../helpers/daemon.js';

const run = promisify(execFile);
const TOKEN = 'pm2-test-token-0123456789';
const PM2 = path.join(ROOT, 'node_modules/pm2/bin/pm2');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Pm2Proc {
  name: string;
  pid: number;
  pm2_env: { status: string; restart_time: number; exit_code?: number };
}

describe('running under PM2', () => {
  let env: Record<string, string>;
  let base: string;
  let ws: ReturnType<typeof makeWorkspace>;
  const pm2 = async (...args: string[]) => (await run(process.execPath, [PM2, ...args], { cwd: ROOT, env, timeout: 60_000 })).stdout;
  const jlist = async () => JSON.parse(await pm2('jlist')) as Pm2Proc[];
  const items = async () => ((await (await fetch(`${base}/feeds/all.json`)).json()) as { items: { title: string }[] }).items;

  beforeAll(async () => {
    ws = makeWorkspace({ nato: { name: 'NATO' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: ws.root,
      PM2_HOME: mkdtempSync(path.join(tmpdir(), 'pressroom-pm2-')),
      PORT: String(port),
      HOST: '127.0.0.1',
      FULLTEXT_MAX_PER_RUN: '0',
      FEEDS_DIR: ws.feedsDir,
      DATA_DIR: ws.dataDir,
      PRESSROOM_LOG_DIR: path.join(ws.root, 'logs'),
      BULLETIN_SCHEDULE: '* * * * * *',
      BULLETIN_TOKEN: TOKEN,
    };
    await pm2('start', 'ecosystem.config.js');
  }, 90_000);

  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
  }, 60_000);

  it('brings both apps online: one worker in fork mode, two web instances in cluster mode', async () => {
    const procs = await jlist();
    expect(procs.filter((p) => p.name === 'pressroom-worker')).toHaveLength(1);
    expect(procs.filter((p) => p.name === 'pressroom-web')).toHaveLength(2);
    for (const p of procs) expect(p.pm2_env.status).toBe('online');
  });

  it('serves the worker’s stories from the web tier, and a dropped bulletin within seconds', async () => {
    await waitFor(async () => (await items()).length === 10, 20_000, 'the seed bulletin');
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'late-2024-10-12.txt'), 'Frontex opens a new office\n\nSource: Frontex\n\nFrontex opened an office.\n');
    const t0 = Date.now();
    await waitFor(async () => (await items()).some((i) => i.title === 'Frontex opens a new office'), 15_000, 'the new bulletin in the web tier');
    expect(Date.now() - t0).toBeLessThan(10_000);
    // Both web instances have it: ask enough times to hit each.
    for (let i = 0; i < 6; i++) expect((await items()).length).toBe(11);
  });

  it('shows the worker’s fetch figures and the web tier’s HTTP figures at /metrics, each family once', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^pressroom_fetches_total\{agency="bulletin",kind="bulletin",outcome="fetched"\} \d+$/m);
    expect(text).toMatch(/^pressroom_stories\{agency="nato"\} 5$/m);
    expect(text).toMatch(/^pressroom_http_requests_total\{route="feed",status="200"\} \d+$/m);
    expect(text).toMatch(/^pressroom_store_write_duration_seconds_count \d+$/m);
    const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
    expect(types.length).toBeGreaterThan(10);
    expect(new Set(types).size).toBe(types.length);
  });

  it('reloads the web tier under load without failing a request', async () => {
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const poller = async () => {
      while (!stop) {
        try {
          const res = await fetch(`${base}/feeds/all.atom`);
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else failures.push(`HTTP ${res.status}`);
        } catch (e) {
          failures.push(String((e as Error).cause ?? e));
        }
      }
    };
    const pollers = Array.from({ length: 4 }, poller);
    await new Promise((r) => setTimeout(r, 300));
    await pm2('reload', 'pressroom-web');
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(pollers);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    const web = (await jlist()).filter((p) => p.name === 'pressroom-web');
    expect(web.every((p) => p.pm2_env.status === 'online')).toBe(true);
  }, 60_000);

  it('refuses a second worker on the same data folder and keeps serving', async () => {
    const r = await runCli(['worker'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/locked by process \d+: only one Pressroom worker may write it/);
    expect((await items()).length).toBe(11);
  });

  it('takes a bulletin over HTTP in a web instance, which the worker ingests; `ingest --once` asks the worker', async () => {
    const bulletins = path.join(ws.feedsDir, 'bulletins');
    const before = readdirSync(bulletins).sort();
    const body = 'Europol and Eurojust launch a joint guide on cryptocurrency seizures\n\nSource: Europol\n\nThe guide helps investigators seize and keep cryptocurrency assets during criminal proceedings.\n';
    expect((await fetch(`${base}/bulletins`, { method: 'POST', body })).status).toBe(401);
    const t0 = Date.now();
    const res = await fetch(`${base}/bulletins?name=posted-guide`, { method: 'POST', body, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { file: string }).file).toBe('posted-guide.txt');
    expect(readdirSync(bulletins).sort()).toEqual([...before, 'posted-guide.txt'].sort());
    await waitFor(async () => (await items()).some((i) => i.title === 'Europol and Eurojust launch a joint guide on cryptocurrency seizures'), 10_000, 'the posted bulletin');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const once = await runCli(['ingest', '--once'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(once.stderr).toBe('');
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^ingest: \d+ new/m);
  });

  it('stops cleanly, well within kill_timeout', async () => {
    const t0 = Date.now();
    await pm2('stop', 'all');
    expect(Date.now() - t0).toBeLessThan(15_000);
    const procs = await jlist();
    for (const p of procs) expect(p.pm2_env.status).toBe('stopped');
    const log = readFileSync(path.join(ws.root, 'logs', 'pressroom-worker.out-0.log'), 'utf8');
    expect(log).toMatch(/"msg":"stopped"/);
    expect(existsSync(path.join(ws.dataDir, 'pressroom.lock'))).toBe(false);
  }, 60_000);
});
