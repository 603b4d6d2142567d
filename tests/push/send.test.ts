// The push sender: the feeds' SSRF guard at connect time, no redirect followed, one time limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../src/push/send.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';

let fx: FixtureServer;
beforeAll(async () => {
  fx = await startFixtures();
});
afterAll(() => fx?.close());

const policy = { allowHosts: ['127.0.0.1'], timeoutMs: 1500, userAgent: 'test' };

describe('send', () => {
  it('refuses a callback name that resolves to a private address, before any request', async () => {
    const before = fx.requests.length;
    const r = await send('http://reader.example/cb', { method: 'POST', body: Buffer.from('x') }, { ...policy, allowHosts: [], resolve: async () => [{ address: '10.0.0.7', family: 4 }] });
    expect(r).toMatchObject({ kind: 'failed', reason: 'refused-address' });
    expect(fx.requests.length).toBe(before);
  });

  it('refuses a loopback literal unless FETCH_ALLOW_HOSTS names it', async () => {
    expect(await send(`${fx.url}/empty`, { method: 'GET' }, { ...policy, allowHosts: [] })).toMatchObject({ kind: 'failed', reason: 'refused-address' });
    expect(await send(`${fx.url}/empty`, { method: 'GET' }, policy)).toMatchObject({ kind: 'answered', status: 200 });
  });

  it('follows no redirect: a 3xx is the answer', async () => {
    const before = fx.requests.length;
    const r = await send(`${fx.url}/to?location=${encodeURIComponent(`${fx.url}/empty`)}`, { method: 'POST', body: Buffer.from('x') }, policy);
    expect(r).toMatchObject({ kind: 'answered', status: 302 });
    expect(fx.requests.length).toBe(before + 1);
  });

  it('gives up on a callback that never answers at the time limit', async () => {
    const t0 = Date.now();
    const r = await send(`${fx.url}/hang`, { method: 'POST', body: Buffer.from('x') }, { ...policy, timeoutMs: 300 });
    expect(r).toMatchObject({ kind: 'failed', reason: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
