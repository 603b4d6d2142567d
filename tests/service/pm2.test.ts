// Under PM2 from node_modules, with its own PM2_HOME: both apps online, the web tier serves the worker's
// stories, a dropped bulletin appears, a reload under load fails no request, a config typo plus a reload keeps
// every app serving on the last good config (and says so), a second worker refuses.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  let operator: string;
  let ws: ReturnType<typeof makeWorkspace>;
  const pm2 = async (...args: string[]) => (await run(process.execPath, [PM2, ...args], { cwd: ROOT, env, timeout: 60_000 })).stdout;
  const jlist = async () => JSON.parse(await pm2('jlist')) as Pm2Proc[];
  const items = async () => ((await (await fetch(`${base}/feeds/all.json`)).json()) as { items: { title: string }[] }).items;

  beforeAll(async () => {
    ws = makeWorkspace({ nato: { name: 'NATO' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } });
    const port = await freePort();
    const opPort = await freePort();
    base = `http://127.0.0.1:${port}`;
    operator = `http://127.0.0.1:${opPort}`;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: ws.root,
      PM2_HOME: mkdtempSync(path.join(tmpdir(), 'pressroom-pm2-')),
      PORT: String(port),
      HOST: '127.0.0.1',
      OPERATOR_PORT: String(opPort),
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
    // On the operator listener (both web instances share it, as they share the public port); a 404 in public.
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const text = await (await fetch(`${operator}/metrics`)).text();
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

  /** Polls through a PM2 reload; returns what failed and how many answered. */
  const pollDuring = async (action: () => Promise<unknown>) => {
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const poller = async () => {
      for (let n = 0; !stop; n++) {
        const p = n % 2 ? '/status' : '/feeds/all.atom';
        try {
          const res = await fetch(`${base}${p}`);
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else failures.push(`${p}: HTTP ${res.status}`);
        } catch (e) {
          failures.push(`${p}: ${String((e as Error).cause ?? e)}`);
        }
      }
    };
    const pollers = Array.from({ length: 4 }, poller);
    await new Promise((r) => setTimeout(r, 300));
    await action();
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(pollers);
    return { ok, failures };
  };

  it('a typo in an agency file, then `pm2 reload ecosystem.config.js`: every app keeps serving on the last good config and says so', async () => {
    const lastGood = path.join(ws.dataDir, 'last-good-config.json');
    expect(existsSync(lastGood)).toBe(true);
    const kept = { text: readFileSync(lastGood, 'utf8'), mtime: statSync(lastGood).mtimeMs };
    const typo = path.join(ws.feedsDir, 'agencies', 'frontex.json');
    writeFileSync(typo, JSON.stringify({ name: 'Frontex', timezon: 'Europe/Warsaw' }));

    // What the README says to run first: exit 1, the file, the key and the problem, what a reload would do, nothing written.
    const check = await runCli(['check-config'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/frontex\.json: timezon: unknown key/);
    expect(check.stdout).toMatch(/keep running on the last good config/);

    // The operator reloads anyway.
    const { ok, failures } = await pollDuring(() => pm2('reload', 'ecosystem.config.js'));
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    const procs = await jlist();
    expect(procs).toHaveLength(3);
    for (const p of procs) expect(p.pm2_env.status, p.name).toBe('online');
    expect((await items()).length).toBe(11);

    // Said loudly: /status, /readyz (still 200), the status feed, the worker's log; the good config was not replaced.
    const status = (await (await fetch(`${base}/status`)).json()) as { degraded?: { config?: { message: string } } };
    expect(status.degraded?.config?.message).toMatch(/frontex\.json: timezon: unknown key/);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toMatch(/degraded: config[\s\S]*frontex\.json: timezon: unknown key/);
    expect(await (await fetch(`${base}/feeds/status.atom`)).text()).toMatch(/Pressroom runs on its last good config[\s\S]*frontex\.json: timezon: unknown key/);
    await waitFor(async () => /"degraded":"config".*running on the last good config/.test(readFileSync(path.join(ws.root, 'logs', 'pressroom-worker.out-0.log'), 'utf8')), 10_000, 'the worker\'s log line');
    expect(readFileSync(lastGood, 'utf8')).toBe(kept.text);
    expect(statSync(lastGood).mtimeMs).toBe(kept.mtime);

    // Fixed, reloaded: the degradation is gone.
    rmSync(typo);
    expect((await runCli(['check-config'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir })).code).toBe(0);
    const again = await pollDuring(() => pm2('reload', 'ecosystem.config.js'));
    expect(again.failures).toEqual([]);
    const after = (await (await fetch(`${base}/status`)).json()) as { degraded?: Record<string, unknown> };
    expect(after.degraded).toEqual({});
    expect(await (await fetch(`${base}/readyz`)).text()).toBe('ready\n');
  }, 120_000);

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
