// The status page on a 390 px phone in headless Chromium: no sideways scrolling, every cell labelled, its one
// inline style allowed by its CSP hash (and nothing refused), reasons in words first.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon.js';
import { samplePush } from '../helpers/push-status-sample.js';
import { sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const CHROMIUM = process.env.PRESSROOM_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'test-output');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`status page browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!haveChromium)('the status page in headless Chromium at 390 px', () => {
  let s: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    const data = sampleStore();
    // A long feed URL with a credential, failing with a DNS error: the worst row for a narrow screen.
    const long = 'https://feeds.example.org/very/long/path/to/the/agency/press/releases/feed/in/english/rss.xml?token=abcdefghijklmnopqrstuvwxyz0123456789';
    data.sources[`feed:${long}`] = {
      kind: 'feed', key: long, agency: 'nato', consecutiveFailures: 7, lastAttempt: '2024-10-20T10:00:00.000Z', failingSince: '2024-10-19T10:00:00.000Z',
      errorCode: 'network', errorMessage: 'network error: getaddrinfo ENOTFOUND feeds.example.org', nextAttempt: '2024-10-20T10:07:00.000Z',
    };
    // The push section too: its tables must fit and label their cells the same way.
    s = await serveApp(data, { pushStatus: samplePush });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    mkdirSync(OUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('fits, labels each cell, applies its style under its CSP, and says "no such host" before the code', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await context.route('**/*', (route) => (route.request().url().startsWith(s.url) ? route.continue() : route.abort()));
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    const res = await page.goto(`${s.url}/status.html`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/style-src 'self' 'sha256-/);
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The inline style ran (it is the CSP's hash): a failing reason is red.
    const color = await page.locator('strong.bad').first().evaluate((e) => getComputedStyle(e).color);
    expect(color).toBe('rgb(187, 0, 0)');
    expect(refused).toEqual([]);
    // Column headers exist; on a phone each cell carries its own label instead.
    expect(await page.locator('table.sources thead th').allTextContents()).toEqual(['Source', 'State', 'Next attempt', 'Last success', 'Last fetch']);
    // The push section's tables, the same way: headers at desk width, a label per cell on the phone.
    expect(await page.locator('table.push-subscribers thead th').allTextContents()).toEqual(['Subscriber', 'Topic', 'Last delivery', 'Failures', 'Lease ends']);
    expect(await page.locator('table.push-webhooks thead th').allTextContents()).toEqual(['Webhook', 'Callback host', 'Last delivery', 'Delivered', 'Failed, dropped', 'Waiting']);
    expect(await page.locator('table.push-webhooks td[data-label="Callback host"]').first().evaluate((e) => getComputedStyle(e, '::before').content)).toContain('Callback host');
    expect(await page.locator('table.push-subscribers thead').evaluate((e) => getComputedStyle(e).display)).toBe('none');
    const label = await page.locator('td[data-label="Next attempt"]').first().evaluate((e) => getComputedStyle(e, '::before').content);
    expect(label).toContain('Next attempt');
    const row = page.locator('tr', { hasText: 'very/long/path' });
    const state = (await row.locator('td[data-label="State"]').textContent())!;
    expect(state.indexOf('no such host')).toBeGreaterThanOrEqual(0);
    expect(state.indexOf('no such host')).toBeLessThan(state.indexOf('ENOTFOUND'));
    expect(await row.textContent()).toContain('token=REDACTED');
    expect(await page.content()).not.toContain('abcdefghijklmnopqrstuvwxyz0123456789');
    await page.screenshot({ path: path.join(OUT, 'status-page-390.png'), fullPage: true });
    await context.close();
  });
});
