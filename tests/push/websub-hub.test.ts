// The websub.rocks hub tests ported to our own daemon and a loopback subscriber of our own: 100 typical
// subscription, 101 with a secret (signature checked), 102 additional parameters ignored, 103 re-subscription before
// expiry updates the one subscription, 104 unsubscription, 105/106 content delivered with the topic's exact
// Content-Type and Link header; plus what a hub of our own must refuse (foreign topics, private callbacks),
// verification failures that leave state unchanged, lease expiry, and failing subscribers that delay no one else.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { startSubscriber, type Subscriber } from '../helpers/websub-subscriber.js';

const PUBLIC = 'https://press.example.org';
const HUB = `${PUBLIC}/websub`;
const agencies = {
  nato: { name: 'NATO', homepage: 'https://www.nato.int/', timezone: 'Europe/Brussels', feeds: [] },
  europol: { name: 'Europol', feeds: [] },
};

let ws: ReturnType<typeof makeWorkspace>;
let daemon: Daemon;
let sub: Subscriber;
/** A second subscriber host, for the ones that fail. */
let bad: Subscriber;
let drops = 0;

/** A new NATO release in the bulletin folder: the worker (scanning every second) commits it, and topics change. */
function dropBulletin(): void {
  drops++;
  const title = `NATO exercise Steadfast Push ${drops} begins`;
  const text = `${title}\n\nSource: NATO\n\nAllied forces start exercise number ${drops} of the push series, unique marker ${Date.now()}-${drops}, with units from several nations.\n`;
  writeFileSync(path.join(ws.feedsDir, 'bulletins', `bulletin-2026-12-0${(drops % 9) + 1}-push-${drops}.txt`), text);
}

async function post(params: Record<string, string>, url = `${daemon.url}/websub`): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: r.status, body: await r.text() };
}

const subscribe = (callback: string, topic: string, extra: Record<string, string> = {}) =>
  post({ 'hub.mode': 'subscribe', 'hub.callback': callback, 'hub.topic': topic, ...extra });

async function status(): Promise<{ push?: { websub?: { subscriptions: number; subscribers: Array<{ callbackHost: string; topic: string; expiresAt: string; failures: number }> } } }> {
  return (await fetch(`${daemon.url}/status`)).json() as never;
}

beforeAll(async () => {
  ws = makeWorkspace(agencies);
  sub = await startSubscriber();
  bad = await startSubscriber();
  daemon = await startDaemon({
    FEEDS_DIR: ws.feedsDir,
    DATA_DIR: ws.dataDir,
    PUBLIC_URL: PUBLIC,
    BULLETIN_SCHEDULE: '* * * * * *',
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    WEBSUB_LEASE_MIN_SECONDS: '1',
    PUSH_RETRY_BASE_MS: '300',
    PUSH_TIMEOUT_MS: '3000',
    WEBSUB_RATE_PER_MINUTE: '1000',
    // An external hub told of each change too (hub.mode=publish): the failing subscribers' server plays it.
    WEBSUB_PING_HUBS: bad.callback('ping'),
  });
  await waitFor(async () => ((await (await fetch(`${daemon.url}/status`)).json()) as { stories: number }).stories > 0, 15_000, 'the seed bulletin');
});
afterAll(async () => {
  await daemon?.stop();
  await sub?.close();
  await bad?.close();
});

describe('discovery (websub.rocks 100)', () => {
  it.each([
    ['/feeds/all.atom', `${PUBLIC}/feeds/all.atom`],
    ['/feeds/nato.rss', `${PUBLIC}/feeds/nato.rss`],
    ['/feeds/europol.json', `${PUBLIC}/feeds/europol.json`],
    ['/feeds/all.atom?since=2024-10-01&q=NATO', `${PUBLIC}/feeds/all.atom?q=NATO&since=2024-10-01T00%3A00%3A00.000Z`],
  ])('%s advertises the hub and its own topic URL in one Link header, on 200, 304 and HEAD', async (p, topic) => {
    const expected = `<${HUB}>; rel="hub", <${topic}>; rel="self"`;
    const r = await fetch(`${daemon.url}${p}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('link')).toBe(expected);
    const body = await r.text();
    const again = await fetch(`${daemon.url}${p}`, { headers: { 'If-None-Match': r.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('link')).toBe(expected);
    const head = await fetch(`${daemon.url}${p}`, { method: 'HEAD' });
    expect(head.headers.get('link')).toBe(expected);
    if (p.includes('.atom')) {
      expect(body).toContain(`<link rel="hub" href="${HUB}"/>`);
      expect(body).toContain(`<link rel="self" type="application/atom+xml" href="${topic.replace(/&/g, '&amp;')}"/>`);
    } else if (p.includes('.rss')) {
      expect(body).toMatch(new RegExp(`<atom:link href="${HUB}" rel="hub"/>`));
    } else {
      const doc = JSON.parse(body) as { hubs: unknown; feed_url: string };
      expect(doc.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
      expect(doc.feed_url).toBe(topic);
    }
  });

  it('archives, pages and the status feed advertise no hub', async () => {
    for (const p of ['/feeds/all/archive/2024-10.atom', '/feeds/status.atom', '/', '/feeds.opml']) {
      const r = await fetch(`${daemon.url}${p}`);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('link'), p).toBeNull();
      expect(await r.text(), p).not.toContain('/websub');
    }
  });
});

describe('requests the hub refuses at once (foreign topics, bad callbacks)', () => {
  it.each([
    ['a topic on another origin', { 'hub.topic': 'https://elsewhere.example/feeds/all.atom' }, /not a topic of this hub/],
    ['a topic of no feed', { 'hub.topic': `${PUBLIC}/feeds/nope.atom` }, /no agency "nope"/],
    ['an archive', { 'hub.topic': `${PUBLIC}/feeds/all/archive/2024-10.atom` }, /archives never change/],
    ['a bad query', { 'hub.topic': `${PUBLIC}/feeds/all.atom?limit=0` }, /limit/],
    ['a callback on a private address', { 'hub.callback': 'http://10.1.2.3/cb' }, /private/],
    ['a callback on link-local metadata', { 'hub.callback': 'http://169.254.169.254/latest' }, /private/],
    ['a non-http callback', { 'hub.callback': 'ftp://example.org/cb' }, /http or https/],
    ['a secret of 200 bytes', { 'hub.secret': 'x'.repeat(200) }, /less than 200 bytes/],
    ['no mode', { 'hub.mode': '' }, /hub.mode is missing/],
    ['publish pings', { 'hub.mode': 'publish' }, /publishes only its own feeds/],
  ])('%s: 400 with a plain-text reason, and no verification', async (_what, change, reason) => {
    const before = sub.verifications.length;
    const r = await post({ 'hub.mode': 'subscribe', 'hub.callback': sub.callback('refused'), 'hub.topic': `${PUBLIC}/feeds/all.atom`, ...change });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(reason);
    await new Promise((res) => setTimeout(res, 300));
    expect(sub.verifications.length).toBe(before);
  });

  it('another content type is 415, another method 405', async () => {
    const r = await fetch(`${daemon.url}/websub`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(415);
    const g = await fetch(`${daemon.url}/websub`);
    expect(g.status).toBe(405);
    expect(g.headers.get('allow')).toBe('POST');
  });
});

describe('subscriptions and deliveries (websub.rocks 100–106)', () => {
  const topics = {
    plain: `${PUBLIC}/feeds/all.atom`,
    secret: `${PUBLIC}/feeds/all.rss`,
    extra: `${PUBLIC}/feeds/all.json`,
    query: `${PUBLIC}/feeds/nato.atom`,
    renew: `${PUBLIC}/feeds/nato.rss`,
    unsub: `${PUBLIC}/feeds/nato.json`,
    kept: `${PUBLIC}/feeds/all.atom?q=NATO`,
    lease: `${PUBLIC}/feeds/all.atom`,
  };

  it('verifies each subscriber, then POSTs each changed topic to it as the feed serves it', async () => {
    // Topics spelled otherwise than their self link are canonicalised (host case, default port, query order).
    expect((await subscribe(sub.callback('plain'), 'https://PRESS.example.org:443/feeds/all.atom')).status).toBe(202);
    expect((await subscribe(sub.callback('secret'), topics.secret, { 'hub.secret': 'pssst' })).status).toBe(202);
    expect((await subscribe(sub.callback('extra'), topics.extra, { 'hub.foo': 'bar', 'hub.lease_seconds': '', unknown: '1' })).status).toBe(202);
    expect((await subscribe(sub.callback('query', 'token=a%2Fb&x=1'), topics.query)).status).toBe(202);
    expect((await subscribe(sub.callback('renew'), topics.renew, { 'hub.lease_seconds': '100' })).status).toBe(202);
    expect((await subscribe(sub.callback('unsub'), topics.unsub)).status).toBe(202);
    expect((await subscribe(sub.callback('kept'), `${PUBLIC}/feeds/all.atom?q=NATO&limit=50`, { 'hub.secret': 'first' })).status).toBe(202);
    expect((await subscribe(sub.callback('lease'), topics.lease, { 'hub.lease_seconds': '1' })).status).toBe(202);
    sub.behave('refuses', { verify: 'refuse' });
    sub.behave('wrong', { verify: 'wrong' });
    expect((await subscribe(sub.callback('refuses'), topics.plain)).status).toBe(202);
    expect((await subscribe(sub.callback('wrong'), topics.plain)).status).toBe(202);
    bad.behave('hang', { deliver: 'hang' });
    bad.behave('fails', { deliver: 500 });
    bad.behave('gone', { deliver: 410 });
    for (const n of ['hang', 'fails', 'gone']) expect((await subscribe(bad.callback(n), topics.plain)).status).toBe(202);

    const names = ['plain', 'secret', 'extra', 'query', 'renew', 'unsub', 'kept', 'lease', 'refuses', 'wrong'];
    await sub.waitFor(() => names.every((n) => sub.verifications.some((v) => v.name === n)), 10_000, 'every verification');
    await bad.waitFor(() => bad.verifications.length === 3, 10_000, 'the failing subscribers’ verifications');
    const v = sub.verifications.find((x) => x.name === 'plain')!;
    expect(v.query.get('hub.mode')).toBe('subscribe');
    expect(v.query.get('hub.topic')).toBe(topics.plain);
    expect(v.query.get('hub.challenge')!.length).toBeGreaterThanOrEqual(16);
    // Default lease: 10 days; an asked lease is clamped, never perpetual.
    expect(v.query.get('hub.lease_seconds')).toBe('864000');
    expect(sub.verifications.find((x) => x.name === 'renew')!.query.get('hub.lease_seconds')).toBe('100');
    expect(sub.verifications.find((x) => x.name === 'lease')!.query.get('hub.lease_seconds')).toBe('1');
    // The callback's own query string is kept byte for byte, ours appended.
    expect(sub.verifications.find((x) => x.name === 'query')!.rawQuery).toMatch(/^token=a%2Fb&x=1&hub\.mode=subscribe&/);
    // Challenges are random and single-use.
    const challenges = sub.verifications.map((x) => x.query.get('hub.challenge'));
    expect(new Set(challenges).size).toBe(challenges.length);

    // Renewal (websub.rocks 103): the same callback and topic again, a longer lease; still one subscription.
    const renewBefore = (await status()).push!.websub!.subscribers.find((s) => s.topic === topics.renew)!;
    expect((await subscribe(sub.callback('renew'), topics.renew, { 'hub.lease_seconds': '5000' })).status).toBe(202);
    await sub.waitFor(() => sub.verifications.filter((x) => x.name === 'renew').length === 2, 10_000, 'the renewal');
    // Unsubscription (websub.rocks 104): verified like a subscription, with no lease.
    expect((await post({ 'hub.mode': 'unsubscribe', 'hub.callback': sub.callback('unsub'), 'hub.topic': topics.unsub })).status).toBe(202);
    await sub.waitFor(() => sub.verifications.some((x) => x.name === 'unsub' && x.query.get('hub.mode') === 'unsubscribe'), 10_000, 'the unsubscription');
    expect(sub.verifications.find((x) => x.name === 'unsub' && x.query.get('hub.mode') === 'unsubscribe')!.query.has('hub.lease_seconds')).toBe(false);
    // A re-subscription whose verification fails changes nothing: the first secret stays.
    sub.behave('kept', { verify: 'wrong' });
    expect((await subscribe(sub.callback('kept'), topics.kept, { 'hub.secret': 'second' })).status).toBe(202);
    await sub.waitFor(() => sub.verifications.filter((x) => x.name === 'kept').length === 2, 10_000, 'the failed re-subscription');
    await new Promise((r) => setTimeout(r, 1500)); // the 1 s lease ends; the other state settles

    const st = (await status()).push!.websub!;
    const renewAfter = st.subscribers.find((s) => s.topic === topics.renew)!;
    expect(st.subscribers.filter((s) => s.topic === topics.renew)).toHaveLength(1);
    expect(Date.parse(renewAfter.expiresAt) - Date.parse(renewBefore.expiresAt)).toBeGreaterThan(4000 * 1000);
    expect(st.subscribers.some((s) => s.topic === topics.unsub)).toBe(false);
    // Callback URLs are secrets: /status shows hosts only.
    expect(JSON.stringify(st)).not.toContain('/cb/');
    expect(st.subscribers[0]!.callbackHost).toMatch(/^127\.0\.0\.1:\d+$/);

    const t0 = Date.now();
    dropBulletin();
    await sub.waitFor(() => ['plain', 'secret', 'extra', 'query', 'renew', 'kept'].every((n) => sub.deliveriesTo(n).length > 0), 15_000, 'deliveries to every subscriber');
    const took = Date.now() - t0;
    expect(took).toBeLessThan(10_000);

    // websub.rocks 105/106: the body is the topic's document, with its exact Content-Type and Link header.
    for (const [name, p] of [['plain', '/feeds/all.atom'], ['secret', '/feeds/all.rss'], ['extra', '/feeds/all.json'], ['query', '/feeds/nato.atom'], ['kept', '/feeds/all.atom?q=NATO']] as const) {
      const d = sub.deliveriesTo(name).at(-1)!;
      const served = await fetch(`${daemon.url}${p}`);
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(d.headers['content-type'], name).toBe(served.headers.get('content-type'));
      expect(d.headers.link, name).toBe(served.headers.get('link'));
      expect(d.body.equals(bytes), name).toBe(true);
    }
    expect(sub.deliveriesTo('plain').at(-1)!.body.toString()).toContain(`Steadfast Push ${drops}`);
    // websub.rocks 102: the signature is the HMAC of the body with the subscriber's secret.
    const signed = sub.deliveriesTo('secret').at(-1)!;
    expect(signed.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', 'pssst').update(signed.body).digest('hex')}`);
    expect(sub.deliveriesTo('plain').at(-1)!.headers['x-hub-signature']).toBeUndefined();
    const kept = sub.deliveriesTo('kept').at(-1)!;
    expect(kept.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', 'first').update(kept.body).digest('hex')}`);
    // The callback's query string is kept on deliveries too.
    expect(sub.deliveriesTo('query').at(-1)!.rawQuery).toBe('token=a%2Fb&x=1');
    // No delivery after unsubscription, an expired lease, or a failed verification; one per change otherwise.
    await new Promise((r) => setTimeout(r, 1000));
    for (const n of ['unsub', 'lease', 'refuses', 'wrong']) expect(sub.deliveriesTo(n), n).toHaveLength(0);
    expect(sub.deliveriesTo('renew')).toHaveLength(1);

    // One hanging subscriber and one answering 500 delayed no one: the healthy ones were served meanwhile, before
    // the hanging delivery's PUSH_TIMEOUT_MS (3 s) ran out (an order, which load cannot break; was: within 8 s of
    // the drop).
    expect(bad.deliveriesTo('hang').length).toBeGreaterThan(0);
    const hangAt = bad.deliveriesTo('hang')[0]!.at;
    const lastHealthy = Math.max(...['plain', 'secret', 'extra'].map((n) => sub.deliveriesTo(n)[0]!.at));
    expect(lastHealthy).toBeLessThan(hangAt + 3000);
    // Nor the ingest: while the hanging delivery holds its connection, the next bulletin is published at once.
    const t1 = Date.now();
    dropBulletin();
    await waitFor(async () => (await (await fetch(`${daemon.url}/feeds/all.atom`)).text()).includes(`Steadfast Push ${drops} begins`), 10_000, 'the next bulletin');
    expect(Date.now() - t1).toBeLessThan(5_000);
    // The 500 is retried with back-off (300 ms, 1.2 s, …); 410 ends the subscription.
    await bad.waitFor(() => bad.deliveriesTo('fails').length >= 3, 15_000, 'retries of the failing subscriber');
    const tries = bad.deliveriesTo('fails').map((d) => d.at);
    expect(tries[2]! - tries[1]!).toBeGreaterThan(tries[1]! - tries[0]!);
    expect(bad.deliveriesTo('gone')).toHaveLength(1);
    const after = (await status()).push!.websub!;
    expect(after.subscribers.filter((s) => s.callbackHost === new URL(bad.url).host).length).toBe(2);

    // WEBSUB_PING_HUBS: each changed subscription feed is announced to the external hub.
    await bad.waitFor(() => bad.deliveriesTo('ping').some((d) => d.body.toString().includes(encodeURIComponent(`${PUBLIC}/feeds/nato.atom`))), 5000, 'the ping');
    const ping = bad.deliveriesTo('ping').find((d) => d.body.toString().includes(encodeURIComponent(`${PUBLIC}/feeds/nato.atom`)))!;
    expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(ping.body.toString()))).toEqual({ 'hub.mode': 'publish', 'hub.url': `${PUBLIC}/feeds/nato.atom` });

    // And in /metrics.
    const metrics = await (await fetch(`${daemon.operatorUrl}/metrics`)).text();
    expect(metrics).toMatch(/pressroom_websub_deliveries_total\{kind="websub",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/pressroom_websub_deliveries_total\{kind="websub",outcome="gone"\} 1/);
    expect(metrics).toMatch(/pressroom_websub_verifications_total\{outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/pressroom_websub_subscriptions [1-9]/);
  }, 60_000);
});

describe('without PUBLIC_URL', () => {
  it('advertises no hub, and POST /websub says why', async () => {
    const w = makeWorkspace(agencies);
    const d = await startDaemon({ FEEDS_DIR: w.feedsDir, DATA_DIR: w.dataDir, BULLETIN_SCHEDULE: '0 0 1 1 *' });
    try {
      const r = await fetch(`${d.url}/feeds/all.atom`);
      expect(r.headers.get('link')).toBeNull();
      expect(await r.text()).not.toContain('rel="hub"');
      const p = await post({ 'hub.mode': 'subscribe', 'hub.callback': sub.callback('x'), 'hub.topic': `${d.url}/feeds/all.atom` }, `${d.url}/websub`);
      expect(p.status).toBe(404);
      expect(p.body).toMatch(/PUBLIC_URL is not set/);
    } finally {
      await d.stop();
    }
  });
});
