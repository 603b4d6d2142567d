// The front page: every agency with its feeds in each format, its newest stories, and autodiscovery links.
import type { Story } from '../model.js';
import { feedUrl, storyUrl } from './render-feed.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const FORMAT_NAMES = [
  ['atom', 'Atom', 'application/atom+xml'],
  ['rss', 'RSS', 'application/rss+xml'],
  ['json', 'JSON Feed', 'application/feed+json'],
] as const;

export function renderFrontPage(baseUrl: string, agencies: readonly { id: string; name: string }[], sorted: readonly Story[], perAgency = 5): string {
  const feeds = [{ id: 'all', name: 'All agencies' }, ...agencies];
  const discovery = feeds
    .flatMap((f) => FORMAT_NAMES.map(([fmt, label, type]) => `<link rel="alternate" type="${type}" title="${esc(`${f.name} (${label})`)}" href="${esc(feedUrl(baseUrl, f.id, fmt))}">`))
    .join('\n');
  const sections = feeds
    .map((f) => {
      const stories = (f.id === 'all' ? sorted : sorted.filter((s) => s.agency === f.id)).slice(0, perAgency);
      const links = FORMAT_NAMES.map(([fmt, label]) => `<a href="${esc(feedUrl(baseUrl, f.id, fmt))}">${label}</a>`).join(' · ');
      const list = stories.length
        ? `<ul>${stories
            .map((s) => `<li><a href="${esc(storyUrl(baseUrl, s.id))}">${esc(s.title)}</a> <time datetime="${esc(s.published)}">${esc(s.published.slice(0, 10))}</time></li>`)
            .join('')}</ul>`
        : '<p class="none">No stories yet.</p>';
      return `<section id="${esc(f.id)}"><h2>${esc(f.name)}</h2><p class="feeds">${links}</p>${list}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pressroom: agency press releases</title>
${discovery}
<link rel="outline" type="text/x-opml" title="All feeds (OPML)" href="${esc(baseUrl)}/feeds.opml">
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:0 auto;padding:1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-bottom:.2rem}
.feeds{margin:.2rem 0;font-size:.9rem}ul{padding-left:1.2rem}li{margin:.3rem 0}
time{color:#666;font-size:.85rem;white-space:nowrap}a{color:#0645ad}.none{color:#666}
</style>
</head>
<body>
<h1>Pressroom</h1>
<p>Press releases of security and law-enforcement agencies, one story per release, as RSS, Atom and JSON Feed.
<a href="${esc(baseUrl)}/feeds.opml">All feeds as OPML</a> · <a href="${esc(baseUrl)}/status">Source status</a></p>
${sections}
</body>
</html>
`;
}

/** OPML 2.0: one outline per feed, for importing every feed into a reader at once. */
export function renderOpml(baseUrl: string, agencies: readonly { id: string; name: string }[], dateCreated: string): string {
  const x = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const outlines = [{ id: 'all', name: 'All agencies' }, ...agencies]
    .map((a) => `    <outline type="rss" text="${x(a.name)}" title="${x(a.name)}" xmlUrl="${x(feedUrl(baseUrl, a.id, 'atom'))}" htmlUrl="${x(baseUrl)}/#${x(a.id)}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>Pressroom feeds</title>
    <dateCreated>${x(new Date(dateCreated).toUTCString())}</dateCreated>
  </head>
  <body>
${outlines}
  </body>
</opml>
`;
}
