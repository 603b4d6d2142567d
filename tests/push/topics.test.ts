// Which URLs are the hub's topics, in which one spelling; and the subscription requests it takes or refuses.
import { describe, expect, it } from 'vitest';
import { parseHubRequest, withParams } from '../../src/push/hub-request.js';
import { HostLimiter } from '../../src/push/send.js';
import { canonicalTopic } from '../../src/push/topics.js';
import { RateLimiter } from '../../src/web/websub-endpoint.js';
import { PUBLIC, TOPICS } from './topics.data.js';

const KEYS = new Set(['all', 'nato', 'europol']);
const ctx = { publicUrl: PUBLIC, knownKeys: KEYS, defaultLimit: 50, allowHosts: ['hooks.intranet', '10.9.0.0/16'] };
const NOW = new Date('2026-12-07T00:00:00Z');

describe('canonicalTopic', () => {
  it.each(TOPICS)('$description', ({ input, expected }) => {
    const r = canonicalTopic(input, PUBLIC, KEYS, 50);
    if (typeof expected === 'string') expect(r).toMatchObject({ ok: true, url: expected });
    else {
      expect(r.ok).toBe(false);
      expect((r as { reason: string }).reason).toMatch(expected);
    }
  });

  it('keeps a PUBLIC_URL path prefix', () => {
    expect(canonicalTopic('https://x.example/press/feeds/all.rss', 'https://x.example/press', KEYS, 50)).toMatchObject({ ok: true, url: 'https://x.example/press/feeds/all.rss', path: '/feeds/all.rss' });
  });
});

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
const base = { 'hub.mode': 'subscribe', 'hub.callback': 'https://reader.example/cb?u=1', 'hub.topic': `${PUBLIC}/feeds/all.atom` };

describe('parseHubRequest', () => {
  it.each([
    { description: 'a plain subscription', input: base, expected: { mode: 'subscribe', callback: 'https://reader.example/cb?u=1', topic: `${PUBLIC}/feeds/all.atom` } },
    { description: 'unknown parameters ignored', input: { ...base, 'hub.foo': 'x', utm: 'y' }, expected: { mode: 'subscribe' } },
    { description: 'a lease and a secret', input: { ...base, 'hub.lease_seconds': '3600', 'hub.secret': 's' }, expected: { leaseSeconds: 3600, secret: 's' } },
    { description: 'a secret of 199 bytes', input: { ...base, 'hub.secret': 'é'.repeat(99) + 'x' }, expected: { mode: 'subscribe' } },
    { description: 'an unsubscription drops the secret', input: { ...base, 'hub.mode': 'unsubscribe', 'hub.secret': 's' }, expected: { mode: 'unsubscribe' } },
    { description: 'an allowlisted private callback', input: { ...base, 'hub.callback': 'http://10.9.1.1/cb' }, expected: { callback: 'http://10.9.1.1/cb' } },
  ])('takes $description', ({ input, expected }) => {
    const r = parseHubRequest(form(input), ctx, NOW);
    expect(r.ok).toBe(true);
    expect((r as { request: object }).request).toMatchObject(expected);
  });

  it.each([
    { description: 'a repeated parameter', input: `${form(base)}&hub.topic=x`, expected: /more than once/ },
    { description: 'a 200-byte secret', input: form({ ...base, 'hub.secret': 'é'.repeat(100) }), expected: /less than 200 bytes/ },
    { description: 'a lease that is no number', input: form({ ...base, 'hub.lease_seconds': '1e6' }), expected: /whole number/ },
    { description: 'a relative callback', input: form({ ...base, 'hub.callback': '/cb' }), expected: /not an absolute URL/ },
    { description: 'credentials in the callback', input: form({ ...base, 'hub.callback': 'https://u:p@reader.example/cb' }), expected: /credentials/ },
    { description: 'a loopback callback', input: form({ ...base, 'hub.callback': 'http://127.0.0.1:9/cb' }), expected: /private/ },
    { description: 'localhost', input: form({ ...base, 'hub.callback': 'http://localhost/cb' }), expected: /private/ },
    { description: 'an IPv6 unique-local callback', input: form({ ...base, 'hub.callback': 'http://[fd00::1]/cb' }), expected: /private/ },
    { description: 'a foreign topic', input: form({ ...base, 'hub.topic': 'https://other.example/feed' }), expected: /not a topic of this hub/ },
    { description: 'an unknown mode', input: form({ ...base, 'hub.mode': 'sub' }), expected: /subscribe or unsubscribe/ },
  ])('refuses $description', ({ input, expected }) => {
    const r = parseHubRequest(input, ctx, NOW);
    expect(r.ok).toBe(false);
    expect((r as { reason: string }).reason).toMatch(expected);
  });
});

describe('withParams', () => {
  it.each([
    { description: 'no query', input: 'https://r.example/cb', expected: 'https://r.example/cb?hub.mode=subscribe' },
    { description: 'a query kept byte for byte', input: 'https://r.example/cb?a=%2F+b&c', expected: 'https://r.example/cb?a=%2F+b&c&hub.mode=subscribe' },
    { description: 'a trailing ?', input: 'https://r.example/cb?', expected: 'https://r.example/cb?hub.mode=subscribe' },
  ])('$description', ({ input, expected }) => expect(withParams(input, { 'hub.mode': 'subscribe' })).toBe(expected));
});

describe('RateLimiter', () => {
  it('lets a client send its minute’s worth at once, then one request per refill', () => {
    const r = new RateLimiter(6);
    for (let i = 0; i < 6; i++) expect(r.take('a', 0)).toBe(0);
    expect(r.take('a', 0)).toBe(10);
    expect(r.take('b', 0)).toBe(0);
    expect(r.take('a', 10_000)).toBe(0);
  });
});

describe('HostLimiter', () => {
  it('bounds requests per host and in all, and never lets one host hold another’s turn', async () => {
    const l = new HostLimiter(2, 3);
    const active = new Map<string, number>();
    let peak = 0;
    let peakTotal = 0;
    let total = 0;
    const order: string[] = [];
    const job = (host: string, ms: number) =>
      l.run(host, async () => {
        active.set(host, (active.get(host) ?? 0) + 1);
        total++;
        peak = Math.max(peak, active.get(host)!);
        peakTotal = Math.max(peakTotal, total);
        await new Promise((r) => setTimeout(r, ms));
        active.set(host, active.get(host)! - 1);
        total--;
        order.push(host);
      });
    // Five slow jobs on one host, then one quick job on another: the quick one does not wait for the slow host.
    const slow = Array.from({ length: 5 }, () => job('slow:1', 100));
    const quick = job('quick:1', 1);
    await quick;
    expect(order).toEqual(['quick:1']);
    await Promise.all(slow);
    expect(peak).toBe(2);
    expect(peakTotal).toBeLessThanOrEqual(3);
  });
});
