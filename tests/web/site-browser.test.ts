// The site as a person meets it, in Debian's headless Chromium through playwright-core: every stored story
// reachable by following links from `/` (1,000 stories), search finding what the feed finds, page URLs that keep
// their stories, axe-core finding no serious or critical problem on any page type in light or dark mode, the
// copy button under the pages' CSP, and screenshots at 390 and 1280 px in test-output/pages/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData, Story } from '../../src/model.js';
import { ROOT } from '../helpers/daemon.js';
import { samplePush } from '../helpers/push-status-sample.js';
import { atomIds, makeStory, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const CHROMIUM = process.env.PRESSROOM_CHROMIUM ?? '/usr/bin/chromium';
const OUT = path.join(ROOT, 'test-output', 'pages');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`site browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** The sample store plus enough stories to make 1,000, one every 7 hours back from October 2024. */
function thousand(): StoreData {
  const base = sampleStore();
  const agencies = ['nato', 'europol', 'eurojust', 'frontex'];
  const extra: Story[] = [];
  const n = 1000 - base.stories.length;
  for (let i = 0; i < n; i++) {
    const agency = agencies[i % 4]!;
    extra.push(
      makeStory({
        id: `tag:pressroom,2024-01-01:${agency}/b${i}`,
        seq: 2000 + i,
        agency,
        title: `${agency.toUpperCase()} statement ${i}${i % 11 === 0 ? ' on maritime security' : ''}`,
        published: new Date(Date.parse('2024-05-30T10:00:00Z') - i * 7 * 3_600_000).toISOString(),
        summary: `Summary of statement ${i}, whose first line is all a list shows.\nMore text.`,
        teaser: i % 10 === 0,
      }),
    );
  }
  return { ...base, stories: [...base.stories, ...extra], nextSeq: 2000 + n };
}

describe.skipIf(!haveChromium)('the site in headless Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  const data = thousand();

  beforeAll(async () => {
    // With a worker's push report, so that the status page's push section is checked too.
    s = await serveApp(data, { pushStatus: samplePush });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    mkdirSync(OUT, { recursive: true });
    console.log(`screenshots in ${OUT}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** A context that may reach only the test server. */
  async function context(opts: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const c = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, ...opts });
    await c.route('**/*', (route) => (route.request().url().startsWith(s.url) ? route.continue() : route.abort()));
    return c;
  }

  const storyIdOf = (href: string) => decodeURIComponent(new URL(href).pathname.slice('/stories/'.length));

  it('reaches every stored story by following the site’s own links from /, JavaScript off', async () => {
    const c = await context({ javaScriptEnabled: false });
    // Links are all the crawl reads: the stylesheet is not fetched, and each page is read once its DOM is built.
    await c.route('**/assets/**', (route) => route.abort());
    const page = await c.newPage();
    const queue = [`${s.url}/`];
    const seen = new Set(queue);
    const stories = new Set<string>();
    while (queue.length) {
      const url = queue.shift()!;
      const res = await page.goto(url, { waitUntil: 'domcontentloaded' });
      expect(res?.status(), url).toBe(200);
      // Every link but a long month's day links: those start pages at each day's newest story, which the
      // month's own rel=next chain reaches too (html-pages.test.ts checks them); following them would triple the
      // pages crawled for no story more.
      const hrefs = await page.$$eval('a[href]:not(nav.days a)', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const h of hrefs) {
        if (!h.startsWith(s.url)) continue;
        const u = new URL(h);
        if (u.pathname.startsWith('/stories/')) {
          stories.add(storyIdOf(h));
          continue;
        }
        // Lists, searches and month pages; feeds, assets and the status page list no story.
        if (!(u.pathname === '/' || u.pathname.startsWith('/news/'))) continue;
        const key = `${u.origin}${u.pathname}${u.search}`;
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(key);
        }
      }
      expect(seen.size, 'pages crawled').toBeLessThan(400);
    }
    expect(stories.size).toBe(1000);
    expect([...stories].sort()).toEqual(data.stories.map((x) => x.id).sort());
    console.log(`crawl: ${seen.size} pages reached all ${stories.size} stories`);
    await c.close();
  }, 180_000);

  it('search from the front page finds what the feed of the same query finds, JavaScript off', async () => {
    const c = await context({ javaScriptEnabled: false });
    const page = await c.newPage();
    await page.goto(`${s.url}/`);
    await page.getByRole('searchbox').fill('maritime');
    await Promise.all([page.waitForURL(/\/news\/all\?q=maritime/), page.getByRole('searchbox').press('Enter')]);
    const found: string[] = [];
    for (;;) {
      found.push(...(await page.$$eval('ol.stories h2 a', (as) => as.map((a) => (a as HTMLAnchorElement).href))).map(storyIdOf));
      const older = page.locator('a[rel="next"]');
      if ((await older.count()) === 0) break;
      await Promise.all([page.waitForURL(/before=/), older.click()]);
    }
    const feed = await c.request.get(`${s.url}/feeds/all.atom?q=maritime&limit=500`);
    expect(found.length).toBeGreaterThan(50);
    expect(found).toEqual(atomIds(await feed.text()));
    // "Subscribe to this search" leads to the address of that same feed.
    await page.goto(`${s.url}/news/all?q=maritime`);
    await Promise.all([page.waitForURL(/\/subscribe\/all\?q=maritime/), page.getByRole('link', { name: 'Subscribe to this search' }).click()]);
    expect(await page.locator('#feed-all').inputValue()).toBe(`${s.url}/feeds/all.atom?q=maritime`);
    // Without script the copy button stays hidden; the address is there to select.
    expect(await page.locator('button[data-copy]').isVisible()).toBe(false);
    await c.close();
  }, 60_000);

  it('keeps a page URL’s stories while new stories arrive', async () => {
    const t = await serveApp(data);
    const c = await browser.newContext();
    await c.route('**/*', (route) => (route.request().url().startsWith(t.url) ? route.continue() : route.abort()));
    const page = await c.newPage();
    try {
      await page.goto(`${t.url}/news/nato`);
      await Promise.all([page.waitForURL(/before=/), page.locator('a[rel="next"]').click()]);
      const url = page.url();
      const ids = () => page.$$eval('ol.stories h2 a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      const before = await ids();
      const newer = Array.from({ length: 7 }, (_, i) =>
        makeStory({ id: `tag:pressroom,2025-01-01:nato/new${i}`, seq: 9000 + i, agency: 'nato', title: `Brand new ${i}`, published: `2025-01-0${i + 1}T09:00:00.000Z` }),
      );
      t.setData({ ...data, stories: [...data.stories, ...newer] });
      await page.goto(url);
      expect(await ids()).toEqual(before);
      await page.goto(`${t.url}/news/nato`);
      expect(await page.locator('ol.stories h2 a').first().textContent()).toBe('Brand new 6');
    } finally {
      await c.close();
      await t.close();
    }
  }, 60_000);

  const pageTypes = (): [string, string][] => {
    const story = data.stories.find((x) => x.agency === 'europol' && x.sources.length > 0)!;
    return [
      ['front', '/'],
      ['list', '/news/all'],
      ['agency-list', '/news/eurojust'],
      ['search', '/news/all?q=cyber'],
      ['search-empty', '/news/nato?q=nothing-matches-this'],
      ['archive-index', '/news/all/archive'],
      ['archive-month', '/news/all/archive/2024-03'],
      ['subscribe', '/subscribe'],
      ['subscribe-search', '/subscribe/nato?q=maritime'],
      ['story', `/stories/${encodeURIComponent(story.id)}`],
      ['status', '/status.html'],
    ];
  };

  async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
    if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE, 'utf8'));
    return page.evaluate(async () => {
      const r = await (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(
        document,
        { resultTypes: ['violations'] },
      );
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
  }

  it.each(['light', 'dark'] as const)('axe-core finds no serious or critical violation on any page type (%s), at 390 and 1280 px', async (scheme) => {
    const c = await context({ colorScheme: scheme });
    const page = await c.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    // The checker can fail: an image without text on the front page is a critical violation.
    await page.goto(`${s.url}/`);
    await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('img'), { src: 'data:,' })));
    expect((await axeViolations(page)).map((v) => `${v.id} ${v.impact}`)).toContain('image-alt critical');
    const report: string[] = [];
    for (const [name, p] of pageTypes()) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        const res = await page.goto(`${s.url}${p}`);
        expect(res?.status(), p).toBe(200);
        expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
        const all = await axeViolations(page);
        if (process.env.AXE_DEBUG) console.log(name, width, JSON.stringify(all));
        const bad = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        for (const v of bad) report.push(`${name} ${width}px: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.join(', ')}`);
        await page.screenshot({ path: path.join(OUT, `${name}-${width}-${scheme}.png`), fullPage: width === 390 });
      }
    }
    expect(report).toEqual([]);
    expect(cspErrors).toEqual([]);
    await c.close();
  }, 180_000);

  it('fits a 320 px screen on every page type, with a skip link, landmarks, lang and a visible focus ring', async () => {
    const c = await context({ viewport: { width: 320, height: 640 } });
    const page = await c.newPage();
    for (const [name, p] of pageTypes()) {
      await page.goto(`${s.url}${p}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(320);
      expect(await page.getAttribute('html', 'lang'), name).toBe('en');
      expect(await page.locator('main#main').count(), name).toBe(1);
      expect(await page.locator('body > header nav[aria-label="Site"]').count(), name).toBe(1);
      expect(await page.locator('body > footer').count(), name).toBe(1);
      expect((await page.title()).length, name).toBeGreaterThan(10);
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement;
        const st = getComputedStyle(a);
        const r = a.getBoundingClientRect();
        return { text: a.textContent, outline: st.outlineStyle, width: st.outlineWidth, inView: r.left >= 0 && r.top >= 0 && r.right <= innerWidth };
      });
      expect(focus, name).toEqual({ text: 'Skip to content', outline: 'solid', width: '3px', inView: true });
    }
    await c.close();
  }, 120_000);

  it('copies a feed address with the copy button, the only script, under the pages’ CSP', async () => {
    const c = await context();
    await c.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.url });
    const page = await c.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    const res = await page.goto(`${s.url}/subscribe`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    const button = page.locator('button[data-copy="feed-nato"]');
    await expect.poll(() => button.isVisible(), { timeout: 15_000 }).toBe(true);
    await button.click();
    await expect.poll(() => page.locator('#feed-nato-status').textContent(), { timeout: 15_000 }).toMatch(/Copied|Selected/);
    if ((await page.locator('#feed-nato-status').textContent()) === 'Copied.')
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${s.url}/feeds/nato.atom`);
    expect(await page.locator('script').count()).toBe(1);
    expect(cspErrors).toEqual([]);
    await c.close();
  }, 60_000);
});
