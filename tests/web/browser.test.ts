// A real browser (Debian's headless Chromium through playwright-core) reads the front page as a person would:
// autodiscovery links resolve to feeds, a story link leads to its page, and screenshots land in test-output/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon.js';
import { sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const CHROMIUM = process.env.PRESSROOM_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'test-output');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!haveChromium)('the front page in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    s = await serveApp(sampleStore());
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

  it('discovers every feed, follows a story link, and renders on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, javaScriptEnabled: false });
    // Nothing may leave the machine: only the test server's origin is allowed.
    await context.route('**/*', (route) => (route.request().url().startsWith(s.url) ? route.continue() : route.abort()));
    const page = await context.newPage();
    const res = await page.goto(`${s.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('Pressroom: agency press releases');

    // Autodiscovery: what a browser extension or a reader's "add site" reads from <head>.
    const alternates = await page.$$eval('link[rel="alternate"]', (ls) => ls.map((l) => ({ href: (l as HTMLLinkElement).href, type: l.getAttribute('type') ?? '' })));
    expect(alternates.length).toBe(16);
    for (const a of alternates) {
      const feed = await context.request.get(a.href);
      expect(feed.status(), a.href).toBe(200);
      expect(feed.headers()['content-type'], a.href).toBe(`${a.type}; charset=utf-8`);
    }
    const opml = await page.$eval('link[rel="outline"]', (l) => (l as HTMLLinkElement).href);
    expect((await context.request.get(opml)).status()).toBe(200);

    // The page fits a phone: nothing wider than the viewport.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(OUT, 'front-page.png'), fullPage: false });

    // Follow the first story of the NATO section as a person would: by clicking it.
    const link = page.locator('#nato li a').first();
    const title = (await link.textContent())!;
    await Promise.all([page.waitForURL(/\/stories\//), link.click()]);
    expect(await page.locator('h1').textContent()).toBe(title);
    expect(await page.locator('p.meta').textContent()).toContain('NATO');
    expect(await page.locator('footer li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(OUT, 'story-page.png'), fullPage: true });
    expect(existsSync(path.join(OUT, 'story-page.png'))).toBe(true);
    await context.close();
  });
});
