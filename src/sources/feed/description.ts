// Where an item's text is when its usual elements (RSS <description>/<content:encoded>, Atom <summary>/<content>)
// are empty: podcast, video and Dublin Core generators put it elsewhere.
import { escapeText, htmlOf } from './markup.js';
import { attr, child, childrenNamed, hasContent, type XElement } from './xml-tree.js';

/**
 * The order of preference (README "Feed mapping"), best first:
 *  1. `dc:description` (Dublin Core: the same meaning as RSS's description);
 *  2. `itunes:summary` (podcast feeds: the long text);
 *  3. `media:description` on the item, then inside `media:group`, then inside a `media:content` (Media RSS
 *     allows it at each level; YouTube's Atom puts it in `media:group`);
 *  4. `itunes:subtitle` (a one-line text).
 */
export function fallbackDescription(item: XElement): { html: string; el: XElement } | undefined {
  for (const name of ['dc:description', 'itunes:summary']) {
    const el = childrenNamed(item, name).find(hasContent);
    if (el) return { html: looseHtml(el), el };
  }
  const media = mediaDescription(item);
  if (media) return { html: attr(media, 'type')?.toLowerCase() === 'html' ? (htmlOf(media) ?? '') : plainToHtml(textOfEl(media)), el: media };
  const subtitle = childrenNamed(item, 'itunes:subtitle').find(hasContent);
  if (subtitle) return { html: looseHtml(subtitle), el: subtitle };
  return undefined;
}

function mediaDescription(item: XElement): XElement | undefined {
  const groups = childrenNamed(item, 'media:group');
  const contents = [...childrenNamed(item, 'media:content'), ...groups.flatMap((g) => childrenNamed(g, 'media:content'))];
  for (const holder of [item, ...groups, ...contents]) {
    const d = childrenNamed(holder, 'media:description').find(hasContent);
    if (d) return d;
  }
  return undefined;
}

/** The XHTML body module for RSS (`<body xmlns="http://www.w3.org/1999/xhtml">`): full content as markup. */
export function xhtmlBody(item: XElement): XElement | undefined {
  const body = child(item, 'xhtml:body');
  return body && hasContent(body) ? body : undefined;
}

/** Plain text by spec, HTML in practice: read as HTML when it holds markup, else as text. */
function looseHtml(el: XElement): string {
  const html = htmlOf(el) ?? '';
  // Bounded patterns: upstream text may be a megabyte of `<a` with no `>`, and every scan of it must stay linear.
  return el.children.some((c) => typeof c !== 'string') || /<[a-z!/]/i.test(html) || /&(?:#\d{1,8}|#x[0-9a-f]{1,8}|[a-z]{1,31}\d?);/i.test(html)
    ? html
    : plainToHtml(html);
}

function textOfEl(el: XElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : '')).join('');
}

/** Plain text as HTML: escaped, blank lines between paragraphs, line breaks kept. */
export function plainToHtml(text: string): string {
  // Line by line (no pattern that backtracks over a run of spaces): a blank line ends a paragraph.
  const paragraphs: string[][] = [[]];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line) paragraphs[paragraphs.length - 1]!.push(escapeText(line));
    else if (paragraphs[paragraphs.length - 1]!.length) paragraphs.push([]);
  }
  const html = paragraphs.filter((p) => p.length).map((p) => p.join('<br>'));
  return html.length > 1 ? html.map((p) => `<p>${p}</p>`).join('') : (html[0] ?? '');
}
