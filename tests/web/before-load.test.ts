// What a port answers before the store is loaded (src/web/before-load.ts): /healthz 200, /readyz 503, everything
// else 503 with Retry-After; the operator paths a 404 on the public port without the token, as once loaded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerBeforeLoad } from '../../src/web/before-load.js';

const servers: Server[] = [];
async function serve(opts: Parameters<typeof answerBeforeLoad>[0]): Promise<string> {
  const s = createServer(answerBeforeLoad(opts));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
let pub: string;
let op: string;
beforeAll(async () => {
  pub = await serve({ operatorListener: false, token: 'tok-1234567890abcdef' });
  op = await serve({ operatorListener: true });
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

describe('answers before the store is loaded', () => {
  it.each<{ where: 'pub' | 'op'; path: string; method?: string; auth?: string; status: number; retryAfter: string | null; body: RegExp }>([
    { where: 'pub', path: '/healthz', status: 200, retryAfter: null, body: /^ok\n$/ },
    { where: 'pub', path: '/readyz', status: 503, retryAfter: '5', body: /^not ready: the store is not loaded yet\n$/ },
    { where: 'pub', path: '/feeds/all.atom?limit=5', status: 503, retryAfter: '5', body: /^starting: the store is not loaded yet/ },
    { where: 'pub', path: '/', method: 'HEAD', status: 503, retryAfter: '5', body: /^$/ },
    { where: 'pub', path: '/metrics', status: 404, retryAfter: null, body: /^not found: "\/metrics"\n$/ },
    { where: 'pub', path: '/status/detail', auth: 'Bearer wrong', status: 404, retryAfter: null, body: /^not found/ },
    { where: 'pub', path: '/metrics', auth: 'Bearer tok-1234567890abcdef', status: 503, retryAfter: '5', body: /^starting/ },
    { where: 'op', path: '/metrics', status: 503, retryAfter: '5', body: /^starting/ },
    { where: 'op', path: '/readyz', status: 503, retryAfter: '5', body: /^not ready/ },
  ])('$where $method $path $auth → $status', async ({ where, path, method, auth, status, retryAfter, body }) => {
    const r = await fetch(`${where === 'pub' ? pub : op}${path}`, { method: method ?? 'GET', headers: auth ? { Authorization: auth } : {} });
    expect(r.status).toBe(status);
    expect(r.headers.get('retry-after')).toBe(retryAfter);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.text()).toMatch(body);
  });
});
