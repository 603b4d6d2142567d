// Under the PM2 layout (one `worker`, `web` instances on the same DATA_DIR): a subscription POSTed to a web
// instance is spooled, verified by the worker, and a bulletin dropped into the folder reaches the callback within
// seconds; a webhook declared in feeds/webhooks/ receives one signed event; /status on the web tier shows both.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, makeWorkspace, NO_PAGE_FETCHES, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { startSubscriber, type Subscriber } from '../helpers/websub-subscriber.js';

const PUBLIC = 'https://press.example.org';
let ws: ReturnType<typeof makeWorkspace>;
let sub: Subscriber;
let worker: ChildProcess;
let workerLog = '';
let web: Daemon;

beforeAll(async () => {
  sub = await startSubscriber();
  ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels', feeds: [] }, europol: { name: 'Europol', feeds: [] } });
  mkdirSync(path.join(ws.feedsDir, 'webhooks'));
  writeFileSync(path.join(ws.feedsDir, 'webhooks', 'nato-watch.json'), JSON.stringify({ url: sub.callback('hook', 'k=1'), secret: 'env:NATO_HOOK_SECRET', agency: 'nato', q: 'steadfast', events: ['story.created'] }));
  const env = {
    PATH: process.env.PATH ?? '',
    ...NO_PAGE_FETCHES,
    FEEDS_DIR: ws.feedsDir,
    DATA_DIR: ws.dataDir,
    PUBLIC_URL: PUBLIC,
    BULLETIN_SCHEDULE: '* * * * * *',
    FETCH_ALLOW_HOSTS: '127.0.0.1',
    NATO_HOOK_SECRET: 'hook-secret',
    LOG_LEVEL: 'info',
  };
  worker = spawn(process.execPath, [MAIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  worker.stdout!.on('data', (d) => (workerLog += d));
  worker.stderr!.on('data', (d) => (workerLog += d));
  await waitFor(async () => workerLog.includes('pressroom worker running'), 15_000, 'the worker');
  web = await startDaemon(env, 15_000, 'web');
  await waitFor(async () => ((await (await fetch(`${web.url}/status`)).json()) as { stories: number }).stories > 0, 15_000, 'the seed bulletin on the web tier');
});

afterAll(async () => {
  await web?.stop();
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await sub?.close();
});

describe('push under worker + web', () => {
  it('a bulletin reaches a subscriber and a matching webhook within seconds', async () => {
    const topic = `${PUBLIC}/feeds/nato.atom`;
    const r = await fetch(`${web.url}/websub`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.callback': sub.callback('reader'), 'hub.topic': topic, 'hub.secret': 'reader-secret' }).toString(),
    });
    expect(r.status).toBe(202);
    await sub.waitFor(() => sub.verifications.some((v) => v.name === 'reader'), 10_000, 'the worker’s verification');
    // The worker writes the subscription before the next change is looked at.
    await new Promise((res) => setTimeout(res, 300));

    const t0 = Date.now();
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'bulletin-2026-12-06.txt'), 'NATO exercise Steadfast Relay opens in Norway\n\nSource: NATO\n\nThe exercise brings together forces of twelve Allies for two weeks of cold-weather training near Bardufoss.\n');
    await sub.waitFor(() => sub.deliveriesTo('reader').length > 0 && sub.deliveriesTo('hook').length > 0, 15_000, 'the delivery and the webhook');
    expect(Date.now() - t0).toBeLessThan(10_000);

    const d = sub.deliveriesTo('reader')[0]!;
    expect(d.body.toString()).toContain('Steadfast Relay');
    expect(d.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(d.headers.link).toBe(`<${PUBLIC}/websub>; rel="hub", <${topic}>; rel="self"`);
    expect(d.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', 'reader-secret').update(d.body).digest('hex')}`);
    // What the web tier serves for that topic once it has reloaded is the same document.
    await waitFor(async () => (await (await fetch(`${web.url}/feeds/nato.atom`)).text()) === d.body.toString(), 5_000, 'the web tier to serve the delivered bytes');

    await new Promise((res) => setTimeout(res, 1000));
    const hooks = sub.deliveriesTo('hook');
    expect(hooks).toHaveLength(1);
    const h = hooks[0]!;
    expect(h.rawQuery).toBe('k=1');
    const body = JSON.parse(h.body.toString()) as { event: string; webhook: string; story: { title: string } };
    expect(body).toMatchObject({ event: 'story.created', webhook: 'nato-watch', story: { title: 'NATO exercise Steadfast Relay opens in Norway' } });
    const t = h.headers['x-pressroom-timestamp'] as string;
    expect(h.headers['x-pressroom-signature']).toBe(`sha256=${createHmac('sha256', 'hook-secret').update(`${t}.${h.body.toString()}`).digest('hex')}`);

    // /status on a web instance: what the worker left in DATA_DIR, hosts only.
    await waitFor(async () => {
      const s = (await (await fetch(`${web.url}/status`)).json()) as { push?: { websub?: { subscriptions: number; counters: { delivered: number } }; webhooks: Array<{ id: string; delivered: number }> } };
      return s.push?.websub?.subscriptions === 1 && s.push.websub.counters.delivered >= 1 && s.push.webhooks[0]?.id === 'nato-watch' && s.push.webhooks[0].delivered === 1;
    }, 5_000, 'the push status on the web tier');
    const text = await (await fetch(`${web.url}/status`)).text();
    expect(text).not.toContain('/cb/');
    expect(text).toContain(new URL(sub.url).host);
    // /status.html shows the same push section: the webhook by id and host, the subscriber by host; never a
    // callback's path or query, nor a secret.
    const html = await (await fetch(`${web.url}/status.html`)).text();
    expect(html).toMatch(/<td data-label="Webhook">nato-watch<\/td><td data-label="Callback host">127\.0\.0\.1:\d+<\/td><td data-label="Last delivery"><span class="ok">delivered<\/span>/);
    expect(html).toContain(`<td data-label="Subscriber">${new URL(sub.url).host}</td><td data-label="Topic"><code>${topic}</code></td>`);
    for (const secret of ['/cb/', 'k=1', 'hook-secret', 'reader-secret']) expect(html).not.toContain(secret);

    // `pressroom status` prints the same from DATA_DIR, beside the running worker.
    const cli = await runCli(['status'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, PUBLIC_URL: PUBLIC, NATO_HOOK_SECRET: 'x' });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`websub ${PUBLIC}/websub: 1 subscriptions; [1-9]\\d* delivered`));
    expect(cli.stdout).toContain(`webhook nato-watch (${new URL(sub.url).host}): 1 delivered, 0 failed, 0 dropped, 0 pending`);
  }, 60_000);
});
