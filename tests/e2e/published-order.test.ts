// Day-only stories are ordered where they are published (12:00 in the agency's zone), against the real daemon: a
// bulletin's day-only story and the agencies' timed feed stories of the same day come out in one order in Atom,
// RSS, JSON Feed and the HTML lists, and a bulletin day that is the 1st of a month in Brussels (still the last
// day of the month before in UTC at midnight) is in that month's archive and in `since` from that day.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { feedparserMany } from '../helpers/feed-tools.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const item = (title: string, text: string, guid: string, date: string) =>
  `<item><title>${esc(title)}</title><link>https://example.org/${guid}</link><description>${esc(text)}</description><pubDate>${date}</pubDate><guid isPermaLink="false">${guid}</guid></item>`;
const rss = (items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description>${items.join('')}</channel></rss>`;

// 9 October 2024: Brussels and Lisbon are on summer time (UTC+2, UTC+1).
const NATO_LATE = 'NATO Secretary General meets the President of Finland'; // 14:00 UTC, timed
const EUROPOL_DAY = 'Europol report on migrant smuggling networks published'; // a date-only pubDate: 12:00 Lisbon = 11:00 UTC
const NATO_BULLETIN = 'NATO Allies conclude annual nuclear deterrence exercise'; // a bulletin's day: 12:00 Brussels = 10:00 UTC
const EUROPOL_TIMED = 'Europol supports arrest of 12 suspects in investment fraud case'; // 09:00 UTC, timed
const NATO_EARLY = 'NATO Military Committee visits the Baltic states'; // 08:00 UTC, timed (10:00 in Brussels)
const NOVEMBER = 'NATO opens a liaison office in Geneva'; // a bulletin dated 1 November (Brussels): 11:00 UTC that day

const PUBLISHED_ORDER = [NOVEMBER, NATO_LATE, EUROPOL_DAY, NATO_BULLETIN, EUROPOL_TIMED, NATO_EARLY];

interface JsonFeed {
  items: { id: string; title: string; date_published: string }[];
}

/** Story titles linked from an HTML list page, in order. */
const listedTitles = (html: string) => [...html.matchAll(/<li><h[23]><a href="[^"]*\/stories\/[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('day-only stories come out where they are published', { timeout: 60_000 }, () => {
  let site: FixtureServer;
  let daemon: Daemon;
  const get = async (p: string) => {
    const res = await fetch(`${daemon.url}${p}`);
    expect(res.status, p).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    site = await start({ dir: path.join(import.meta.dirname, '../fixtures/feeds') });
    site.setFile(
      'nato.rss',
      rss([
        item(NATO_LATE, 'The Secretary General welcomed the President of Finland to NATO Headquarters for talks on support to Ukraine.', 'n-late', 'Wed, 09 Oct 2024 14:00:00 GMT'),
        item(NATO_EARLY, 'The Chair of the Military Committee travelled to Tallinn, Riga and Vilnius to meet the Chiefs of Defence.', 'n-early', 'Wed, 09 Oct 2024 08:00:00 GMT'),
      ]),
    );
    site.setFile(
      'europol.rss',
      rss([
        item(EUROPOL_DAY, 'The report maps the routes and methods of the criminal networks that smuggle migrants into the EU.', 'e-day', 'Wed, 09 Oct 2024'),
        item(EUROPOL_TIMED, 'Authorities from Spain and Germany arrested 12 suspects of a fraud scheme with 3,000 victims.', 'e-timed', 'Wed, 09 Oct 2024 09:00:00 GMT'),
      ]),
    );
    const ws = makeWorkspace(
      {
        nato: { name: 'NATO', timezone: 'Europe/Brussels', feeds: [{ url: `${site.url}/nato.rss` }] },
        europol: { name: 'Europol', timezone: 'Europe/Lisbon', feeds: [{ url: `${site.url}/europol.rss` }] },
      },
      [],
    );
    const drop = path.join(ws.feedsDir, 'bulletins');
    writeFileSync(
      path.join(drop, 'digest-2024-10-09.txt'),
      `${NATO_BULLETIN}\n\nSource: NATO\n\nAllies concluded the annual exercise Steadfast Noon, which involved 60 aircraft from thirteen Allied nations.\n`,
    );
    writeFileSync(
      path.join(drop, 'digest-2024-11-01.txt'),
      `${NOVEMBER}\n\nSource: NATO\n\nThe office will work with the United Nations and other international organisations based in Geneva.\n`,
    );
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1' });
    await waitFor(async () => ((await (await fetch(`${daemon.url}/feeds/all.json`)).json()) as JsonFeed).items.length === 6, 20_000, 'six stories');
  }, 40_000);

  afterAll(async () => {
    await daemon?.stop();
    await site?.close();
  });

  it('the merged feed in all three formats and the merged list: one order, newest published first', async () => {
    const json = JSON.parse(await get('/feeds/all.json')) as JsonFeed;
    expect(json.items.map((i) => i.title)).toEqual(PUBLISHED_ORDER);
    // The order is the one of the instants published.
    expect(json.items.map((i) => i.date_published)).toEqual([
      '2024-11-01T11:00:00.000Z',
      '2024-10-09T14:00:00.000Z',
      '2024-10-09T11:00:00.000Z',
      '2024-10-09T10:00:00.000Z',
      '2024-10-09T09:00:00.000Z',
      '2024-10-09T08:00:00.000Z',
    ]);
    const [atom, rssDoc] = feedparserMany([await get('/feeds/all.atom'), await get('/feeds/all.rss')]);
    expect(atom!.titles).toEqual(PUBLISHED_ORDER);
    expect(rssDoc!.titles).toEqual(PUBLISHED_ORDER);
    expect(listedTitles(await get('/news/all'))).toEqual(PUBLISHED_ORDER);
    // The front page's newest stories, in the same order.
    expect(listedTitles(await get('/')).slice(0, 5)).toEqual(PUBLISHED_ORDER.slice(0, 5));
  });

  it('one agency’s feed and list: the bulletin story between the timed stories of its day', async () => {
    const nato = [NOVEMBER, NATO_LATE, NATO_BULLETIN, NATO_EARLY];
    expect((JSON.parse(await get('/feeds/nato.json')) as JsonFeed).items.map((i) => i.title)).toEqual(nato);
    const [atom, rssDoc] = feedparserMany([await get('/feeds/nato.atom'), await get('/feeds/nato.rss')]);
    expect(atom!.titles).toEqual(nato);
    expect(rssDoc!.titles).toEqual(nato);
    expect(listedTitles(await get('/news/nato'))).toEqual(nato);
    // A search list and its feed: the same order.
    expect(listedTitles(await get('/news/nato?q=nato'))).toEqual(nato);
    expect((JSON.parse(await get('/feeds/nato.json?q=nato')) as JsonFeed).items.map((i) => i.title)).toEqual(nato);
  });

  it('archives and `since` use the day shown: 1 November in Brussels is November’s', async () => {
    const november = await get('/feeds/nato/archive/2024-11.atom');
    const october = await get('/feeds/nato/archive/2024-10.atom');
    const [nov, oct] = feedparserMany([november, october]);
    expect(nov!.titles).toEqual([NOVEMBER]);
    expect(oct!.titles).toEqual([NATO_LATE, NATO_BULLETIN, NATO_EARLY]);
    expect(listedTitles(await get('/news/nato/archive/2024-11'))).toEqual([NOVEMBER]);
    expect(listedTitles(await get('/news/all/archive/2024-10'))).toEqual(PUBLISHED_ORDER.slice(1));
    const months = await get('/news/nato/archive');
    expect(months).toContain('/news/nato/archive/2024-11');
    // since a day (UTC midnight): the stories published (or updated) from then on, as shown.
    expect((JSON.parse(await get('/feeds/all.json?since=2024-11-01')) as JsonFeed).items.map((i) => i.title)).toEqual([NOVEMBER]);
    expect((JSON.parse(await get('/feeds/all.json?since=2024-10-09T10:00:00Z')) as JsonFeed).items.map((i) => i.title)).toEqual(PUBLISHED_ORDER.slice(0, 4));
    expect(listedTitles(await get('/news/all?since=2024-10-09T10:00:00Z'))).toEqual(PUBLISHED_ORDER.slice(0, 4));
  });
});
