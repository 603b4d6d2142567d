// What of a teaser is evidence of which release a page is: its words, without the links and marks that feeds
// and bulletins add to a cut text ("Read more »", "Continue reading …", "[…]", list bullets) or its cut last word.
import { parseHTML } from 'linkedom';
import { compactFold } from '../text/compact-fold.js';
import { ELLIPSIS, LIST_MARKER, stripReadMore } from '../text/read-more.js';
import { blocksOf } from './article-blocks.js';

/** Plain text of a teaser held as HTML (a feed's description, a bulletin item): its blocks, one a line, links' read-more dropped. */
export function teaserTextOfHtml(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const body = document.body as unknown as Element;
  const links = [...body.querySelectorAll('a')].map((a) => (a.textContent ?? '').replace(/\s+/g, ' ').trim());
  const text = blocksOf(body)
    .filter((b) => b.kind !== 'media')
    .map((b) => b.text)
    .join('\n');
  return stripReadMore(text, links.slice(-2));
}

/**
 * What of the teaser must be found on the page: its text without a closing read-more, without list markers,
 * without the trailing ellipsis, and without the last word when there was one (a teaser is cut wherever its
 * length ran out, often mid-word: "strengthen deter…"). Folded to letters and digits (compactFold).
 */
export function teaserEvidence(teaser: string): string {
  let t = stripReadMore(teaser.normalize('NFKC')).replace(LIST_MARKER, '').trim();
  if (ELLIPSIS.test(t)) {
    t = t.replace(ELLIPSIS, '').trimEnd();
    const space = t.search(/\s\S*$/);
    if (space > 0) t = t.slice(0, space);
  }
  return compactFold(t);
}

// "Brussels, 9 October 2024 – ", "THE HAGUE (9 Oct) - ", "BRUSSELS – ": a dateline one copy has and the other not.
const DATELINE = [
  /^\s*(?:[\p{Lu}][\p{L}.'’ -]{1,40},?\s*)?\(?(?:\d{1,2}(?:st|nd|rd|th)?\.?\s+\p{L}{3,}\.?|\p{L}{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?)(?:,?\s+\d{4})?\)?\s*[–—-]+\s*/u,
  /^\s*\p{Lu}{3,}(?:[ -]\p{Lu}{2,})*\s*(?:\([^)]{1,40}\))?\s*[–—-]+\s*/u,
];

/** The teaser's evidence, and again without an opening dateline when it has one. */
export function evidenceVariants(teaser: string): string[] {
  const full = teaserEvidence(teaser);
  const out = [full];
  for (const re of DATELINE) {
    const m = re.exec(teaser);
    if (m && m[0].length < teaser.length) {
      const rest = teaserEvidence(teaser.slice(m[0].length));
      if (rest !== full && !out.includes(rest)) out.push(rest);
    }
  }
  return out;
}
