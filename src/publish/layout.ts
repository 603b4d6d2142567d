// The one page layout of the site (front, lists, search, archives, subscribe, story and status pages): <head>,
// skip link, site navigation, main landmark, footer, and the links to the stylesheet and the copy script.
import { stripXmlInvalid } from '../stories/xml-chars.js';
import { SITE_LANG } from './lang-attr.js';
import { CSS_VERSION, JS_VERSION } from './site-assets.js';

/** Text or attribute value for HTML: invalid characters dropped, markup and both quotes escaped. */
export const esc = (s: string) => stripXmlInvalid(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PageLayout {
  baseUrl: string;
  /** The tab's title, without the site name (added after it); the front page passes its own whole title. */
  title: string;
  /** The whole <title> as given, no site name added. */
  exactTitle?: boolean;
  /** <meta name="description">: what a search result or a shared link shows under the title. */
  description: string;
  /** Extra <head> lines, already escaped: autodiscovery, canonical, rel=prev/next. */
  head?: readonly string[];
  /** The <main> content, already escaped. */
  main: string;
  /** Which site-navigation entry is the current page, for aria-current. */
  current?: 'home' | 'all' | 'subscribe' | 'status';
  /** Loads /assets/copy.js (subscribe pages only). */
  copyScript?: boolean;
}

export function renderLayout(p: PageLayout): string {
  const b = esc(p.baseUrl);
  const nav = [
    ['home', '/', 'Agencies'],
    ['all', '/news/all', 'All stories'],
    ['subscribe', '/subscribe', 'Subscribe'],
    ['status', '/status.html', 'Source status'],
  ]
    .map(([id, path, label]) => `<li><a href="${b}${path}"${p.current === id ? ' aria-current="page"' : ''}>${label}</a></li>`)
    .join('');
  const title = p.exactTitle ? p.title : `${p.title} — Pressroom`;
  return `<!DOCTYPE html>
<html lang="${SITE_LANG}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<meta name="description" content="${esc(p.description)}">
<meta name="color-scheme" content="light dark">
<link rel="stylesheet" href="${b}/assets/site.css?v=${CSS_VERSION}">
${(p.head ?? []).join('\n')}${p.copyScript ? `\n<script src="${b}/assets/copy.js?v=${JS_VERSION}" defer></script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="${b}/">Pressroom</a>
<nav aria-label="Site"><ul>${nav}</ul></nav>
</header>
<main id="main">
${p.main}
</main>
<footer>
<p>Pressroom republishes the press releases of the agencies it follows, one story per release. <a href="${b}/feeds.opml">All feeds as OPML</a> · <a href="${b}/feeds/status.atom">Source status feed</a></p>
</footer>
</body>
</html>
`;
}
