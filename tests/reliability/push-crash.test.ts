// Push across SIGKILLs: the worker is killed at random moments around commits while a webhook receiver fails
// every message and a WebSub subscriber is subscribed. Afterwards every story created meanwhile reaches the
// webhook (at least once, always under the same delivery id), and the subscription is still there.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { startSubscriber, type Subscriber } from '../helpers/websub-subscriber.js';
import { between, seededRng, seedFromEnv, sleep, spawnDaemon, stopDaemon, until, type DaemonProc } from './helpers.js';

const KILLS = Number(process.env.RELIABILITY_PUSH_KILLS ?? 8);
const PUBLIC = 'https://press.example.org';

describe('push while the daemon is killed', () => {
  let d: DaemonProc | undefined;
  let rx: Subscriber | undefined;
  const roots: string[] = [];
  afterAll(async () => {
    if (d?.alive()) await stopDaemon(d, 'SIGKILL');
    await rx?.close();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it(`delivers every webhook event at least once under one id, and keeps subscriptions, across ${KILLS} SIGKILLs`, async () => {
    const seed = seedFromEnv();
    const rng = seededRng(seed);
    rx = await startSubscriber();
    const ws = makeWorkspace({ nato: { name: 'NATO', feeds: [] }, europol: { name: 'Europol', feeds: [] } }, []);
    roots.push(ws.root);
    mkdirSync(path.join(ws.feedsDir, 'webhooks'));
    writeFileSync(path.join(ws.feedsDir, 'webhooks', 'everything.json'), JSON.stringify({ url: rx.callback('hook'), secret: 'env:HOOK_SECRET', events: ['story.created'] }));
    rx.behave('hook', { deliver: 500 });
    const env = {
      FEEDS_DIR: ws.feedsDir,
      DATA_DIR: ws.dataDir,
      PUBLIC_URL: PUBLIC,
      BULLETIN_SCHEDULE: '* * * * * *',
      FETCH_ALLOW_HOSTS: '127.0.0.1',
      HOOK_SECRET: 's',
      PUSH_RETRY_BASE_MS: '100',
    };
    const start = async () => {
      d = spawnDaemon(env);
      const url = await d.listening;
      if (!url) throw new Error(`daemon did not start:\n${d.logs()}`);
      return url;
    };
    let base = await start();
    const r = await fetch(`${base}/websub`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.callback': rx.callback('reader'), 'hub.topic': `${PUBLIC}/feeds/all.atom` }).toString() });
    expect(r.status).toBe(202);
    await rx.waitFor(() => rx!.verifications.length === 1, 10_000, 'the verification');
    await sleep(300);

    const titles: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const t = `Europol crash-test operation ${seed}-${k} dismantles a network`;
      titles.push(t);
      writeFileSync(path.join(ws.feedsDir, 'bulletins', `bulletin-2026-11-${String((k % 28) + 1).padStart(2, '0')}-${k}.txt`), `${t}\n\nSource: Europol\n\nInvestigators in operation ${seed}-${k} searched premises and seized servers used by the network.\n`);
      // Killed anywhere from before the scan to well after the commit and the first failed attempts.
      await sleep(between(rng, 0, 2500));
      await stopDaemon(d!, 'SIGKILL');
      base = await start();
    }
    // The receiver recovers: every created story must arrive, whatever moment the kills fell on.
    const recoveredAt = Date.now();
    rx.behave('hook', { deliver: 200 });
    const received = () => rx!.deliveriesTo('hook').filter((x) => x.at >= recoveredAt).map((x) => JSON.parse(x.body.toString()) as { delivery_id: string; story: { title: string } });
    await until(async () => (titles.every((t) => received().some((b) => b.story.title === t)) ? true : undefined), 60_000, `every event (seed ${seed})`, 200);
    // One id per story across every attempt, before and after the kills.
    const all = rx.deliveriesTo('hook').map((x) => JSON.parse(x.body.toString()) as { delivery_id: string; story: { id: string } });
    const ids = new Map<string, Set<string>>();
    for (const b of all) ids.set(b.story.id, (ids.get(b.story.id) ?? new Set()).add(b.delivery_id));
    for (const [story, set] of ids) expect(set.size, story).toBe(1);

    // The subscription survived every kill: the next change reaches the subscriber.
    const before = rx.deliveriesTo('reader').length;
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'bulletin-2026-12-01-after.txt'), `NATO statement after the crash test ${seed}\n\nSource: NATO\n\nThe statement closes the crash test of seed ${seed} with a paragraph of text.\n`);
    await rx.waitFor(() => rx!.deliveriesTo('reader').length > before, 15_000, 'a delivery after the kills');
    expect(rx.deliveriesTo('reader').at(-1)!.body.toString()).toContain(`crash test ${seed}`);
    await stopDaemon(d!);
  });
});
