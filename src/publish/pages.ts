// The front page (every agency, its feeds in each format, its newest stories, autodiscovery links) and the OPML list.
import type { Story } from '../model.js';
import { monthName } from './archives.js';
import { esc, renderLayout } from './layout.js';
import { listPath, monthPath, monthsPath, subscribePath } from './page-urls.js';
import { feedUrl } from './render-feed.js';
import { searchForm, storyItem, type AgencyLabel } from './story-list.js';

export const FEED_FORMATS = [
  ['atom', 'Atom', 'application/atom+xml'],
  ['rss', 'RSS', 'application/rss+xml'],
  ['json', 'JSON Feed', 'application/feed+json'],
] as const;

/** One feed of the front page: the merged one ('all') or an agency's. */
export interface FrontPageFeed {
  id: string;
  name: string;
  /** Its newest stories, newest first (the page shows the first few). */
  stories: readonly Story[];
  /** Its newest archive month (`YYYY-MM`), if any story has a valid date. */
  newestArchive?: string;
  /** Every story of the feed, for the count. */
  total: number;
}

export interface FrontPage {
  baseUrl: string;
  feeds: readonly FrontPageFeed[];
  /** Stories listed per feed. */
  perFeed?: number;
  /** Names and zones of the agencies, for each story's label and day. */
  agencies?: Readonly<Record<string, AgencyLabel>>;
  /** HTML of one line above the agencies (e.g. "2 sources are failing"), already escaped; none when empty. */
  notice?: string;
}

export function renderFrontPage(page: FrontPage): string {
  const { baseUrl } = page;
  const b = esc(baseUrl);
  const perFeed = page.perFeed ?? 5;
  const labels = page.agencies ?? Object.fromEntries(page.feeds.map((f) => [f.id, { name: f.name }]));
  const discovery = [
    ...page.feeds.flatMap((f) =>
      FEED_FORMATS.map(([fmt, label, type]) => `<link rel="alternate" type="${type}" title="${esc(`${f.name} (${label})`)}" href="${esc(feedUrl(baseUrl, f.id, fmt))}">`),
    ),
    `<link rel="alternate" type="application/atom+xml" title="Source status (Atom)" href="${b}/feeds/status.atom">`,
    `<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${b}/feeds.opml">`,
  ];
  const toc = page.feeds.map((f) => `<li><a href="#${esc(f.id)}">${esc(f.name)}</a></li>`).join('');
  const sections = page.feeds
    .map((f) => {
      const count = `${f.total} stor${f.total === 1 ? 'y' : 'ies'}`;
      // The site's feed links lead to the subscribe page, which says what a feed address is for; the feeds
      // themselves are in the autodiscovery links above, for readers and browser extensions.
      const links = [
        `<a href="${esc(baseUrl + listPath(f.id))}">All ${count}</a>`,
        `<a href="${esc(baseUrl + monthsPath(f.id))}">Archive by month</a>`,
        ...(f.newestArchive !== undefined ? [`<a href="${esc(baseUrl + monthPath(f.id, f.newestArchive))}">${esc(monthName(f.newestArchive))}</a>`] : []),
        `<a href="${esc(baseUrl + subscribePath(f.id))}">Subscribe</a>`,
      ];
      const stories = f.stories.slice(0, perFeed);
      const list = stories.length
        ? `<ol class="stories">\n${stories.map((s) => storyItem(baseUrl, s, labels, 'h3')).join('\n')}\n</ol>`
        : '<p class="none">No stories yet.</p>';
      return `<section id="${esc(f.id)}">\n<h2><a href="${esc(baseUrl + listPath(f.id))}">${esc(f.name)}</a> <small>${count}</small></h2>\n<p class="feeds">${links.join(' · ')}</p>\n${list}\n</section>`;
    })
    .join('\n');
  const main = `<h1>Agency press releases</h1>
<p>Press releases of security and law-enforcement agencies, one story per release, to read here or to follow in a feed reader (<a href="${b}/subscribe">subscribe</a>).</p>
${page.notice ?? ''}
${searchForm(baseUrl, 'all', 'All agencies')}
<nav class="agencies" aria-label="Agencies"><ul>${toc}</ul></nav>
${sections}`;
  return renderLayout({
    baseUrl,
    title: 'Pressroom: agency press releases',
    exactTitle: true,
    description: 'Press releases of NATO, Europol, Eurojust and other agencies, merged into one story per release: read, search and subscribe (Atom, RSS, JSON Feed).',
    head: discovery,
    main,
    current: 'home',
  });
}

/**
 * OPML 2.0 (http://opml.org/spec2.opml): one subscription outline per feed, for importing them all at once.
 * No `<docs>` in the head although OPML 2.0 defines it: the W3C feed validator's OPML head (feedvalidator
 * opml.py, opmlHead) knows title, dateCreated, dateModified, ownerName/Email/Id, expansionState and the window
 * elements only, and reports any other element as UndefinedElement. `docs` is optional and no reader needs it.
 */
export function renderOpml(baseUrl: string, feeds: readonly { id: string; name: string }[], dateModified: string): string {
  const t = Date.parse(dateModified);
  const date = new Date(Number.isNaN(t) ? 0 : t).toUTCString();
  const outlines = feeds
    .map((f) => {
      const title = `${f.name} (Pressroom)`;
      return `    <outline type="rss" text="${esc(title)}" title="${esc(title)}" xmlUrl="${esc(feedUrl(baseUrl, f.id, 'atom'))}" htmlUrl="${esc(`${baseUrl}/#${f.id}`)}"/>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>Pressroom feeds</title>
    <dateCreated>${date}</dateCreated>
    <dateModified>${date}</dateModified>
  </head>
  <body>
${outlines}
  </body>
</opml>
`;
}
