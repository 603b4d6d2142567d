// The operator's surface, tried as a careless operator and a curious reader would: credentials written into feed
// URLs never appear in any public byte (every document is fetched and scanned) nor in the logs; /metrics and
// /status/detail answer on the operator listener or with the token, and are a 404 on the public port in every
// spelling; HTML answers carry a CSP and nosniff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';
import { rawRequest } from '../helpers/web.js';

const SECRETS = ['homeSECRET7', 'homekeySECRET8', 'p4ssw0rdSECRET', 'userSECRET', 'tokSECRET1', 'keySECRET2', 'hdrSECRET9', 'sigSECRET3', 'movedSECRET5', 'authSECRET6'];
const TOKEN = 'operator-token-0123456789abcdef';

async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(url, { headers, method, redirect: 'manual' });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The path exactly as written: fetch would resolve `/./metrics` to `/metrics` before sending it. */
const raw = (base: string | undefined, p: string, headers: Record<string, string> = {}, method = 'GET') => rawRequest(base!, p, { method, headers });

describe('secrets and the operator surface', () => {
  let fx: FixtureServer;
  let daemon: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;
  const documents = new Map<string, string>();

  beforeAll(async () => {
    fx = await start();
    const host = fx.url.replace('http://', '');
    ws = makeWorkspace({
      nato: { name: 'NATO', homepage: 'https://webmaster:homeSECRET7@www.nato.int/?key=homekeySECRET8', feeds: [{ url: `http://userSECRET:p4ssw0rdSECRET@${host}/nato.rss?token=tokSECRET1&lang=en` }] },
      europol: { name: 'Europol', feeds: [{ url: `${fx.url}/europol.rss?api_key=keySECRET2`, headers: { Authorization: 'env:EUROPOL_TOKEN' } }] },
      eurojust: {
        name: 'Eurojust',
        feeds: [
          // Fails (connection refused): its error lines must not carry the signature either.
          { url: 'http://127.0.0.1:1/eurojust.rss?sig=sigSECRET3' },
          // Moves permanently to a URL with a token in it.
          { url: `${fx.url}/to?code=301&location=${encodeURIComponent(`${fx.url}/eurojust.rss?X-Auth=authSECRET6&password=movedSECRET5`)}` },
        ],
      },
    });
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, EUROPOL_TOKEN: 'Bearer hdrSECRET9', OPERATOR_TOKEN: TOKEN, FETCH_TIMEOUT_MS: '3000' });
    await waitFor(
      async () => {
        const s = (await (await fetch(`${daemon.url}/status`)).json()) as { sources: { kind: string; lastAttempt?: string }[] };
        return s.sources.filter((x) => x.kind === 'feed' && x.lastAttempt).length === 4;
      },
      20_000,
      'every feed attempted',
    );
    // Every public document: the default ones, each story's page, each archive linked, the status views.
    const paths = new Set(['/', '/feeds.opml', '/feeds/status.atom', '/status', '/status.html', '/readyz', '/healthz']);
    for (const f of ['all', 'nato', 'europol', 'eurojust']) for (const x of ['rss', 'atom', 'json']) paths.add(`/feeds/${f}.${x}`);
    paths.add('/feeds/all.atom?q=NATO&utm_source=x');
    for (const p of [...paths]) {
      const body = (await get(`${daemon.url}${p}`)).body;
      documents.set(p, body);
      for (const m of body.matchAll(/href="(http:\/\/127\.0\.0\.1:\d+)?(\/feeds\/[^"]*\/archive\/[^"]+)"/g)) paths.add(m[2]!.replace(/&amp;/g, '&'));
    }
    const all = JSON.parse(documents.get('/feeds/all.json')!) as { items: { id: string }[] };
    for (const i of all.items) paths.add(`/stories/${encodeURIComponent(i.id)}`);
    for (const p of paths) if (!documents.has(p)) documents.set(p, (await get(`${daemon.url}${p}`)).body);
    // The operator's own views are redacted too.
    documents.set('operator /metrics', (await get(`${daemon.operatorUrl}/metrics`)).body);
    documents.set('operator /status/detail', (await get(`${daemon.operatorUrl}/status/detail`)).body);
    documents.set('token /metrics', (await get(`${daemon.url}/metrics`, { Authorization: `Bearer ${TOKEN}` })).body);
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await fx?.close();
  });

  it('fetched every kind of document, stories included', () => {
    expect([...documents.keys()].filter((p) => p.startsWith('/stories/')).length).toBeGreaterThan(5);
    expect([...documents.keys()].some((p) => p.includes('/archive/'))).toBe(true);
    expect(documents.get('operator /metrics')).toMatch(/pressroom_source_consecutive_failures\{source="feed:http:\/\/REDACTED@/);
  });

  it('no credential appears in any document, public or operator, nor in the logs', () => {
    for (const [p, body] of documents) for (const s of SECRETS) expect(body.includes(s), `${s} in ${p}`).toBe(false);
    const logs = daemon.logs();
    for (const s of SECRETS) expect(logs.includes(s), `${s} in the logs`).toBe(false);
  });

  it('the CLI prints no credential either: status, check-config', async () => {
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, EUROPOL_TOKEN: 'Bearer hdrSECRET9' };
    const status = await runCli(['status'], env);
    const check = await runCli(['check-config'], env);
    expect(status.code).toBe(0);
    expect(check.code).toBe(0);
    expect(status.stdout).toContain('token=REDACTED');
    expect(check.stdout).toContain('headers: Authorization');
    for (const out of [status.stdout, status.stderr, check.stdout, check.stderr]) for (const s of SECRETS) expect(out.includes(s), s).toBe(false);
  });

  it('the feeds are still named, redacted, where they were shown', () => {
    expect(documents.get('/status')).toContain('http://REDACTED@127.0.0.1');
    expect(documents.get('/status')).toContain('token=REDACTED');
    expect(documents.get('/status.html')).toContain('api_key=REDACTED');
    expect(documents.get('/feeds/status.atom')).toContain('sig=REDACTED');
    expect(documents.get('/feeds/status.atom')).toContain('password=REDACTED');
  });

  it('sent the Authorization header from the environment to the feed', () => {
    expect(fx.requests.filter((r) => r.path.startsWith('/europol.rss')).every((r) => r.authorization === 'Bearer hdrSECRET9')).toBe(true);
    expect(fx.requests.filter((r) => r.path.startsWith('/nato.rss')).every((r) => r.authorization !== 'Bearer hdrSECRET9')).toBe(true);
  });

  const SPELLINGS = [
    '/metrics', '/metrics/', '/METRICS', '/Metrics', '/metrics?x=1', '/metrics;x', '/%6detrics', '/./metrics', '//metrics', '/feeds/../metrics',
    '/status/detail', '/status/detail/', '/STATUS/DETAIL', '/status/Detail', '/Status/detail', '/status//detail', '/status/%64etail', '/status/./detail',
    '/status/detail?x=1', '/status%2Fdetail', '/status/detail%2F', '/status/detail.json',
  ];

  it.each(SPELLINGS)('public port, no token: %s is a 404', async (p) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await raw(daemon.url, p, {}, method);
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.body).not.toMatch(/pressroom_|failing|errorDetail/);
    }
  });

  it.each(['Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer`, TOKEN])('public port with Authorization %j: 404', async (auth) => {
    expect((await get(`${daemon.url}/metrics`, { Authorization: auth })).status).toBe(404);
    expect((await get(`${daemon.url}/status/detail`, { Authorization: auth })).status).toBe(404);
  });

  it('public port with the token: exactly /metrics and /status/detail answer; other spellings stay 404', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await get(`${daemon.url}/metrics`, auth)).status).toBe(200);
    const detail = await get(`${daemon.url}/status/detail`, auth);
    expect(detail.status).toBe(200);
    expect(JSON.parse(detail.body).failing.length).toBeGreaterThan(0);
    for (const p of SPELLINGS.filter((s) => !['/metrics', '/status/detail', '/metrics?x=1', '/status/detail?x=1'].includes(s)))
      expect((await raw(daemon.url, p, auth)).status, p).toBe(404);
  });

  it('the operator listener is on loopback and answers only its exact paths', async () => {
    expect(daemon.operatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get(`${daemon.operatorUrl}/metrics`)).status).toBe(200);
    expect((await get(`${daemon.operatorUrl}/status/detail`)).status).toBe(200);
    expect((await get(`${daemon.operatorUrl}/readyz`)).status).toBe(200);
    for (const p of ['/metrics/', '/METRICS', '/status/detail/', '/STATUS/DETAIL', '/feeds/all.atom', '/'])
      expect((await raw(daemon.operatorUrl, p)).status, p).toBe(404);
  });

  it('routing is strict everywhere: other spellings of public paths are 404 too', async () => {
    for (const p of ['/status/', '/STATUS', '/Status.html', '/status.html/', '/healthz/', '/READYZ', '/Feeds/all.atom', '/feeds/ALL.atom'])
      expect((await raw(daemon.url, p)).status, p).toBe(404);
  });

  it('every HTML answer carries a CSP and nosniff; the status page has no inline style the CSP does not name', async () => {
    for (const p of ['/', '/status.html', [...documents.keys()].find((k) => k.startsWith('/stories/'))!]) {
      const r = await get(`${daemon.url}${p}`);
      expect(r.headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(r.headers.get('content-security-policy'), p).toMatch(/default-src/);
      expect(r.headers.get('x-content-type-options'), p).toBe('nosniff');
    }
    const page = await get(`${daemon.url}/status.html`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).not.toContain('unsafe-inline');
    expect(page.body).not.toMatch(/<script|style="/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page.body)![1]!;
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('the status page speaks first in words, with the real next attempt, and / says sources are failing', async () => {
    const html = documents.get('/status.html')!;
    expect(html).toContain('<th scope="col">Next attempt</th>');
    expect(html).toContain('connection refused');
    expect(html).not.toContain('ECONNREFUSED 127.0.0.1:1</strong>');
    expect(documents.get('/')).toMatch(/\d+ sources? (is|are) failing/);
    const s = JSON.parse(documents.get('/status')!) as { sources: { errorCode?: string; reason?: string; nextAttempt?: string; backoffUntil?: string }[] };
    const refused = s.sources.find((x) => x.reason === 'connection refused')!;
    expect(refused.errorCode).toBe('network');
    // The schedule is */15: the next attempt is a quarter-hour tick, never before the back-off.
    const next = new Date(refused.nextAttempt!);
    expect(next.getUTCMinutes() % 15).toBe(0);
    if (refused.backoffUntil) expect(next.getTime()).toBeGreaterThanOrEqual(Date.parse(refused.backoffUntil));
  });
});
