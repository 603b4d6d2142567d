// Renders the server's own page for one story: the link target of items that have no upstream link.

import type { Story, StorySource } from '../model.js';
import { stripXmlInvalid } from '../stories/xml-chars.js';
import { feedUrl, httpUrl, storyUrl } from './render-feed.js';

const CSS = `
body{font:1.05rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.45rem;line-height:1.25;margin:.5rem 0}
nav{font-size:.9rem;margin:0 0 .5rem}
.meta{color:#555;font-size:.9rem;margin:0 0 1rem}
.teaser{background:#fff7e0;border-left:3px solid #e0a800;padding:.4rem .7rem;font-size:.9rem}
article{overflow-wrap:anywhere}
article img{max-width:100%;height:auto}
footer{border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem;font-size:.85rem;color:#555}
footer ul{padding-left:1.2rem}
code{overflow-wrap:anywhere}
a{color:#0b57d0}
`.trim();

export function renderStoryPage(story: Story, agencyName: string, baseUrl: string): string {
  const title = text(story.title);
  const published = validIso(story.published);
  const updated = validIso(story.updated);
  // Shown only when the story changed after it was published (a teaser replaced, a correction).
  const showUpdated = updated !== undefined && published !== undefined && Date.parse(updated) - Date.parse(published) >= 60_000;
  const upstream = httpUrl(story.link);
  const lines = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title} — ${text(agencyName)}</title>`,
    `<link rel="canonical" href="${attr(storyUrl(baseUrl, story.id))}">`,
    `<link rel="alternate" type="application/atom+xml" title="${attr(agencyName)} (Atom)" href="${attr(feedUrl(baseUrl, story.agency, 'atom'))}">`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<nav><a href="${attr(baseUrl)}/">Pressroom</a> › <a href="${attr(`${baseUrl}/#${story.agency}`)}">${text(agencyName)}</a></nav>`,
    '<main>',
    `<h1>${title}</h1>`,
    `<p class="meta">${text(agencyName)}${
      published === undefined ? '' : ` · <time datetime="${attr(published)}">${text(humanDate(published))}</time>`
    }${showUpdated ? ` · updated <time datetime="${attr(updated)}">${text(humanDate(updated))}</time>` : ''}</p>`,
    story.teaser
      ? '<p class="teaser">Only the start of this press release was published; the full text is at the source.</p>'
      : '',
    // Sanitised upstream (normalise); inserted as is.
    `<article>${stripXmlInvalid(story.contentHtml)}</article>`,
    upstream === undefined ? '' : `<p><a href="${attr(upstream)}" rel="noopener">Read the original press release</a></p>`,
    '</main>',
    ...(story.sources.length === 0
      ? []
      : ['<footer>', '<p>Sources</p>', '<ul>', ...story.sources.map((s) => `<li>${sourceHtml(s)}</li>`), '</ul>', '</footer>']),
    '</body>',
    '</html>',
  ];
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

function sourceHtml(source: StorySource): string {
  if (source.kind === 'bulletin') {
    return `Bulletin <code>${text(source.file)}</code>, line ${source.line}`;
  }
  const url = httpUrl(source.url);
  if (source.kind === 'page') {
    const page = url === undefined ? `<code>${text(source.url)}</code>` : `<a href="${attr(url)}">${text(source.url)}</a>`;
    return `Full text from the page ${page}, fetched ${text(source.fetchedAt)}`;
  }
  const feed = url === undefined ? `<code>${text(source.url)}</code>` : `<a href="${attr(url)}">${text(source.url)}</a>`;
  return source.guid === undefined ? `Feed ${feed}` : `Feed ${feed}, guid <code>${text(source.guid)}</code>`;
}

/** Text for HTML: controls and lone surrogates removed, markup characters escaped. */
function text(s: string): string {
  return stripXmlInvalid(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}

function validIso(s: string): string | undefined {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "8 October 2024, 14:05 UTC": fixed locale and zone, so the page is the same bytes on every machine. */
function humanDate(iso: string): string {
  const d = new Date(iso);
  const months = [
    'January', 'February', 'March', 'April', 'May', 'June',
    'July', 'August', 'September', 'October', 'November', 'December',
  ];
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}
