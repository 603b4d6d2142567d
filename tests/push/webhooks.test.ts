// Webhooks for saved searches, against a real loopback receiver: events from what is published between two store
// versions, the documented body, the signature, retries with a stable delivery id, digests, the durable outbox.
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData, Story } from '../../src/model.js';
import { PUSH_DEFAULTS, type PushConfig, type WebhookConfig } from '../../src/push/push-config.js';
import { HostLimiter } from '../../src/push/send.js';
import { createWebhooks, type Webhooks } from '../../src/push/webhooks.js';
import { buildPublication } from '../../src/web/publication.js';
import { AGENCIES, makeStory } from '../helpers/web.js';
import { startSubscriber, type Subscriber } from '../helpers/websub-subscriber.js';

const BASE = 'https://press.example.org';
const OPTS = { limit: 50, maxAgeSeconds: 900 };
const quiet = { info() {}, warn() {}, debug() {} };
let rx: Subscriber;

beforeAll(async () => {
  rx = await startSubscriber();
});
afterAll(() => rx?.close());

const story = (n: number, over: Partial<Story> = {}): Story =>
  makeStory({ id: `tag:pressroom,2024-10-09:europol/s${n}`, seq: n, agency: 'europol', title: `Europol operation ${n} against ransomware`, published: `2024-10-${String(n).padStart(2, '0')}T10:00:00.000Z`, ...over });

function store(stories: Story[]): StoreData {
  return { schema: 2, nextSeq: 1000, stories, aliases: {}, sources: {}, discoveredAgencies: {} };
}
const pub = (stories: Story[]) => buildPublication(store(stories), AGENCIES, BASE, OPTS);

function hook(id: string, over: Partial<WebhookConfig> = {}): WebhookConfig {
  return { id, url: rx.callback(id), secret: `secret-${id}`, agency: 'all', events: ['story.created', 'story.updated', 'story.withdrawn'], ...over };
}

function start(dataDir: string, hooks: WebhookConfig[], retentionDays?: number): Webhooks {
  const config: PushConfig = { ...PUSH_DEFAULTS, retryBaseMs: 200, pingHubs: [], webhooks: hooks };
  return createWebhooks({ dataDir, config, send: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, userAgent: 'test' }, limiter: new HostLimiter(2, 8), log: quiet, ...(retentionDays ? { retentionDays } : {}) });
}

const bodies = (name: string) => rx.deliveriesTo(name).map((d) => JSON.parse(d.body.toString()) as Record<string, unknown> & { story: { id: string; title: string } });

describe('webhooks', () => {
  it('sends one signed message per matching event: created, updated, withdrawn, and nothing for the back catalogue', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hooks-'));
    const w = start(dir, [hook('every'), hook('ransom', { q: 'RANSOMWARE', category: 'europol' }), hook('nato-only', { agency: 'nato' }), hook('created-only', { events: ['story.created'] })]);
    await w.start(() => pub([story(1), story(2)]));
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.deliveries).toHaveLength(0);

    // story 3 appears, story 1 is edited, story 2 leaves the published list (withdrawn).
    w.changed(() => pub([story(1, { updated: '2024-10-20T00:00:00.000Z', title: 'Europol operation 1 against ransomware (update)' }), story(3)]));
    await rx.waitFor(() => rx.deliveriesTo('every').length === 3 && rx.deliveriesTo('ransom').length === 3 && rx.deliveriesTo('created-only').length === 1, 10_000, 'the events');
    await w.idle();
    const every = bodies('every');
    expect(every.map((b) => `${b.event} ${b.story.id}`).sort()).toEqual([
      'story.created tag:pressroom,2024-10-09:europol/s3',
      'story.updated tag:pressroom,2024-10-09:europol/s1',
      'story.withdrawn tag:pressroom,2024-10-09:europol/s2',
    ]);
    const created = every.find((b) => b.event === 'story.created')!;
    // The documented schema: version, webhook, delivery_id, event, occurred_at, and the story as JSON Feed renders it.
    expect(Object.keys(created).sort()).toEqual(['delivery_id', 'event', 'occurred_at', 'story', 'version', 'webhook']);
    expect(created.version).toBe(1);
    expect(created.webhook).toBe('every');
    expect(created.delivery_id).toMatch(/^dlv_[0-9a-f]{32}$/);
    const feed = JSON.parse(pub([story(3)]).docs.get('/feeds/all.json')!.body.toString()) as { items: unknown[] };
    expect(created.story).toEqual(feed.items[0]);
    expect(every.find((b) => b.event === 'story.withdrawn')!.story).toEqual({ id: 'tag:pressroom,2024-10-09:europol/s2', title: 'Europol operation 2 against ransomware', _pressroom: { withdrawn: true } });

    // Signed: HMAC-SHA256 of "<timestamp>.<body>", the timestamp beside it, within a few seconds of now.
    for (const d of rx.deliveriesTo('every')) {
      const t = d.headers['x-pressroom-timestamp'] as string;
      expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(30);
      expect(d.headers['x-pressroom-signature']).toBe(`sha256=${createHmac('sha256', 'secret-every').update(`${t}.${d.body.toString()}`).digest('hex')}`);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-pressroom-delivery']).toBe(JSON.parse(d.body.toString()).delivery_id);
    }
    expect(rx.deliveriesTo('nato-only')).toHaveLength(0);
    expect(bodies('created-only').map((b) => b.event)).toEqual(['story.created']);
    const st = w.status().find((s) => s.id === 'every')!;
    expect(st).toMatchObject({ delivered: 3, failed: 0, pending: 0, callbackHost: new URL(rx.url).host });
    expect(JSON.stringify(w.status())).not.toContain('/cb/');
    await w.close();
  });

  it('retries a failing receiver with back-off and the same delivery id, from an outbox that survives a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hooks-'));
    rx.behave('flaky', { deliver: 500 });
    const first = start(dir, [hook('flaky')]);
    await first.start(() => pub([story(1)]));
    first.changed(() => pub([story(1), story(4)]));
    await rx.waitFor(() => rx.deliveriesTo('flaky').length >= 2, 10_000, 'a retry');
    await first.close();
    expect(first.status()[0]!.failed).toBeGreaterThanOrEqual(2);
    // A new process on the same data folder sends what the outbox held: at least once, the same id.
    rx.behave('flaky', { deliver: 200 });
    const second = start(dir, [hook('flaky')]);
    await second.start(() => pub([story(1), story(4)]));
    await rx.waitFor(() => second.status()[0]!.delivered === 1, 10_000, 'the delivery after the restart');
    const ids = new Set(rx.deliveriesTo('flaky').map((d) => d.headers['x-pressroom-delivery']));
    expect(ids.size).toBe(1);
    expect(second.status()[0]!.pending).toBe(0);
    await second.close();
  });

  it('a story pruned by RETENTION_DAYS is no withdrawal; a recent one that leaves is', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hooks-'));
    const recent = makeStory({ id: 'tag:pressroom,2026-01-01:europol/recent', seq: 50, agency: 'europol', title: 'Europol recent release', published: new Date(Date.now() - 86_400_000).toISOString() });
    const w = start(dir, [hook('pruning')], 30);
    await w.start(() => pub([story(1), recent]));
    w.changed(() => pub([]));
    await rx.waitFor(() => rx.deliveriesTo('pruning').length === 1, 5_000, 'the withdrawal');
    await new Promise((r) => setTimeout(r, 300));
    expect(bodies('pruning').map((b) => `${b.event} ${b.story.id}`)).toEqual(['story.withdrawn tag:pressroom,2026-01-01:europol/recent']);
    await w.close();
  });

  it('digest mode sends one message per interval with every event of it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-hooks-'));
    // A clock of our own: the interval ends when the test says so.
    let now = Date.now();
    const config: PushConfig = { ...PUSH_DEFAULTS, retryBaseMs: 200, pingHubs: [], webhooks: [hook('digest', { digestSeconds: 10 })] };
    const d = createWebhooks({ dataDir: dir, config, send: { allowHosts: ['127.0.0.1'], timeoutMs: 2000, userAgent: 'test' }, limiter: new HostLimiter(2, 8), log: quiet, now: () => new Date(now) });
    await d.start(() => pub([story(1)]));
    d.changed(() => pub([story(1), story(5)]));
    d.changed(() => pub([story(1), story(5), story(6)]));
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.deliveriesTo('digest')).toHaveLength(0);
    expect(d.status()[0]!.pending).toBe(2);
    now += 11_000;
    await rx.waitFor(() => rx.deliveriesTo('digest').length === 1, 5_000, 'the digest');
    const body = bodies('digest')[0]! as unknown as { event: string; events: Array<{ event: string; delivery_id: string; story: { id: string } }> };
    expect(body.event).toBe('digest');
    expect(body.events.map((e) => `${e.event} ${e.story.id}`)).toEqual(['story.created tag:pressroom,2024-10-09:europol/s5', 'story.created tag:pressroom,2024-10-09:europol/s6']);
    expect(body.events.every((e) => /^dlv_/.test(e.delivery_id))).toBe(true);
    await d.close();
  });
});
