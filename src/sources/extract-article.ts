// An article page's HTML → the press release's full text, or a refusal with a reason. Pure: text in, text out.
//
// `@mozilla/readability` (Firefox Reader View) over linkedom picks the article block; a per-agency CSS selector
// replaces that guess where it is wrong. The extract is accepted only when it contains the teaser we already
// hold: that is the evidence it is the same release, not a cookie wall, a home page or another release.
// linkedom rather than jsdom: on a 200 KB page it was ~5× faster and held ~3× less heap (docs/PERFORMANCE.md).
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { sanitiseHtml } from '../stories/sanitise-html.js';

export interface ExtractInput {
  html: string;
  /** The page's final URL (after redirects): relative links are resolved against it (or its `<base href>`). */
  url: string;
  /** Plain text of the teaser we hold. */
  teaser: string;
  /** Per-agency CSS selector of the article body (feeds/agencies/<id>.json `fulltext.selector`). */
  selector?: string;
  /** Pages longer than this (characters) are not parsed at all: the DOM costs ~45× the page in heap (9 MB for 200 KB). */
  maxChars?: number;
}

export type RefusalReason =
  | 'too-large'
  | 'no-article'
  | 'selector-not-found'
  | 'no-teaser-text'
  | 'teaser-not-found'
  | 'not-fuller';

export type ExtractResult =
  | { kind: 'accepted'; html: string; textLength: number; published?: string }
  | { kind: 'refused'; reason: RefusalReason; message: string; published?: string };

export const DEFAULT_MAX_PAGE_CHARS = 2_000_000;

/** Below this many letters and digits, a teaser says nothing about which release a page is. */
export const MIN_EVIDENCE = 40;

export function extractArticle(input: ExtractInput): ExtractResult {
  const max = input.maxChars ?? DEFAULT_MAX_PAGE_CHARS;
  if (input.html.length > max) return refuse('too-large', `page longer than ${max} characters: not parsed`);
  const evidence = teaserEvidence(input.teaser);
  if (evidence.length < MIN_EVIDENCE) return refuse('no-teaser-text', 'the teaser is too short to recognise the release by');

  const { document } = parseHTML(input.html);
  // Read before Readability, which rewrites the document as it works.
  const published = pageDate(document);
  const base = baseUrl(document, input.url);
  const dated = published ? { published } : {};

  let content: string;
  let text: string;
  if (input.selector) {
    let el: Element | null = null;
    try {
      el = document.querySelector(input.selector);
    } catch {
      el = null;
    }
    if (!el) return { ...refuse('selector-not-found', `no element matches ${input.selector}`), ...dated };
    // Their text is not the article's (sanitising drops them too): not evidence either.
    for (const n of el.querySelectorAll('script, style, noscript, template, textarea, select')) n.remove();
    content = el.innerHTML;
    text = el.textContent ?? '';
  } else {
    const article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
    if (!article?.content) return { ...refuse('no-article', 'no article block found on the page'), ...dated };
    content = article.content;
    text = article.textContent ?? '';
  }

  // The teaser is looked for in the DOM's text of the block (folding ignores where blocks meet), which costs
  // nothing here; turning the sanitised HTML back into text would double the time on a 200 KB page.
  const folded = compactFold(text);
  if (!folded.includes(evidence)) return { ...refuse('teaser-not-found', 'the page does not contain the teaser: another page'), ...dated };
  if (folded.length <= evidence.length) return { ...refuse('not-fuller', 'the page has no more text than the teaser'), ...dated };
  const html = sanitiseHtml(content, base).trim();
  return { kind: 'accepted', html, textLength: text.replace(/\s+/g, ' ').trim().length, ...dated };
}

function refuse(reason: RefusalReason, message: string): Extract<ExtractResult, { kind: 'refused' }> {
  return { kind: 'refused', reason, message };
}

/**
 * Text folded so that two renderings of one text compare equal: NFKC, lower case, no quotes of any kind, and
 * no punctuation, symbols or white space at all. Bulletins glue sentences ("drugs.The operation") and titles
 * to text; pages set “curly” quotes, non-breaking spaces and &nbsp;-padded dashes: all fold away.
 */
export function compactFold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\p{Cc}\s]+/gu, '');
}

/**
 * What of the teaser must be found on the page: its text without the trailing ellipsis, and without the last
 * word when there was one (a teaser is cut wherever its length ran out, often mid-word: "strengthen deter…").
 */
export function teaserEvidence(teaser: string): string {
  let t = teaser.normalize('NFKC').trim();
  const cut = /(?:…|\.\.\.)\s*$/.test(t);
  if (cut) {
    t = t.replace(/(?:…|\.\.\.)\s*$/, '').trimEnd();
    const space = t.search(/\s\S*$/);
    if (space > 0) t = t.slice(0, space);
  }
  return compactFold(t);
}

/** `<base href>` when the page declares one (relative links are relative to it), else the page URL. */
function baseUrl(document: Document, pageUrl: string): string {
  const href = document.querySelector('base[href]')?.getAttribute('href');
  if (!href) return pageUrl;
  try {
    return new URL(href, pageUrl).href;
  } catch {
    return pageUrl;
  }
}

/**
 * The page's own publication date, in the order a publisher states it most deliberately: Open Graph
 * `article:published_time`, then schema.org JSON-LD `datePublished`, then a `<time datetime>` inside the
 * `<article>` (or the page's only one: a sidebar's list of related releases has dates of other releases).
 */
export function pageDate(document: Document): string | undefined {
  const meta = document.querySelector('meta[property="article:published_time"], meta[name="article:published_time"]')?.getAttribute('content');
  const fromMeta = isoDate(meta);
  if (fromMeta) return fromMeta;
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    const found = isoDate(datePublishedIn(safeJson(script.textContent ?? ''), 0));
    if (found) return found;
  }
  const inArticle = document.querySelector('article time[datetime]');
  const all = document.querySelectorAll('time[datetime]');
  const time = inArticle ?? (all.length === 1 ? all[0] : undefined);
  return isoDate(time?.getAttribute('datetime'));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first `datePublished` string in a JSON-LD value (an object, an array, or an `@graph`), depth-limited. */
function datePublishedIn(value: unknown, depth: number): string | undefined {
  if (depth > 4 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const d = datePublishedIn(v, depth + 1);
      if (d) return d;
    }
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.datePublished === 'string') return obj.datePublished;
  return datePublishedIn(obj['@graph'], depth + 1);
}

/** An ISO 8601 date or date-time (a date alone is that day, UTC) as an ISO string; anything else undefined. */
function isoDate(raw: string | null | undefined): string | undefined {
  const text = raw?.trim();
  if (!text || !/^\d{4}-\d{2}-\d{2}(?:$|[T ]\d{2}:\d{2})/.test(text)) return undefined;
  const iso = text.replace(' ', 'T');
  // A time without a zone is read as UTC: the machine's own zone says nothing about the publisher's.
  const ms = Date.parse(/T[\d:.]+$/.test(iso) ? `${iso}Z` : iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
