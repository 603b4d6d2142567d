// RSS 0.9x, 2.0 and 1.0 (RDF) channels and items → FeedItems: what each element means, and where else feeds put it.
import type { FeedItem } from '../../model.js';
import { languageTag } from '../../text/language-tag.js';
import { fallbackDescription, xhtmlBody } from './description.js';
import { absoluteLink, atomAlternate, type Warn } from './links.js';
import { childrenHtml, clean, cleanTitle, htmlOf, plainText } from './markup.js';
import { attr, child, childrenNamed, firstNonEmpty, hasContent, textOf, type XElement } from './xml-tree.js';

export interface RssChannel {
  title?: string;
  link?: string;
  /** The channel's declared language: `<language>`, else `dc:language`, else an xml:lang in scope. */
  language?: string;
}

export function mapRssChannel(channel: XElement | undefined): RssChannel {
  if (!channel) return {};
  const linkEl = child(channel, 'link');
  return defined({
    title: cleanTitle(plainText(textOf(firstNonEmpty(channel, ['title', 'dc:title'])))),
    link: absoluteLink(textOf(linkEl) ?? attr(linkEl, 'href'), linkEl?.base ?? channel.base),
    // Hybrid feeds declare the channel language with <dc:language> instead of <language>.
    language: languageTag(textOf(firstNonEmpty(channel, ['language', 'dc:language']))) ?? languageTag(channel.lang),
  });
}

export function mapRssItem(item: XElement, channel: RssChannel, warn: Warn): FeedItem {
  const linkEl = firstNonEmpty(item, ['link']);
  const linkText = clean(textOf(linkEl)) ?? clean(attr(child(item, 'link'), 'href'));
  let link = absoluteLink(linkText, linkEl?.base ?? item.base);
  if (linkText && !link) warn(`link "${linkText}" dropped: cannot be made absolute`);
  link ??= atomAlternate(childrenNamed(item, 'atom:link'));
  const guidEl = firstNonEmpty(item, ['guid']);
  const guidText = clean(textOf(guidEl));
  // RSS 1.0 names each item by its rdf:about URI; RSS 2.0 by <guid>.
  const about = clean(attr(item, 'about'));
  const guid = guidText ?? about;
  // RSS 2.0: "If the guid element has an attribute named isPermaLink with a value of true [the default], the
  // reader may assume that it is a permalink to the item". Only an absolute URL is: "agency-2024-0042" is not.
  if (!link && guidText && (attr(guidEl, 'isPermaLink') ?? 'true').trim().toLowerCase() === 'true') link = absoluteLink(guidText, undefined);
  if (!link && about) link = absoluteLink(about, undefined);

  const contentEl = firstNonEmpty(item, ['content:encoded']);
  const body = contentEl ? undefined : xhtmlBody(item);
  const contentHtml = contentEl ? clean(htmlOf(contentEl)) : body ? clean(childrenHtml(body)) : undefined;
  const descriptionEl = childrenNamed(item, 'description').find(hasContent);
  const fallback = descriptionEl ? undefined : fallbackDescription(item);
  const summaryHtml = descriptionEl ? clean(htmlOf(descriptionEl)) : clean(fallback?.html);
  const summaryEl = descriptionEl ?? fallback?.el;
  const bodyEl = contentEl ?? body;

  const categories = [...childrenNamed(item, 'category'), ...childrenNamed(item, 'dc:subject')].map((c) => clean(plainText(textOf(c))));
  const creators = childrenNamed(item, 'dc:creator');
  const authors = (creators.length ? creators : childrenNamed(item, 'author').length ? childrenNamed(item, 'author') : childrenNamed(item, 'itunes:author')).map((a) =>
    clean(plainText(textOf(a))),
  );
  return {
    kind: 'feed',
    ...defined({
      guid,
      link,
      title: cleanTitle(plainText(textOf(firstNonEmpty(item, ['title', 'dc:title'])))),
      published: clean(textOf(firstNonEmpty(item, ['pubDate', 'dc:date', 'atom:published']))),
      updated: clean(textOf(firstNonEmpty(item, ['atom:updated', 'dc:modified', 'dcterms:modified']))),
      contentHtml,
      summaryHtml,
      ...(contentHtml && bodyEl?.baseDeclared ? { contentBase: bodyEl.base } : {}),
      ...(summaryHtml && summaryEl?.baseDeclared ? { summaryBase: summaryEl.base } : {}),
      author: joinDefined(authors),
      language: itemLanguage(item, bodyEl ?? summaryEl) ?? channel.language,
    }),
    categories: unique(categories),
  };
}

/** An item's own declaration: `dc:language`, else an xml:lang on the item or on its text's element. */
function itemLanguage(item: XElement, textEl: XElement | undefined): string | undefined {
  return (
    languageTag(textOf(firstNonEmpty(item, ['dc:language']))) ??
    (textEl?.attrs['xml:lang'] !== undefined ? languageTag(textEl.attrs['xml:lang']) : undefined) ??
    (item.attrs['xml:lang'] !== undefined ? languageTag(item.attrs['xml:lang']) : undefined)
  );
}

export function joinDefined(values: (string | undefined)[]): string | undefined {
  const kept = unique(values);
  return kept.length ? kept.join(', ') : undefined;
}

export function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** Drops undefined values, so optional properties are absent rather than present-and-undefined. */
export function defined<T extends Record<string, unknown>>(obj: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
