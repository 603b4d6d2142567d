// The nginx tier, for real: Debian's nginx (nginx-light) runs docs/nginx.conf, templated only to loopback ports and
// temporary paths, in front of the PM2 web tier. Polls are answered from nginx's cache and revalidated with the
// ETag (a 304 from Pressroom), the operator paths are refused in every spelling, and a `pm2 reload` behind it
// fails no request. nginx runs as a non-daemon child with its own prefix, pid and temp paths, and is killed by PID.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, ROOT, waitFor } from '../helpers/daemon.js';
import { rawRequest } from '../helpers/web.js';

const run = promisify(execFile);
const PM2 = path.join(ROOT, 'node_modules/pm2/bin/pm2');
const NGINX = process.env.PRESSROOM_NGINX ?? '/usr/sbin/nginx';
const haveNginx = existsSync(NGINX);
if (!haveNginx) console.warn(`nginx tier test skipped: no nginx at ${NGINX} (apt-get install nginx-light)`);
const DOC = readFileSync(path.join(ROOT, 'docs/nginx.conf'), 'utf8');
const BULLETIN_TOKEN = 'nginx-tier-bulletin-token-0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A main context around the shipped file (which belongs in http{}): own prefix, pid, logs and temp paths. */
function wrapper(dir: string, include: string): string {
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  log_format upstream '$request_uri $status upstream=$upstream_status cache=$upstream_cache_status';
  access_log ${dir}/access.log upstream;
  # proxy_cache_background_update revalidates in a subrequest: log it too, to see Pressroom's answer.
  log_subrequest on;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${include};
}
`;
}

/** The shipped file with only its cache folder and certificates moved into `dir`. */
function asShipped(dir: string): string {
  return DOC.replace('/var/cache/nginx/pressroom', `${dir}/cache`)
    .replace('/etc/letsencrypt/live/press.example.org/fullchain.pem', `${dir}/cert.pem`)
    .replace('/etc/letsencrypt/live/press.example.org/privkey.pem', `${dir}/key.pem`);
}

describe.skipIf(!haveNginx)('nginx (docs/nginx.conf) in front of the PM2 web tier', () => {
  let dir: string;
  let env: Record<string, string>;
  let nginx: ChildProcess | undefined;
  let front: string;
  let primedAt = 0;
  let dropDir: string;
  const pm2 = async (...args: string[]) => (await run(process.execPath, [PM2, ...args], { cwd: ROOT, env, timeout: 90_000 })).stdout;
  const get = (p: string, headers: Record<string, string> = {}, method = 'GET') => rawRequest(front, p, { method, headers });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pressroom-nginx-'));
    // nginx's workers may run as another user when the test runs as root: they must reach the cache and temp paths.
    chmodSync(dir, 0o777);
    const ws = makeWorkspace({ nato: { name: 'NATO' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } });
    dropDir = path.join(ws.feedsDir, 'bulletins');
    const [port, opPort, nginxPort] = [await freePort(), await freePort(), await freePort()];
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
      // Every minute: Cache-Control max-age=60, so the test sees a cached feed expire and be revalidated.
      BULLETIN_SCHEDULE: '* * * * *',
      // POST /bulletins through nginx (the last tests): the web instances take it, the worker ingests it.
      BULLETIN_TOKEN,
    };
    await pm2('start', 'ecosystem.config.js');
    const upstream = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await (await fetch(`${upstream}/feeds/all.json`)).json()) as { items: unknown[] }).items.length === 10, 30_000, 'the seed bulletin');

    // The shipped file, at loopback ports: TLS off (a test client speaks plain HTTP), the upstream at our PM2 port.
    const conf = asShipped(dir)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${nginxPort};`)
      .replace('listen [::]:443 ssl http2;', '')
      .replace(/^\s*ssl_certificate(_key)? .*$/gm, '')
      .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${port};`);
    writeFileSync(path.join(dir, 'pressroom.conf'), conf);
    writeFileSync(path.join(dir, 'nginx.conf'), wrapper(dir, path.join(dir, 'pressroom.conf')));
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'cache']) {
      mkdirSync(path.join(dir, d), { recursive: true });
      chmodSync(path.join(dir, d), 0o777);
    }
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
    front = `http://127.0.0.1:${nginxPort}`;
    await waitFor(async () => (await fetch(`${front}/healthz`)).status === 200, 10_000, 'nginx');
  }, 120_000);

  afterAll(async () => {
    if (nginx?.pid !== undefined && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      process.kill(nginx.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (nginx.exitCode === null) process.kill(nginx.pid, 'SIGKILL');
    }
    await pm2('kill').catch(() => undefined);
  }, 60_000);

  it('docs/nginx.conf as shipped (TLS and HTTP/2 included) passes nginx -t on this nginx', () => {
    const t = mkdtempSync(path.join(tmpdir(), 'pressroom-nginx-t-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=press.example.org', '-days', '1', '-keyout', `${t}/key.pem`, '-out', `${t}/cert.pem`], { stdio: 'ignore' });
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'cache']) mkdirSync(path.join(t, d));
    writeFileSync(path.join(t, 'pressroom.conf'), asShipped(t));
    writeFileSync(path.join(t, 'nginx.conf'), wrapper(t, path.join(t, 'pressroom.conf')).replace('daemon off;\n', ''));
    const out = execFileSync(NGINX, ['-t', '-p', t, '-c', path.join(t, 'nginx.conf'), '-e', path.join(t, 'error.log')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });

  it('answers a poll from its cache: a miss, then hits', async () => {
    const first = await get('/feeds/all.atom');
    primedAt = Date.now();
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    expect(first.headers['x-cache-status']).toMatch(/MISS|EXPIRED|STALE|UPDATING|REVALIDATED|HIT/);
    for (let i = 0; i < 5; i++) {
      const r = await get('/feeds/all.atom');
      expect(r.headers['x-cache-status']).toBe('HIT');
      expect(r.headers.etag).toBe(first.headers.etag);
    }
    // A reader's own revalidation is answered by nginx too.
    const cond = await get('/feeds/all.atom', { 'If-None-Match': first.headers.etag! });
    expect(cond.status).toBe(304);
  });

  const SPELLINGS = [
    '/metrics', '/metrics/', '/METRICS', '/Metrics', '/metrics?x=1', '/metrics;x', '/metrics.txt', '/%6detrics', '/%6Detrics', '/./metrics', '//metrics', '/feeds/../metrics', '/x/../metrics',
    '/status/detail', '/status/detail/', '/STATUS/DETAIL', '/status/Detail', '/status//detail', '/status/%64etail', '/status/./detail', '/status%2Fdetail', '/status/detail%2F', '/status/detail?x', '/status/detail;a',
  ];
  it.each(SPELLINGS)('refuses the operator path %s', async (p) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await get(p, { Authorization: 'Bearer anything-at-all-0123456789' }, method);
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.body).not.toMatch(/pressroom_|errorDetail|failing/);
    }
  });

  it('a pm2 reload of the web tier behind nginx fails no request', async () => {
    let ok = 0;
    let n = 0;
    const failures: string[] = [];
    let stop = false;
    // Requests that reach Pressroom: /status is never cached, and each tracking parameter is a new cache key.
    const poller = async () => {
      while (!stop) {
        const p = n++ % 2 === 0 ? '/status' : `/feeds/all.atom?utm_source=poll-${n}`;
        try {
          const r = await get(p);
          if (r.status === 200) ok++;
          else failures.push(`${p}: HTTP ${r.status}`);
        } catch (e) {
          failures.push(`${p}: ${String(e)}`);
        }
      }
    };
    const pollers = Array.from({ length: 4 }, poller);
    await new Promise((r) => setTimeout(r, 300));
    await pm2('reload', 'pressroom-web');
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(pollers);
    console.info(`nginx tier: ${ok} requests through nginx to Pressroom during the reload, ${failures.length} failed`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    const log = readFileSync(path.join(dir, 'access.log'), 'utf8');
    expect(log).toMatch(/utm_source=poll-\d+ 200 upstream=200 cache=MISS/);
  }, 120_000);

  it('revalidates an expired feed with its ETag: Pressroom answers 304, nginx serves its copy', async () => {
    // max-age=60: wait past it (with margin for a busy machine), then poll.
    const wait = primedAt + 63_000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const r = await get('/feeds/all.atom');
    expect(r.status).toBe(200);
    // proxy_cache_background_update: the reader gets the stale copy at once while nginx revalidates behind it
    // (REVALIDATED when it revalidated in line).
    expect(r.headers['x-cache-status']).toMatch(/^(STALE|UPDATING|REVALIDATED)$/);
    await waitFor(async () => (await get('/feeds/all.atom')).headers['x-cache-status'] === 'HIT', 10_000, 'the revalidated copy');
    const log = readFileSync(path.join(dir, 'access.log'), 'utf8');
    // Pressroom answered the revalidation (If-None-Match with the ETag) with a 304: no feed was sent again.
    expect(log).toMatch(/^\/feeds\/all\.atom \d{3} upstream=304 cache=\S+$/m);
    expect(log).not.toMatch(/^\/feeds\/all\.atom \d{3} upstream=200 cache=(EXPIRED|STALE|UPDATING|REVALIDATED)$/m);
  }, 120_000);
  // Last: a posted bulletin changes the feeds, which the revalidation test above must not see.
  describe('POST /bulletins through nginx', () => {
    const ITEM = `Eurojust helps dismantle a cigarette smuggling ring

Source: Eurojust

Polish and Lithuanian prosecutors, supported by Eurojust, charged nine suspects with smuggling 40 million cigarettes through Gdansk.
`;
    const post = (body: string, headers: Record<string, string> = {}, query = '') =>
      fetch(`${front}/bulletins${query}`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
    // Through nginx too, each tracking parameter is a new cache key: the feed as Pressroom serves it now.
    let polls = 0;
    const titles = async () =>
      ((await (await fetch(`${front}/feeds/all.json?utm_source=bulletin-${++polls}`)).json()) as { items: { title: string }[] }).items.map((i) => i.title);

    it('is refused without the token, or with a wrong one, and nothing reaches the drop folder', async () => {
      const before = readdirSync(dropDir).sort();
      const none = await post(ITEM);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await none.json()) as { error: string }).error).toContain('a bearer token is required');
      const wrong = await post(ITEM, { Authorization: 'Bearer not-the-token-at-all-0123456789' });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe('wrong token');
      expect(readdirSync(dropDir).sort()).toEqual(before);
    });

    it('is accepted with the token, written to the drop folder, and published within seconds', async () => {
      const t0 = Date.now();
      const res = await post(ITEM, { Authorization: `Bearer ${BULLETIN_TOKEN}` }, '?name=eurojust-2024-10-14');
      expect(res.status).toBe(202);
      const body = (await res.json()) as { stored: boolean; file: string; report: { ok: boolean; items: { title: string; agency: { id: string } }[] } };
      expect(body.stored).toBe(true);
      expect(body.file).toBe('eurojust-2024-10-14.txt');
      expect(body.report.items.map((i) => [i.title, i.agency.id])).toEqual([['Eurojust helps dismantle a cigarette smuggling ring', 'eurojust']]);
      expect(readdirSync(dropDir)).toContain('eurojust-2024-10-14.txt');
      await waitFor(async () => (await titles()).includes('Eurojust helps dismantle a cigarette smuggling ring'), 15_000, 'the posted bulletin in the feeds');
      console.info(`nginx tier: a bulletin posted through nginx was in the feeds ${Date.now() - t0} ms later`);
    }, 30_000);

    it('lets a body past BULLETIN_MAX_BYTES (1 MiB) through to Pressroom, which answers the 413 itself', async () => {
      const big = 'a'.repeat(1_200_000);
      const res = await post(big, { Authorization: `Bearer ${BULLETIN_TOKEN}` });
      expect(res.status).toBe(413);
      // Pressroom's one-line JSON, not nginx's HTML page.
      expect(((await res.json()) as { error: string }).error).toContain('BULLETIN_MAX_BYTES');
    }, 30_000);
  });
});
