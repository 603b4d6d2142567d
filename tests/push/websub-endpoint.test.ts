// POST /websub on the web tier: rate-limited per client, spooled atomically for the worker, refused when the
// worker is far behind.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SPOOLED } from '../../src/push/spool.js';
import { createWebsubEndpoint } from '../../src/web/websub-endpoint.js';

const PUBLIC = 'https://press.example.org';
const spool = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-spool-')), 'websub-spool');
let server: http.Server;
let url: string;
let kicked = 0;

beforeAll(async () => {
  const handler = createWebsubEndpoint({
    publicUrl: PUBLIC,
    defaultLimit: 50,
    allowHosts: [],
    ratePerMinute: 3,
    spoolDir: spool,
    clientOf: (req) => String(req.headers['x-test-client'] ?? req.socket.remoteAddress),
    onSpooled: () => kicked++,
    log: { warn() {} },
  });
  server = http.createServer((req, res) => handler(req, res, new Set(['all', 'nato'])));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/websub`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = (client: string, callback = 'https://reader.example/cb') =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', 'X-Test-Client': client },
    body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.callback': callback, 'hub.topic': `${PUBLIC}/feeds/nato.rss`, 'hub.secret': 'hush' }).toString(),
  });

describe('POST /websub', () => {
  it('answers 202 at once and leaves the request in the spool, readable by the daemon only', async () => {
    const r = await post('a');
    expect(r.status).toBe(202);
    expect(await r.text()).toMatch(/will verify/);
    const files = readdirSync(spool);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{15}-[0-9a-f]{12}\.json$/);
    expect(statSync(path.join(spool, files[0]!)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path.join(spool, files[0]!), 'utf8'))).toMatchObject({ mode: 'subscribe', callback: 'https://reader.example/cb', topic: `${PUBLIC}/feeds/nato.rss`, secret: 'hush' });
    expect(kicked).toBe(1);
  });

  it('limits each client to its rate, with Retry-After, and leaves other clients alone', async () => {
    expect((await post('b')).status).toBe(202);
    expect((await post('b')).status).toBe(202);
    expect((await post('b')).status).toBe(202);
    const limited = await post('b');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post('c')).status).toBe(202);
  });

  it('refuses with 503 while the worker has a full spool', async () => {
    mkdirSync(spool, { recursive: true });
    for (let i = readdirSync(spool).length; i < MAX_SPOOLED; i++) writeFileSync(path.join(spool, `filler-${i}.json`), '{}');
    const r = await post('d');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('60');
  });
});
