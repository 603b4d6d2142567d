// HTML lists of stories: a feed's pages, its searches and its month archives, each item with its title, agency,
// day, a teaser-or-full-text mark and the first line of its summary.
import type { Story } from '../model.js';
import { monthName } from './archives.js';
import { langAttr, SITE_LANG } from './lang-attr.js';
import { esc, renderLayout } from './layout.js';
import type { Cursor, ListWindow } from './list-window.js';
import { listPath, monthPath, monthsPath, subscribePath, withQuery } from './page-urls.js';
import { storyUrl } from './render-feed.js';
import { humanDay } from './human-day.js';
import { storyDay } from './story-day.js';

export interface AgencyLabel {
  name: string;
  /** IANA zone the agency dates its releases in; a story's day is shown in it. */
  timezone?: string;
}

/** The summary's first line, cut at a word near 220 characters. */
export function firstLine(summary: string): string {
  const line = (summary.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim().replace(/\s+/g, ' ');
  if (line.length <= 220) return line;
  const cut = line.slice(0, 220);
  const space = cut.lastIndexOf(' ');
  return `${(space > 160 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

/** One list item; `heading` is the element of its title (h2 in a list page, h3 under the front page's h2). */
export function storyItem(baseUrl: string, s: Story, agencies: Readonly<Record<string, AgencyLabel>>, heading: 'h2' | 'h3'): string {
  const agency = agencies[s.agency];
  const day = storyDay(s, agency?.timezone);
  const date = day === '' ? '' : ` · <time datetime="${day}">${esc(humanDay(day))}</time>`;
  const mark = s.teaser ? '<span class="mark teaser">Teaser: opening lines only</span>' : '<span class="mark">Full text</span>';
  const summary = firstLine(s.summary);
  // A story in another language than the page's is marked so on its item (WCAG 3.1.2); the item's own words
  // (agency, day, mark) are the site's, and say so.
  const lang = langAttr(s.language);
  return `<li${lang}><${heading}><a href="${esc(storyUrl(baseUrl, s.id))}">${esc(s.title)}</a></${heading}>
<p class="meta"${lang === '' ? '' : ` lang="${SITE_LANG}"`}>${esc(agency?.name ?? s.agency)}${date} · ${mark}</p>${summary === '' ? '' : `\n<p class="summary">${esc(summary)}</p>`}</li>`;
}

export interface SearchTerms {
  q?: string;
  category?: string;
  /** As the reader typed it (`2024-10-09`), for the form. */
  since?: string;
}

/** The search form of a feed: a GET to its list, so it works without script and under `form-action 'self'`. */
export function searchForm(baseUrl: string, key: string, name: string, terms: SearchTerms = {}): string {
  const open = terms.category !== undefined || terms.since !== undefined;
  // A date field holds only YYYY-MM-DD: a date-time given in the URL is kept in a text field, not dropped.
  return `<form class="search" role="search" method="get" action="${esc(baseUrl + listPath(key))}">
<label for="q">Search ${esc(key === 'all' ? 'every agency’s stories' : `${name}’s stories`)} (title and summary)</label>
<input type="search" id="q" name="q" value="${esc(terms.q ?? '')}" maxlength="200">
<button type="submit">Search</button>
<details${open ? ' open' : ''}><summary>More filters</summary>
<label>Agency or category <input type="text" name="category" value="${esc(terms.category ?? '')}" maxlength="200"></label>
<label>Published or updated since <input type="${terms.since === undefined || /^\d{4}-\d{2}-\d{2}$/.test(terms.since) ? 'date' : 'text'}" name="since" value="${esc(terms.since ?? '')}"></label>
</details>
</form>`;
}

export interface ListPage {
  baseUrl: string;
  /** 'all' or an agency id. */
  key: string;
  /** "All agencies" or the agency's name. */
  name: string;
  agencies: Readonly<Record<string, AgencyLabel>>;
  window: ListWindow;
  /** The canonical filter query (`q=…`), '' for the plain list. */
  filter: string;
  terms: SearchTerms;
  /** A month archive page (`YYYY-MM`). */
  month?: string;
  /** Stories in the whole list (unfiltered lists only). */
  total?: number;
  /** The same month's Atom archive, when the month has closed. */
  atomArchive?: string;
  /** A month page's days, newest first, each with the cursor of the page it starts (see dayCursors). */
  days?: readonly { day: string; cursor?: Cursor }[];
}

export function renderListPage(p: ListPage): string {
  const { baseUrl, key, name, window: w } = p;
  const b = esc(baseUrl);
  const path = p.month === undefined ? listPath(key) : monthPath(key, p.month);
  const searching = p.filter !== '';
  const page = (c: Parameters<typeof withQuery>[2] | null) => esc(baseUrl + withQuery(path, p.filter, c ?? undefined));
  const scope = key === 'all' ? 'every agency' : name;

  let title: string;
  let heading: string;
  let description: string;
  if (searching) {
    const what = [p.terms.q !== undefined ? `“${p.terms.q}”` : '', p.terms.category !== undefined ? `in “${p.terms.category}”` : '', p.terms.since !== undefined ? `since ${p.terms.since}` : '']
      .filter((x) => x !== '')
      .join(' ');
    title = `Search ${what} — ${key === 'all' ? 'all agencies' : name}`;
    heading = `Stories of ${esc(scope)} matching ${esc(what)}`;
    description = `Press releases of ${scope} matching ${what}, newest first, with a feed to subscribe to.`;
  } else if (p.month !== undefined) {
    title = `${name}: ${monthName(p.month)}`;
    heading = `${esc(name)}: ${esc(monthName(p.month))}`;
    description = `Every press release of ${scope} published in ${monthName(p.month)} (UTC), newest first.`;
  } else {
    title = key === 'all' ? 'All agencies: press releases' : `${name} press releases`;
    heading = esc(title);
    description = `Every press release of ${scope} that Pressroom holds, newest first, ${w.stories.length === 0 ? '' : 'fifty to a page, '}with search and feeds to subscribe to.`;
  }
  const first = w.stories[0];
  const last = w.stories[w.stories.length - 1];
  const range = (() => {
    if (!first || !last) return '';
    const d1 = storyDay(first, p.agencies[first.agency]?.timezone);
    const d2 = storyDay(last, p.agencies[last.agency]?.timezone);
    const span = d1 && d2 ? (d1 === d2 ? humanDay(d1) : `${humanDay(d2)} to ${humanDay(d1)}`) : '';
    const count = w.offset !== undefined && p.total !== undefined ? `Stories ${w.offset + 1}–${w.offset + w.stories.length} of ${p.total}` : `${w.stories.length} ${w.stories.length === 1 ? 'story' : 'stories'}`;
    return `${count}${span ? `, ${span}` : ''}`;
  })();
  if (w.prev !== undefined && range !== '') title += ` (${range})`;

  const head: string[] = [];
  if (w.prev !== undefined) head.push(`<link rel="prev" href="${page(w.prev)}">`);
  if (w.next !== undefined) head.push(`<link rel="next" href="${page(w.next)}">`);
  head.push(`<link rel="alternate" type="application/atom+xml" title="${esc(searching ? title : `${name} (Atom)`)}" href="${b}/feeds/${esc(encodeURIComponent(key))}.atom${searching ? `?${esc(p.filter)}` : ''}">`);

  const crumbs = [`<a href="${b}/">Agencies</a>`];
  if (p.month !== undefined || searching || w.prev !== undefined) crumbs.push(`<a href="${esc(baseUrl + listPath(key))}">${esc(name)}</a>`);
  if (p.month !== undefined) crumbs.push(`<a href="${esc(baseUrl + monthsPath(key))}">Archive</a>`);

  const subscribeHref = esc(baseUrl + withQuery(subscribePath(key), p.filter));
  const tools = [
    `<a href="${subscribeHref}">${searching ? 'Subscribe to this search' : `Subscribe to ${esc(name)}`}</a>`,
    p.month === undefined ? `<a href="${esc(baseUrl + monthsPath(key))}">Archive by month</a>` : '',
    p.atomArchive !== undefined ? `<a href="${esc(p.atomArchive)}">This month as an Atom archive</a>` : '',
  ].filter((x) => x !== '');

  const items = w.stories.length
    ? `<ol class="stories">\n${w.stories.map((s) => storyItem(baseUrl, s, p.agencies, 'h2')).join('\n')}\n</ol>`
    : `<p class="none">${searching ? 'No story matches. Try fewer or shorter words, or another agency.' : 'No stories yet.'}</p>`;
  const pager =
    w.prev === undefined && w.next === undefined
      ? ''
      : `<nav class="pager" aria-label="Pages">${w.prev !== undefined ? `<a rel="prev" href="${page(w.prev)}">← Newer stories</a>` : '<span></span>'}${
          w.next !== undefined ? `<a rel="next" href="${page(w.next)}">Older stories →</a>` : ''
        }</nav>`;

  // A long month gets a row of its days, so a story is a click on its day and a page or two away.
  const days =
    p.days !== undefined && p.total !== undefined && p.total > w.stories.length
      ? `<nav class="days" aria-label="Days of ${esc(monthName(p.month ?? ''))}"><ul>${p.days
          .map((d) => `<li><a href="${page(d.cursor ?? null)}" aria-label="${esc(humanDay(d.day))}">${Number(d.day.slice(8))}</a></li>`)
          .join('')}</ul></nav>`
      : '';
  const main = [
    `<p class="crumbs">${crumbs.join(' › ')}</p>`,
    `<h1>${heading}</h1>`,
    `<p class="feeds">${tools.join(' · ')}</p>`,
    searchForm(baseUrl, key, name, p.terms),
    days,
    range === '' ? '' : `<p class="muted">${esc(range)}</p>`,
    items,
    pager,
  ]
    .filter((x) => x !== '')
    .join('\n');
  return renderLayout({ baseUrl, title, description, head, main, current: key === 'all' && p.month === undefined && !searching ? 'all' : undefined });
}

export interface MonthsPage {
  baseUrl: string;
  key: string;
  name: string;
  /** Months with stories, newest first, each with its count. */
  months: readonly { month: string; count: number }[];
}

/** The months of a feed that have stories, newest first: the HTML side of the RFC 5005 archive chain. */
export function renderMonthsPage(p: MonthsPage): string {
  const b = esc(p.baseUrl);
  const byYear = new Map<string, { month: string; count: number }[]>();
  for (const m of p.months) {
    const y = m.month.slice(0, 4);
    const year = byYear.get(y);
    if (year) year.push(m);
    else byYear.set(y, [m]);
  }
  const years = [...byYear]
    .map(
      ([y, ms]) =>
        `<h2>${esc(y)}</h2>\n<ul class="months">${ms
          .map((m) => `<li><a href="${esc(p.baseUrl + monthPath(p.key, m.month))}">${esc(monthName(m.month))}</a> <span class="muted">(${m.count})</span></li>`)
          .join('')}</ul>`,
    )
    .join('\n');
  const main = `<p class="crumbs"><a href="${b}/">Agencies</a> › <a href="${esc(p.baseUrl + listPath(p.key))}">${esc(p.name)}</a></p>
<h1>${esc(p.name)}: archive by month</h1>
<p>Each month lists every story published in it (UTC), as the feed’s Atom archives do.</p>
${years || '<p class="none">No stories yet.</p>'}`;
  return renderLayout({
    baseUrl: p.baseUrl,
    title: `${p.name}: archive by month`,
    description: `Every month of ${p.key === 'all' ? 'every agency’s' : `${p.name}’s`} press releases that Pressroom holds.`,
    main,
  });
}
