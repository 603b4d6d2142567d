// Atom 1.0 (RFC 4287) and the pre-standard Atom 0.3 feeds and entries → FeedItems.
import type { FeedItem } from '../../model.js';
import { decodeCharacterReferences } from '../../text/character-references.js';
import { languageTag } from '../../text/language-tag.js';
import { fallbackDescription } from './description.js';
import { atomAlternate, type Warn } from './links.js';
import { clean, cleanTitle, escapeAttr, htmlOf, htmlToText, plainText, unwrapXhtmlDiv } from './markup.js';
import { defined, joinDefined, unique } from './rss.js';
import { attr, child, childrenNamed, firstNonEmpty, hasContent, readXmlTree, textOf, type XElement } from './xml-tree.js';

export interface AtomFeed {
  title?: string;
  link?: string;
}

export function mapAtomFeed(feed: XElement): AtomFeed {
  return defined({ title: constructTitle(child(feed, 'title')), link: atomAlternate(childrenNamed(feed, 'link')) });
}

export function mapAtomEntry(entry: XElement, warn: Warn): FeedItem {
  const authors = childrenNamed(entry, 'author').map((a) => clean(plainText(textOf(child(a, 'name')) ?? textOf(a))));
  const categories = [
    ...childrenNamed(entry, 'category').map((c) => clean(plainText(attr(c, 'label') ?? attr(c, 'term') ?? textOf(c)))),
    ...childrenNamed(entry, 'dc:subject').map((c) => clean(plainText(textOf(c)))),
  ];
  const contentEl = childrenNamed(entry, 'content').find((c) => hasContent(c) && attr(c, 'src') === undefined);
  const summaryEl = childrenNamed(entry, 'summary').find(hasContent);
  const contentHtml = constructHtml(contentEl, warn, 'content');
  let summaryHtml = constructHtml(summaryEl, warn, 'summary');
  let textEl = summaryHtml ? summaryEl : undefined;
  if (!contentHtml && !summaryHtml) {
    const fallback = fallbackDescription(entry);
    summaryHtml = clean(fallback?.html);
    textEl = fallback?.el;
  }
  const bodyEl = contentHtml ? contentEl : textEl;
  return {
    kind: 'feed',
    ...defined({
      guid: clean(textOf(child(entry, 'id'))),
      link: atomAlternate(childrenNamed(entry, 'link'), warn),
      title: constructTitle(child(entry, 'title')),
      // Atom 0.3 named them issued (and created) and modified.
      published: clean(textOf(firstNonEmpty(entry, ['published', 'issued', 'created']))),
      updated: clean(textOf(firstNonEmpty(entry, ['updated', 'modified']))),
      contentHtml,
      summaryHtml,
      ...(contentHtml && contentEl?.baseDeclared ? { contentBase: contentEl.base } : {}),
      ...(summaryHtml && textEl?.baseDeclared ? { summaryBase: textEl.base } : {}),
      author: joinDefined(authors),
      // xml:lang in scope where the text is (content, entry, feed: RFC 4287 §2), else a dc:language.
      language: languageTag((bodyEl ?? entry).lang) ?? languageTag(textOf(firstNonEmpty(entry, ['dc:language']))),
    }),
    categories: unique(categories),
  };
}

type ConstructKind = 'text' | 'html' | 'xhtml' | 'xml' | 'other';

/**
 * What a text construct holds. Atom 1.0 (§3.1): type text, html or xhtml. Atom 0.3: a MIME type (text/plain by
 * default, text/html, application/xhtml+xml) and a mode: xml (inline, the default), escaped (markup as text) or
 * base64.
 */
function constructOf(el: XElement): { kind: ConstructKind; type: string; text?: string } {
  const mode = attr(el, 'mode')?.trim().toLowerCase();
  const type = (attr(el, 'type') ?? (mode !== undefined ? 'text/plain' : 'text')).trim().toLowerCase();
  const kind: ConstructKind =
    type === 'text' || type === 'text/plain'
      ? 'text'
      : type === 'html' || type === 'text/html'
        ? 'html'
        : type === 'xhtml' || type === 'application/xhtml+xml'
          ? 'xhtml'
          : /[+/]xml$/.test(type)
            ? 'xml'
            : 'other';
  if (mode === 'base64') return { kind, type, text: Buffer.from(textOf(el) ?? '', 'base64').toString('utf8') };
  // Escaped markup is markup as text: for an xhtml type, HTML as far as we are concerned.
  if (mode === 'escaped') return { kind: kind === 'xhtml' ? 'html' : kind, type, text: textOf(el) ?? '' };
  return { kind, type };
}

/** Atom text constructs as HTML, for content and summary; out-of-line content (src) has nothing to keep. */
function constructHtml(el: XElement | undefined, warn: Warn, what: string): string | undefined {
  if (!el || attr(el, 'src') !== undefined) return undefined;
  const c = constructOf(el);
  switch (c.kind) {
    case 'text':
      return clean(escapeAttr(clean(c.text ?? textOf(el)) ?? ''));
    case 'html':
      return clean(c.text ?? htmlOf(el));
    case 'xhtml': {
      const x = xhtmlOf(el);
      return clean(x.tree ? unwrapXhtmlDiv(x.tree) : x.source);
    }
    case 'xml':
      return clean(htmlOf(el));
    case 'other':
      warn(`${what} of type "${c.type}" ignored`);
      return undefined;
  }
}

/** Titles are plain text from the moment they are read: html and xhtml titles are reduced to their text. */
function constructTitle(el: XElement | undefined): string | undefined {
  if (!el) return undefined;
  const c = constructOf(el);
  if (c.kind === 'html') return cleanTitle(htmlToText(c.text ?? htmlOf(el) ?? ''));
  if (c.kind === 'xhtml') {
    const x = xhtmlOf(el);
    return cleanTitle(x.tree ? textOf(x.tree) : htmlToText(x.source));
  }
  if (c.kind === 'xml') return cleanTitle(textOf(el));
  return cleanTitle(decodeCharacterReferences(c.text ?? textOf(el) ?? ''));
}

/**
 * An xhtml construct. repair-xml.ts wrapped its inside in CDATA (marked `pressroom-xhtml`), so markup that is not
 * well-formed costs only this construct: it is read here as a fragment of its own, with the construct's xml:base;
 * when it cannot be read, its source without the wrapping div is used as HTML (the sanitiser copes).
 */
function xhtmlOf(el: XElement): { tree?: XElement; source: string } {
  if (attr(el, 'pressroom-xhtml') === undefined) return { tree: el, source: '' };
  const source = textOf(el) ?? '';
  const fragment = readXmlTree(`<fragment>${source}</fragment>`, el.base, { baseDeclared: el.baseDeclared });
  return fragment.ok ? { tree: fragment.root, source } : { source: unwrapDivSource(source) };
}

/** The source of an xhtml construct without its container div; a prefixed `xhtml:` namespace is dropped with it. */
function unwrapDivSource(markup: string): string {
  const m = /^\s*<(?:([A-Za-z_][\w.-]*):)?div\b[^>]*>([\s\S]*)<\/(?:[A-Za-z_][\w.-]*:)?div>\s*$/.exec(markup);
  if (!m) return markup;
  const inner = m[2] ?? '';
  // The prefix may hold a `.`: escaped, so `a.b:` does not also match `axb:`.
  return m[1] ? inner.replace(new RegExp(`(</?)${m[1].replace(/\./g, '\\.')}:`, 'g'), '$1') : inner;
}
