// Subscribe pages: where the site's feed links lead a person, with the feed's address ready to paste into a
// feed reader. The feed URLs themselves stay what they are, for the readers that poll them.
import { esc, renderLayout } from './layout.js';
import { listPath, withQuery } from './page-urls.js';
import { FEED_FORMATS } from './pages.js';
import { feedUrl } from './render-feed.js';

export interface SubscribeFeed {
  /** 'all' or an agency id. */
  key: string;
  name: string;
  /** The canonical query of a search (`q=…&since=…`), '' for the feed itself. */
  filter?: string;
  /** How the search reads ("matching “ransomware”"), for its heading. */
  describe?: string;
}

/** One feed's block: the Atom address in a field with a copy button, the other formats, one sentence of help. */
export function subscribeBlock(baseUrl: string, f: SubscribeFeed, headingLevel: 'h1' | 'h2' = 'h2'): string {
  const q = f.filter ? `?${f.filter}` : '';
  const id = `feed-${f.key}`;
  const atom = feedUrl(baseUrl, f.key, 'atom') + q;
  const others = FEED_FORMATS.filter(([fmt]) => fmt !== 'atom').map(([fmt, label]) => `<a href="${esc(feedUrl(baseUrl, f.key, fmt) + q)}">${label}</a>`);
  const title = `${f.name}${f.describe ? ` ${f.describe}` : ''}`;
  return `<section class="subscribe" id="${esc(f.key)}" aria-labelledby="${esc(id)}-h">
<${headingLevel} id="${esc(id)}-h">${headingLevel === 'h1' ? 'Subscribe to ' : ''}${esc(title)}</${headingLevel}>
<p>Paste this address into your feed reader (such as Thunderbird, NetNewsWire, Feedly or Inoreader) to get every new story as it is published.</p>
<label for="${esc(id)}">Atom feed address</label>
<div class="copy"><input id="${esc(id)}" type="text" readonly value="${esc(atom)}"><button type="button" data-copy="${esc(id)}" hidden>Copy address</button></div>
<p class="muted" id="${esc(id)}-status" role="status"></p>
<p class="feeds">The same feed as ${others.join(' or ')} · <a href="${esc(baseUrl + withQuery(listPath(f.key), f.filter ?? ''))}">read it here</a></p>
</section>`;
}

/** `/subscribe/<key>[?q=…]`: one feed, or one search's feed. */
export function renderSubscribePage(baseUrl: string, f: SubscribeFeed): string {
  const b = esc(baseUrl);
  const main = `<p class="crumbs"><a href="${b}/">Agencies</a> › <a href="${b}/subscribe">Subscribe</a></p>
${subscribeBlock(baseUrl, f, 'h1')}
<p>A feed reader checks the address for you and shows new stories as they come. To follow every feed at once, import <a href="${b}/feeds.opml">the OPML list of all feeds</a>.</p>`;
  const title = `Subscribe: ${f.name}${f.describe ? ` ${f.describe}` : ''}`;
  return renderLayout({
    baseUrl,
    title,
    description: `The feed address of ${f.name}${f.describe ? ` ${f.describe}` : ''} to paste into a feed reader, as Atom, RSS or JSON Feed.`,
    head: [`<link rel="alternate" type="application/atom+xml" title="${esc(title)}" href="${esc(feedUrl(baseUrl, f.key, 'atom') + (f.filter ? `?${f.filter}` : ''))}">`],
    main,
    copyScript: true,
  });
}

/** `/subscribe`: every feed's block, the merged one first, and the OPML. */
export function renderSubscribeIndex(baseUrl: string, feeds: readonly SubscribeFeed[]): string {
  const b = esc(baseUrl);
  const main = `<h1>Subscribe</h1>
<p>Each feed below has an address to paste into your feed reader. To follow all of them at once, import <a href="${b}/feeds.opml">the OPML list of all feeds</a> into your reader. A search has a feed too: search a list, then choose “Subscribe to this search”.</p>
<p class="feeds">${feeds.map((f) => `<a href="#${esc(f.key)}">${esc(f.name)}</a>`).join(' · ')}</p>
${feeds.map((f) => subscribeBlock(baseUrl, f)).join('\n')}`;
  return renderLayout({
    baseUrl,
    title: 'Subscribe to the feeds',
    description: 'Feed addresses of every agency Pressroom follows and of all of them merged, to paste into a feed reader; an OPML list of all.',
    main,
    current: 'subscribe',
    copyScript: true,
  });
}
