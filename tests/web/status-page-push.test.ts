// The push part of /status.html: what /status's `push` says (the hub's subscriptions and deliveries, each
// webhook's), in the page's table style (column headers, a label per cell for a phone), hosts only: never a
// callback's path or query, never a secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushView } from '../../src/publish/status-push.js';
import { samplePush } from '../helpers/push-status-sample.js';
import { sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const page = async (s: TestServer) => {
  const res = await fetch(`${s.url}/status.html`);
  expect(res.status).toBe(200);
  return res.text();
};
/** The rows of the table with this class, each as its cells' text keyed by their data-label. */
function rows(html: string, cls: string): Record<string, string>[] {
  const table = new RegExp(`<table class="${cls}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    Object.fromEntries([...r[1]!.matchAll(/<td data-label="([^"]*)">([\s\S]*?)<\/td>/g)].map((c) => [c[1]!, c[2]!.replace(/<br>/g, ' ').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()])),
  );
}
const headers = (html: string, cls: string) => [...(new RegExp(`<table class="${cls}">[\\s\\S]*?<thead>([\\s\\S]*?)</thead>`).exec(html)?.[1] ?? '').matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);

describe('the status page’s push section', () => {
  let s: TestServer;
  let push: PushView | undefined;
  beforeAll(async () => {
    s = await serveApp(sampleStore(), { pushStatus: () => push });
  });
  afterAll(() => s.close());

  it('shows the hub’s counts and every subscriber by host, failing first, with column headers and a label per cell', async () => {
    push = samplePush();
    const html = await page(s);
    expect(html).toContain('<h2 id="push-title">Push</h2>');
    expect(html).toMatch(/Hub <code>https:\/\/press\.example\.org\/websub<\/code>: 3 subscriptions; 17 delivered, 2 failed, 1 gone \(410\), 1 waiting for a retry; 4 verified, 1 failed verification, 0 denied, 0 expired\./);
    expect(headers(html, 'push-subscribers')).toEqual(['Subscriber', 'Topic', 'Last delivery', 'Failures', 'Lease ends']);
    expect(rows(html, 'push-subscribers')).toEqual([
      { Subscriber: 'slow.example.com:8443', Topic: 'https://press.example.org/feeds/nato.json?q=summit', 'Last delivery': 'timeout 2026-12-07 04:11 UTC', Failures: '3', 'Lease ends': '2026-12-10 00:00 UTC' },
      { Subscriber: 'new.example.org', Topic: 'https://press.example.org/feeds/europol.rss', 'Last delivery': '—', Failures: '0', 'Lease ends': '2026-12-20 00:00 UTC' },
      { Subscriber: 'reader.example.net', Topic: 'https://press.example.org/feeds/all.atom', 'Last delivery': 'delivered 2026-12-07 04:10 UTC', Failures: '0', 'Lease ends': '2026-12-17 04:00 UTC' },
    ]);
  });

  it('shows each webhook by id and callback host, failing first', async () => {
    push = samplePush();
    const html = await page(s);
    expect(headers(html, 'push-webhooks')).toEqual(['Webhook', 'Callback host', 'Last delivery', 'Delivered', 'Failed, dropped', 'Waiting']);
    expect(rows(html, 'push-webhooks')).toEqual([
      { Webhook: 'europol-digest digest every 3600 s', 'Callback host': 'chat.example.com', 'Last delivery': 'HTTP 500 2026-12-07 04:05 UTC', Delivered: '1', 'Failed, dropped': '4 failed, 2 dropped', Waiting: '3' },
      { Webhook: 'nato-watch', 'Callback host': 'hooks.example.org', 'Last delivery': 'delivered 2026-12-07 04:00 UTC', Delivered: '5', 'Failed, dropped': '0 failed, 0 dropped', Waiting: '0' },
    ]);
  });

  it('says so when there is no hub or no webhook, and has no section when nothing reported push', async () => {
    push = { webhooks: [] };
    let html = await page(s);
    expect(html).toContain('No WebSub hub: <code>PUBLIC_URL</code> is not set.');
    expect(html).toContain('No webhook is configured');
    push = undefined;
    html = await page(s);
    expect(html).not.toContain('id="push"');
  });

  it('escapes what it shows: a host or outcome never becomes markup', async () => {
    push = samplePush();
    push.webhooks = [{ id: 'x', callbackHost: '<img src=x onerror=alert(1)>', delivered: 0, failed: 1, dropped: 0, pending: 0, lastOutcome: '"><script>alert(1)</script>' }];
    const html = await page(s);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });
});
