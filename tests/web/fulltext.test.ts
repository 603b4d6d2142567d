// A story completed from its page: the story page and the feeds show the text and the page source; /status and metrics count.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import type { StoreData } from '../../src/model.js';
import { makeStory, rawRequest, sampleStore, serveApp } from '../helpers/web.js';

const ID = 'tag:pressroom,2024-10-17:nato/page';
const PAGE = 'https://www.nato.int/cps/en/natohq/news_229800.htm';

function storeWithPage(): StoreData {
  const data = sampleStore();
  const story = makeStory({
    id: ID,
    seq: 10_000,
    agency: 'nato',
    title: 'Defence Ministers meet',
    published: '2024-10-30T07:30:00.000Z',
    link: PAGE,
    contentHtml: '<p>NATO Secretary General Mark Rutte welcomed Allied Defence Ministers.</p><p>Allies have signed contracts for more than 700,000 artillery rounds.</p>',
    summary: 'NATO Secretary General Mark Rutte welcomed Allied Defence Ministers. Allies have signed contracts for more than 700,000 artillery rounds.',
    sources: [
      { kind: 'feed', url: 'https://example.org/nato.rss', guid: 'n1' },
      { kind: 'page', url: PAGE, fetchedAt: '2024-10-30T08:00:00.000Z' },
    ],
    bodyFrom: `page:${PAGE}`,
  });
  return {
    ...data,
    stories: [...data.stories, story],
    fulltext: {
      pages: { [ID]: { agency: 'nato', url: PAGE, attempts: 1, lastAttempt: '2024-10-30T08:00:00.000Z', outcome: 'accepted' } },
      counts: { nato: { fetches: 3, accepted: 1, refused: 1, failed: 1 }, europol: { fetches: 2, accepted: 0, refused: 0, failed: 0, blocked: 2 } },
      blockedHosts: { 'www.europol.europa.eu': { what: 'Cloudflare challenge (HTTP 403): the site wants a browser', since: '2024-10-30T08:00:00.000Z', until: '2024-10-30T09:00:00.000Z', blocks: 1 } },
    },
  };
}

describe('a story completed from its page', () => {
  it('is shown whole on its page and in the feeds, with the page as a source; /status counts per agency', async () => {
    const own = await serveApp(storeWithPage());
    try {
      const page = await rawRequest(own.url, `/stories/${encodeURIComponent(ID)}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('more than 700,000 artillery rounds');
      expect(page.body).toContain(`Full text from the page <a href="${PAGE}">`);
      const json = JSON.parse((await rawRequest(own.url, '/feeds/nato.json')).body) as { items: { id: string; content_html: string; _pressroom: { sources: unknown[]; teaser: boolean } }[] };
      const item = json.items.find((i) => i.id === ID)!;
      expect(item.content_html).toContain('700,000 artillery rounds');
      expect(item._pressroom.teaser).toBe(false);
      expect(item._pressroom.sources).toContainEqual({ kind: 'page', url: PAGE, fetchedAt: '2024-10-30T08:00:00.000Z' });
      expect((await rawRequest(own.url, '/feeds/nato.atom')).body).toContain('700,000 artillery rounds');
      const status = JSON.parse((await rawRequest(own.url, '/status')).body) as { fulltext: unknown; fulltextBlockedHosts: unknown };
      expect(status.fulltext).toEqual({ nato: { fetches: 3, accepted: 1, refused: 1, failed: 1 }, europol: { fetches: 2, accepted: 0, refused: 0, failed: 0, blocked: 2 } });
      // A host answering with a bot challenge: named with what blocked us and until when it is left alone.
      expect(status.fulltextBlockedHosts).toEqual({
        'www.europol.europa.eu': { what: 'Cloudflare challenge (HTTP 403): the site wants a browser', since: '2024-10-30T08:00:00.000Z', until: '2024-10-30T09:00:00.000Z', blocks: 1 },
      });
    } finally {
      await own.close();
    }
  });

  it('metrics count page fetches by agency and outcome', async () => {
    const m = createMetrics('worker');
    m.observeIngest({
      sources: [],
      created: 0,
      updated: 0,
      wrote: true,
      aborted: false,
      pages: [
        { story: 'a', agency: 'nato', url: PAGE, outcome: 'accepted', ms: 12 },
        { story: 'b', agency: 'nato', url: PAGE, outcome: 'refused', reason: 'teaser-not-found', ms: 9 },
        { story: 'c', agency: 'europol', url: PAGE, outcome: 'failed', reason: 'not-found', ms: 3 },
      ],
    });
    const text = (await m.render()).body;
    expect(text).toContain('pressroom_page_fetches_total{agency="nato",outcome="accepted"} 1');
    expect(text).toContain('pressroom_page_fetches_total{agency="nato",outcome="refused"} 1');
    expect(text).toContain('pressroom_page_fetches_total{agency="europol",outcome="failed"} 1');
  });
});
