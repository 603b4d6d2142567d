// An article page's HTML → the press release's full text, or a refusal with a reason. Pure: text in, text out.
//
// `@mozilla/readability` (Firefox Reader View) over linkedom picks the article block; a per-agency CSS selector
// replaces that guess where it is wrong. Page furniture is trimmed from the extract (article-blocks.ts), and it
// is accepted only when the teaser we already hold opens it and it goes on past it (opening-match.ts): that is
// the evidence it is the same release, not a cookie wall, a home page or another release quoting ours.
// linkedom rather than jsdom: on a 200 KB page it was ~5× faster and held ~3× less heap (docs/PERFORMANCE.md).
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { sanitiseHtml } from '../stories/sanitise-html.js';
import { compactFold } from '../text/compact-fold.js';
import { blocksOf, trimFurniture, type Block } from './article-blocks.js';
import { matchOpening, MIN_MORE } from './opening-match.js';
import { evidenceVariants, teaserEvidence, teaserTextOfHtml } from './teaser-evidence.js';

export interface ExtractInput {
  html: string;
  /** The page's final URL (after redirects): relative links are resolved against it (or its `<base href>`). */
  url: string;
  /** Plain text of the teaser we hold. */
  teaser: string;
  /** The teaser as stored (HTML): when given, its blocks and links are read instead of `teaser` (read-more links, lists). */
  teaserHtml?: string;
  /** Per-agency CSS selector of the article body (feeds/agencies/<id>.json `fulltext.selector`). */
  selector?: string;
  /** Pages longer than this (characters) are not parsed at all: the DOM costs ~45× the page in heap (9 MB for 200 KB). */
  maxChars?: number;
  /** Also return what was stepped over and trimmed, and the extract's text (`pressroom fulltext --explain`). */
  explain?: boolean;
}

export type RefusalReason =
  | 'too-large'
  | 'not-html'
  | 'no-article'
  | 'selector-not-found'
  | 'no-teaser-text'
  | 'teaser-not-found'
  | 'teaser-not-at-opening'
  | 'listing'
  | 'not-fuller';

/** Why a page was judged as it was, block by block (only with `explain`). */
export interface ExtractTrace {
  /** The teaser's text as compared (read-more links and list markers dropped). */
  teaser: string;
  /** Blocks before and inside the teaser's span that were stepped over (headings, dates, captions, media). */
  skipped: string[];
  /** Page furniture trimmed from the start and end of the extract. */
  trimmed: string[];
  /** The extract's text, one block a line, after trimming. */
  text: string;
}

export type ExtractResult =
  | { kind: 'accepted'; html: string; textLength: number; published?: string; trace?: ExtractTrace }
  | { kind: 'refused'; reason: RefusalReason; message: string; published?: string; trace?: ExtractTrace };

export const DEFAULT_MAX_PAGE_CHARS = 2_000_000;

/** Below this many letters and digits, a teaser says nothing about which release a page is. */
export const MIN_EVIDENCE = 40;

export { compactFold, teaserEvidence };

export function extractArticle(input: ExtractInput): ExtractResult {
  const max = input.maxChars ?? DEFAULT_MAX_PAGE_CHARS;
  if (input.html.length > max) return refuse('too-large', `page longer than ${max} characters: not parsed`);
  // A PDF, an image or an office file served as text/html: its magic bytes, as decoded text.
  if (/^\s*(?:%PDF-|\u2030PNG|\u00ff\u00d8\u00ff|\ufffdPNG|GIF8[79]a|PK\u0003\u0004)/u.test(input.html.slice(0, 64)))
    return refuse('not-html', 'not a web page (a PDF, an image or an archive served as HTML): not parsed');
  const teaser = input.teaserHtml !== undefined ? teaserTextOfHtml(input.teaserHtml) : input.teaser;
  const evidences = evidenceVariants(teaser);
  const noEvidence = evidences[0]!.length < MIN_EVIDENCE;
  // Explaining still shows what would be extracted; otherwise the page is not worth parsing.
  if (noEvidence && !input.explain) return refuse('no-teaser-text', 'the teaser is too short to recognise the release by');

  const { document } = parseHTML(input.html);
  // Read before Readability, which rewrites the document as it works.
  const published = pageDate(document);
  const base = baseUrl(document, input.url);
  const dated = published ? { published } : {};
  // Whether the teaser is anywhere on the page, to say so when it is not at the article's opening: only asked on
  // a refusal, of the page as fetched (Readability rewrites the document it works on).
  let readable = false;
  const onPage = () => compactFold((readable ? parseHTML(input.html).document : document).body?.textContent ?? '').includes(evidences[0]!);

  let root: Element;
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
    root = el;
  } else {
    readable = true;
    // Classes kept for blocksOf (a caption marked by class); sanitising drops them from what is published.
    const article = new Readability(document as unknown as Document, { keepClasses: true }).parse();
    if (!article?.content) return { ...refuse('no-article', 'no article block found on the page'), ...dated };
    root = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body as unknown as Element;
  }

  const trimmed = trimFurniture(blocksOf(root));
  const blocks = trimmed.blocks;
  const m = noEvidence ? { found: false as const } : matchOpening(blocks, evidences);
  const trace = (skipped: readonly Block[]): { trace?: ExtractTrace } =>
    input.explain
      ? { trace: { teaser, skipped: skipped.map(quote), trimmed: trimmed.cut, text: blocks.filter((b) => b.kind !== 'media').map((b) => b.text).join('\n') } }
      : {};
  if (noEvidence) return { ...refuse('no-teaser-text', 'the teaser is too short to recognise the release by'), ...dated, ...trace([]) };
  if (!m.found) {
    return onPage()
      ? { ...refuse('teaser-not-at-opening', 'the teaser is on the page but does not open its article: another release quoting it'), ...dated, ...trace([]) }
      : { ...refuse('teaser-not-found', 'the page does not contain the teaser: another page'), ...dated, ...trace([]) };
  }
  // A newsroom or topic page lists releases, each under a heading that links to it: ours may be the first.
  if (blocks.filter((b) => b.kind === 'heading' && b.linkShare >= 0.8).length >= 2)
    return { ...refuse('listing', 'the page lists several releases under linked headings: not one release'), ...dated, ...trace(m.skipped) };
  if (m.more < MIN_MORE) return { ...refuse('not-fuller', 'the page has no more text than the teaser'), ...dated, ...trace(m.skipped) };
  const html = sanitiseHtml(root.innerHTML, base).trim();
  const textLength = blocks.reduce((n, b) => n + (b.kind === 'media' ? 0 : b.text.length + 1), 0);
  return { kind: 'accepted', html, textLength, ...dated, ...trace(m.skipped) };
}

const quote = (b: Block) => `${b.kind} "${b.text.length > 60 ? `${b.text.slice(0, 60)}…` : b.text}"`;

function refuse(reason: RefusalReason, message: string): Extract<ExtractResult, { kind: 'refused' }> {
  return { kind: 'refused', reason, message };
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
