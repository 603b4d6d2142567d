// The hub's own bookkeeping, with documents of our making: denial when full, lease bounds, subscriptions that
// survive a restart (no repeat of a delivered document, the newest one for a subscriber that missed a change).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../../src/push/hub.js';
import { PUSH_DEFAULTS, type PushConfig } from '../../src/push/push-config.js';
import { HostLimiter } from '../../src/push/send.js';
import { spoolRequest } from '../../src/push/spool.js';
import { prepare, type Prepared } from '../../src/web/prepared.js';
import { startSubscriber, type Subscriber } from '../helpers/websub-subscriber.js';

const PUBLIC = 'https://press.example.org';
const TOPIC = `${PUBLIC}/feeds/all.atom`;
const quiet = { info() {}, warn() {}, debug() {} };
let sub: Subscriber;
beforeAll(async () => {
  sub = await startSubscriber();
});
afterAll(() => sub?.close());

function makeHub(dataDir: string, doc: () => Prepared, over: Partial<PushConfig> = {}): Hub {
  const config: PushConfig = { ...PUSH_DEFAULTS, retryBaseMs: 100, pingHubs: [], webhooks: [], ...over };
  return createHub({
    dataDir,
    spoolDir: path.join(dataDir, 'websub-spool'),
    publicUrl: PUBLIC,
    config,
    send: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, userAgent: 'test' },
    limiter: new HostLimiter(2, 8),
    topicDocument: (t) => (t.path === '/feeds/all.atom' && t.query === '' ? doc() : undefined),
    knownKeys: () => new Set(['all']),
    defaultLimit: 50,
    log: quiet,
  });
}
const atom = (text: string) => prepare(`<feed>${text}</feed>`, 'application/atom+xml; charset=utf-8', { cacheControl: 'no-store' });
const request = (callback: string, over: object = {}) => ({ mode: 'subscribe' as const, callback, topic: TOPIC, receivedAt: new Date().toISOString(), ...over });

describe('the hub', () => {
  it('denies a subscription past WEBSUB_MAX_SUBSCRIPTIONS with hub.mode=denied, and clamps leases', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hub-'));
    const hub = makeHub(dir, () => atom('a'), { maxSubscriptions: 1, lease: { defaultSeconds: 600, minSeconds: 60, maxSeconds: 3600 } });
    await hub.start();
    await spoolRequest(path.join(dir, 'websub-spool'), request(sub.callback('first'), { leaseSeconds: 999_999 }));
    hub.kick();
    await sub.waitFor(() => sub.verifications.some((v) => v.name === 'first'), 5000, 'the first verification');
    await hub.idle();
    expect(sub.verifications.find((v) => v.name === 'first')!.query.get('hub.lease_seconds')).toBe('3600');
    await spoolRequest(path.join(dir, 'websub-spool'), request(sub.callback('second', 'a=b')));
    hub.kick();
    await sub.waitFor(() => sub.denials.some((v) => v.name === 'second'), 5000, 'the denial');
    const denial = sub.denials.find((v) => v.name === 'second')!;
    expect(denial.query.get('hub.topic')).toBe(TOPIC);
    expect(denial.query.get('hub.reason')).toMatch(/as many subscriptions/);
    expect(denial.rawQuery).toMatch(/^a=b&hub\.mode=denied/);
    expect(sub.verifications.some((v) => v.name === 'second')).toBe(false);
    expect(hub.subscriptions()).toHaveLength(1);
    expect(hub.status().counters).toMatchObject({ verified: 1, denied: 1 });
    await hub.close();
  });

  it('keeps subscriptions across a restart: no repeat of what was delivered, the newest document for what was missed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hub-'));
    let current = atom('v1');
    const first = makeHub(dir, () => current);
    await first.start();
    await spoolRequest(path.join(dir, 'websub-spool'), request(sub.callback('durable')));
    first.kick();
    await sub.waitFor(() => first.subscriptions().length === 1, 5000, 'the subscription');
    current = atom('v2');
    first.changed();
    await sub.waitFor(() => sub.deliveriesTo('durable').length === 1, 5000, 'the first delivery');
    await first.idle();
    await first.close();

    // Restarted with the same document: nothing is sent again.
    const second = makeHub(dir, () => current);
    await second.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.deliveriesTo('durable')).toHaveLength(1);
    await second.close();

    // The feed changed while the hub was down: the subscriber gets the newest document when it starts.
    current = atom('v3');
    const third = makeHub(dir, () => current);
    await third.start();
    await sub.waitFor(() => sub.deliveriesTo('durable').length === 2, 5000, 'the missed change');
    expect(sub.deliveriesTo('durable')[1]!.body.toString()).toBe('<feed>v3</feed>');
    await third.close();

    // A damaged websub.json (a disk that lied about a write): the copy kept beside it still has the subscription.
    writeFileSync(path.join(dir, 'websub.json'), '{"version":1,"subscr');
    const fourth = makeHub(dir, () => current);
    await fourth.start();
    expect(fourth.subscriptions().map((s) => s.callback)).toEqual([sub.callback('durable')]);
    await fourth.close();
  });
});
