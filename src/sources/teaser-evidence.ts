// What of a teaser is evidence of which release a page is: its words, without the links and marks that feeds
// and bulletins add to a cut text ("Read more »", "Continue reading …", "[…]", list bullets) or its cut last word.
import { parseHTML } from 'linkedom';
import { compactFold } from '../text/compact-fold.js';
import { blocksOf } from './article-blocks.js';

// A link or a phrase closing a teaser that points at the rest of the text, in the agencies' languages. "Continue
// reading <title> →" is WordPress's; "The post … appeared first on …" its feed footer.
const READ_MORE = new RegExp(
  '(?:^|[\\s.…:|])(?:' +
    [
      'read more', 'read the (?:full|whole|complete) (?:story|article|text|release|press release|statement|news)', 'read full (?:story|article|text|release)',
      'continue reading(?: [^\\n]{0,120}?)?', 'full story', 'more info(?:rmation)?', 'learn more', 'find out more', 'view more', 'see more',
      'en savoir plus', 'lire la suite', 'lire plus', 'weiterlesen', 'mehr lesen', 'mehr erfahren', 'zum artikel', 'leer más', 'seguir leyendo',
      'leggi (?:tutto|di più|l\'articolo)', 'lees meer', 'lees verder', 'ler mais', 'saiba mais', 'czytaj więcej', 'läs mer', 'les mer', 'læs mere', 'lue lisää',
    ].join('|') +
    ')\\s*(?:[»›→>…]+|\\.\\.\\.|\\((?:…|\\.\\.\\.)\\)|\\[(?:…|\\.\\.\\.)\\])?\\s*$',
  'iu',
);
const APPEARED_FIRST = /The post .{1,400} appeared first on .{1,200}?\.?\s*$/isu;
/** Link texts that only ever point at the rest: "more", "»", "here" (at the very end of a teaser). */
const MORE_LINK = /^(?:more|[»›→>]+|here|click here|…|\.\.\.|\[(?:…|\.\.\.)\]|mehr|plus|más|meer)$/iu;
const ELLIPSIS = /(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\((?:…|\.\.\.)\))\s*$/u;
/** A list item's marker written as text ("• item", "1. item", "- item"): markup, not words of the release. */
const LIST_MARKER = /^[ \t]*(?:\d{1,3}[.)]|[a-z][.)]|[•◦▪‣●*–-])[ \t]+/gmu;

/** The teaser's text without the closing read-more phrase, link or footer; `moreLinks` are its links' texts. */
export function stripReadMore(text: string, moreLinks: readonly string[] = []): string {
  let t = text.trimEnd();
  for (let round = 0; round < 3; round++) {
    const before = t;
    t = t.replace(APPEARED_FIRST, '').replace(READ_MORE, '').trimEnd();
    const link = moreLinks.find((l) => l !== '' && t.endsWith(l) && (MORE_LINK.test(l) || READ_MORE.test(` ${l}`)));
    if (link) t = t.slice(0, t.length - link.length).trimEnd();
    t = t.replace(/[\s|:·]+$/u, '');
    if (t === before) break;
  }
  return t;
}

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
