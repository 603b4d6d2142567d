// Issue 16 end to end: the compiled daemon, agency feeds and article pages on loopback servers. Full text only
// from the right release (a caption-laden page accepted, another release quoting ours refused, a bot challenge
// blocked and shown in /status), and a bulletin named two days early merged with the feed copy whose text it opens,
// JSON Feed saying which rule merged it.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, SEED, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const PAGES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const P1 =
  'Law enforcement authorities from Spain and Belgium, supported by Europol, have dismantled a criminal network that smuggled cocaine from South America into Europe hidden in shipments of bananas. Eleven suspects were arrested in coordinated raids on 15 October.';
const IMS_TWO_SENTENCES =
  'From 5 to 9 October 2024, the Director General of the NATO International Military Staff (DGIMS), Lieutenant General Janusz Adamczak visited NATO Partner Azerbaijan. While in Baku, he met with military leaders and senior officials.';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const item = (title: string, link: string, html: string, guid: string, date: string) =>
  `<item><title>${title}</title><link>${esc(link)}</link><description>${esc(html)}</description><pubDate>${date}</pubDate><guid isPermaLink="false">${guid}</guid></item>`;
const rss = (items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description>${items.join('')}</channel></rss>`;

interface JsonItem {
  id: string;
  title: string;
  content_html?: string;
  _pressroom: { sources: { kind: string }[]; merged_by?: { rule: string; source: Record<string, unknown> }[] };
}

describe('the daemon takes full text only from the right release and says why copies merged', () => {
  let site: FixtureServer;
  let waf: FixtureServer;
  let daemon: Daemon;
  const json = async (p: string) => (await (await fetch(`${daemon.url}${p}`)).json()) as { items: JsonItem[] };

  beforeAll(async () => {
    site = await start({ dir: PAGES });
    waf = await start({ dir: PAGES });
    const now = new Date().toUTCString();
    const more = (link: string) => `<p>${P1}</p><p><a href="${link}">Read more</a></p>`;
    site.setFile(
      'europol.rss',
      rss([
        item('Cocaine network dismantled', `${site.url}/europol-captions.html`, more(`${site.url}/europol-captions.html`), 'c1', now),
        item('Cocaine network: a page quoting it', `${site.url}/europol-quotes-teaser.html`, more(`${site.url}/europol-quotes-teaser.html`), 'c2', now),
        item('Cocaine network behind a challenge', `${waf.url}/challenge.html?status=403&header=cf-mitigated:challenge`, more(`${waf.url}/x`), 'c3', now),
      ]),
    );
    // NATO titles the release by an acronym and gives its first two sentences; the bulletin file is named two days early.
    site.setFile('nato.rss', rss([item('DGIMS visit to Baku', 'https://www.nato.int/cps/en/natohq/news_229611.htm', IMS_TWO_SENTENCES, 'n1', 'Thu, 10 Oct 2024 15:42:00 GMT')]));
    const early = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-early-')), '2024-10-07.txt');
    copyFileSync(SEED, early);
    const ws = makeWorkspace(
      {
        nato: { name: 'NATO', timezone: 'Europe/Brussels', feeds: [{ url: `${site.url}/nato.rss` }] },
        europol: { name: 'Europol', timezone: 'Europe/Amsterdam', feeds: [{ url: `${site.url}/europol.rss` }] },
        eurojust: { name: 'Eurojust', fulltext: false },
      },
      [early],
    );
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1', FULLTEXT_MAX_PER_RUN: '10' });
    await waitFor(async () => {
      const s = (await (await fetch(`${daemon.url}/status`)).json()) as { fulltext: Record<string, { fetches: number }> };
      return (s.fulltext.europol?.fetches ?? 0) >= 3;
    }, 30_000, 'the three story pages to be fetched');
  });

  afterAll(async () => {
    await daemon?.stop();
    await site?.close();
    await waf?.close();
  });

  it('completes the teaser from its own page, keeps it where the page is another release or a challenge', async () => {
    const items = (await json('/feeds/europol.json')).items;
    const by = (t: string) => items.find((i) => i.title === t)!;
    const own = by('Cocaine network dismantled');
    expect(own.content_html).toContain('Bank accounts and real estate worth EUR 6 million were frozen.');
    expect(own.content_html).not.toContain('Related news');
    expect(own._pressroom.sources.map((s) => s.kind)).toEqual(['feed', 'page']);
    for (const t of ['Cocaine network: a page quoting it', 'Cocaine network behind a challenge']) {
      expect(by(t)._pressroom.sources.map((s) => s.kind), t).toEqual(['feed']);
      expect(by(t).content_html, t).not.toContain('container terminal');
    }
    const status = (await (await fetch(`${daemon.url}/status`)).json()) as { fulltext: Record<string, unknown>; fulltextBlockedHosts: Record<string, { what: string; blocks: number }> };
    expect(status.fulltext.europol).toEqual({ fetches: 3, accepted: 1, refused: 1, failed: 0, blocked: 1 });
    expect(status.fulltextBlockedHosts[new URL(waf.url).host]).toMatchObject({ what: 'Cloudflare challenge (HTTP 403): the site wants a browser', blocks: 1 });
    const metrics = await (await fetch(`${daemon.operatorUrl}/metrics`)).text();
    expect(metrics).toContain('pressroom_page_fetches_total{agency="europol",outcome="blocked"} 1');
  });

  it('merges the bulletin’s item into the feed copy whose text it opens, and JSON Feed names the rule', async () => {
    // The bulletin and the feed may arrive in separate runs (the folder watcher): wait for the one that merges them.
    const natoItems = async () => (await json('/feeds/nato.json')).items.filter((i) => /Azerbaijan|Baku/.test(i.title));
    await waitFor(async () => (await natoItems()).some((i) => i._pressroom.sources.length === 2), 20_000, 'the bulletin item and the feed copy to merge');
    const nato = await natoItems();
    expect(nato).toHaveLength(1);
    expect(nato[0]!.title).toBe('DGIMS visit to Baku');
    expect(nato[0]!._pressroom.merged_by, JSON.stringify(nato[0]!._pressroom)).toEqual([{ rule: 'opening-text', source: { kind: 'bulletin', file: '2024-10-07.txt', line: 1 } }]);
  });
});
