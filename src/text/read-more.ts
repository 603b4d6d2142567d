// The links and phrases that close a cut text and point at the rest ("Read more »"): not words of the release.

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
export const ELLIPSIS = /(?:…|\.\.\.|\[(?:…|\.\.\.)\]|\((?:…|\.\.\.)\))\s*$/u;
/** A list item's marker written as text ("• item", "1. item", "- item"): markup, not words of the release. */
export const LIST_MARKER = /^[ \t]*(?:\d{1,3}[.)]|[a-z][.)]|[•◦▪‣●*–-])[ \t]+/gmu;

/** The teaser's text without the closing read-more phrase, link or footer; `moreLinks` are its links' texts. */
export function stripReadMore(text: string, moreLinks: readonly string[] = []): string {
  let t = text.trimEnd();
  for (let round = 0; round < 3; round++) {
    const before = t;
    t = t.replace(APPEARED_FIRST, '').replace(READ_MORE, '').trimEnd();
    const link = moreLinks.find((l) => l !== '' && t.endsWith(l) && (MORE_LINK.test(l) || READ_MORE.test(` ${l}`)));
    if (link) t = t.slice(0, t.length - link.length).trimEnd();
    // Separators left before the phrase ("… | Read more"), trimmed without a regex scan (a run of spaces
    // mid-text would cost its length squared to an unanchored `[\s|:·]+$`).
    let end = t.length;
    while (end > 0 && /[\s|:·]/u.test(t[end - 1]!)) end--;
    t = t.slice(0, end);
    if (t === before) break;
  }
  return t;
}

