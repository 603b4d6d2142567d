// Renders the server's own page for one story: the link target of items that have no upstream link.

import type { DateBasis, Story, StorySource } from '../model.js';
import { stripXmlInvalid } from '../stories/xml-chars.js';
import { langAttr } from './lang-attr.js';
import { renderLayout } from './layout.js';
import { listPath, subscribePath } from './page-urls.js';
import { feedUrl, httpUrl, storyUrl } from './render-feed.js';
import { firstLine } from './story-list.js';
import { isDayOnly, storyDay } from './story-day.js';
import { printableName } from '../text/printable.js';
import { redactSecrets } from '../text/redact-secrets.js';

export function renderStoryPage(story: Story, agencyName: string, baseUrl: string, timeZone?: string): string {
  const title = text(story.title);
  const published = validIso(story.published);
  const updated = validIso(story.updated);
  // A bulletin (or a date-only feed date) gives a day, not a time: shown as that day in the agency's zone. Its
  // `updated` carries the item's place in the bulletin (seconds after midnight), no change a reader should be told of.
  const dateOnly = isDayOnly(story, timeZone);
  // Shown only when the story changed after it was published (a teaser replaced, a correction).
  const showUpdated =
    updated !== undefined && published !== undefined && Date.parse(updated) - Date.parse(published) >= (dateOnly ? DAY_MS : 60_000);
  const upstream = httpUrl(story.link);
  // The story's own words (its title and text) in the language its source declared, the page's in the site's.
  const lang = langAttr(story.language);
  const lines = [
    `<p class="crumbs"><a href="${attr(baseUrl)}/">Agencies</a> › <a href="${attr(`${baseUrl}/#${story.agency}`)}">${text(agencyName)}</a> · <a href="${attr(baseUrl + listPath(story.agency))}">all its stories</a> · <a href="${attr(baseUrl + subscribePath(story.agency))}">subscribe</a></p>`,
    `<h1${lang}>${title}</h1>`,
    `<p class="meta">${text(agencyName)}${
      published === undefined
        ? ''
        : dateOnly
          ? ` · <time datetime="${attr(storyDay(story, timeZone))}">${text(humanDay(storyDay(story, timeZone)))}</time>`
          : ` · <time datetime="${attr(published)}">${text(humanDate(published))}</time>`
    }${showUpdated ? ` · updated <time datetime="${attr(updated)}">${text(humanDate(updated))}</time>` : ''}</p>`,
    `<p class="provenance">${dateProvenance(story)}</p>`,
    story.teaser
      ? '<p class="teaser-note">Only the start of this press release was published; the full text is at the source.</p>'
      : '',
    // Sanitised upstream (normalise); inserted as is.
    `<article${lang}>${stripXmlInvalid(story.contentHtml)}</article>`,
    upstream === undefined ? '' : `<p><a href="${attr(upstream)}" rel="noopener">Read the original press release</a></p>`,
    ...(story.sources.length === 0
      ? []
      : ['<footer class="sources">', '<p>Sources</p>', '<ul>', ...story.sources.map((s) => `<li>${sourceHtml(s)}</li>`), '</ul>', '</footer>']),
  ];
  const summary = firstLine(story.summary);
  return renderLayout({
    baseUrl,
    title: `${stripXmlInvalid(story.title)} — ${stripXmlInvalid(agencyName)}`,
    description: summary === '' ? `A press release of ${agencyName}.` : summary,
    head: [
      `<link rel="canonical" href="${attr(storyUrl(baseUrl, story.id))}">`,
      `<link rel="alternate" type="application/atom+xml" title="${attr(agencyName)} (Atom)" href="${attr(feedUrl(baseUrl, story.agency, 'atom'))}">`,
    ],
    main: lines.filter((l) => l !== '').join('\n'),
  });
}

function sourceHtml(source: StorySource): string {
  if (source.kind === 'bulletin') {
    return `Bulletin <code>${text(printableName(source.file))}</code>, line ${source.line}`;
  }
  const url = httpUrl(source.url);
  if (source.kind === 'page') {
    const page = url === undefined ? `<code>${text(source.url)}</code>` : `<a href="${attr(url)}">${text(source.url)}</a>`;
    return `Full text from the page ${page}, fetched ${text(source.fetchedAt)}`;
  }
  // The feed's URL is the operator's configuration and may carry credentials: shown redacted, and not linked then.
  const shown = redactSecrets(source.url);
  const feed = url === undefined || shown !== source.url ? `<code>${text(shown)}</code>` : `<a href="${attr(url)}">${text(source.url)}</a>`;
  return source.guid === undefined ? `Feed ${feed}` : `Feed ${feed}, guid <code>${text(source.guid)}</code>`;
}

const DAY_MS = 24 * 3600 * 1000;

const BASIS: Record<DateBasis, string> = {
  dateline: 'its dateline',
  header: 'the heading of the bulletin it came in',
  'file-name': 'the name of the bulletin file it came in',
  'file-time': 'the day the bulletin file it came in was saved',
};

/** Where the date shown came from, and a bulletin's day that disagrees with it. */
function dateProvenance(story: Story): string {
  let out: string;
  if (story.dateSource === 'feed') out = 'Date from the agency’s feed.';
  else if (story.dateSource === 'bulletin') out = `Date from ${BASIS[story.dateBasis ?? 'file-name']}; the source gives no time of day.`;
  else out = `No source gave a date${story.dateFlag === 'future' ? ' that could be believed (it was in the future)' : story.dateFlag === 'unparseable' ? ' that could be read' : ''}: this is when Pressroom first saw it.`;
  const c = story.dateConflict;
  if (c) out += ` The bulletin <code>${text(printableName(c.file))}</code> is dated ${text(humanDay(c.day))} (from ${BASIS[c.basis]}).`;
  return out;
}

/** "9 October 2024" for `2024-10-09`. */
function humanDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

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
