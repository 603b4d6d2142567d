// The front page (every agency, its feeds in each format, its newest stories, autodiscovery links) and the OPML list.
import type { Story } from '../model.js';
import { stripXmlInvalid } from '../stories/xml-chars.js';
import { archiveUrl, monthName } from './archives.js';
import { feedUrl, storyUrl } from './render-feed.js';
import { storyDay } from './story-day.js';

/** Text or attribute value for HTML and XML: invalid characters dropped, markup and both quotes escaped. */
const esc = (s: string) => stripXmlInvalid(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

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
  /** Agency id → IANA zone: each story's day is shown in its agency's zone (default UTC). */
  zones?: Readonly<Record<string, string>>;
  /** HTML of one line under the header (e.g. "2 sources are failing"), already escaped; none when empty. */
  notice?: string;
}


export function renderFrontPage(page: FrontPage): string {
  const { baseUrl } = page;
  const perFeed = page.perFeed ?? 5;
  const discovery = [
    ...page.feeds.flatMap((f) =>
      FEED_FORMATS.map(([fmt, label, type]) => `<link rel="alternate" type="${type}" title="${esc(`${f.name} (${label})`)}" href="${esc(feedUrl(baseUrl, f.id, fmt))}">`),
    ),
    `<link rel="alternate" type="application/atom+xml" title="Source status (Atom)" href="${esc(baseUrl)}/feeds/status.atom">`,
  ].join('\n');
  const toc = page.feeds.map((f) => `<a href="#${esc(f.id)}">${esc(f.name)}</a>`).join(' · ');
  const sections = page.feeds
    .map((f) => {
      const links = FEED_FORMATS.map(([fmt, label]) => `<a href="${esc(feedUrl(baseUrl, f.id, fmt))}">${label}</a>`);
      if (f.newestArchive !== undefined)
        links.push(`<a href="${esc(archiveUrl(baseUrl, f.id, f.newestArchive))}">archive (${esc(monthName(f.newestArchive))})</a>`);
      const stories = f.stories.slice(0, perFeed);
      const list = stories.length
        ? `<ul>\n${stories
            .map((s) => {
              const d = storyDay(s, page.zones?.[s.agency]);
              const date = d === '' ? '' : ` <time datetime="${esc(d)}">${esc(d)}</time>`;
              return `<li><a href="${esc(storyUrl(baseUrl, s.id))}">${esc(s.title)}</a>${date}</li>`;
            })
            .join('\n')}\n</ul>`
        : '<p class="none">No stories yet.</p>';
      const count = `${f.total} stor${f.total === 1 ? 'y' : 'ies'}`;
      return `<section id="${esc(f.id)}">\n<h2>${esc(f.name)} <small>${count}</small></h2>\n<p class="feeds">${links.join(' · ')}</p>\n${list}\n</section>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pressroom: agency press releases</title>
${discovery}
<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${esc(baseUrl)}/feeds.opml">
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.4rem 0 .2rem}h2 small{font-weight:normal;color:#666;font-size:.8rem}
nav{font-size:.9rem;margin:.5rem 0}.feeds{margin:.2rem 0;font-size:.9rem}ul{padding-left:1.2rem}li{margin:.35rem 0;overflow-wrap:anywhere}
time{color:#666;font-size:.85rem;white-space:nowrap}a{color:#0b57d0}.none{color:#666}
</style>
</head>
<body>
<header>
<h1>Pressroom</h1>
<p>Press releases of security and law-enforcement agencies, one story per release, as Atom, RSS and JSON Feed.
<a href="${esc(baseUrl)}/feeds.opml">All feeds as OPML</a> · <a href="${esc(baseUrl)}/feeds/status.atom">Source status feed</a> · <a href="${esc(baseUrl)}/status.html">Source status</a></p>
<nav>${toc}</nav>
${page.notice ?? ''}
</header>
<main>
${sections}
</main>
</body>
</html>
`;
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
