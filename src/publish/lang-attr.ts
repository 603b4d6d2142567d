// The `lang` of a story's own text where it differs from the page's (WCAG 2.2 SC 3.1.2, Language of Parts):
// a French release on the English site is read by a screen reader in French, and hyphenated and spell-checked so.
import { languageTag } from '../text/language-tag.js';

/** The language of the site's own words (navigation, dates, marks): `<html lang>` of every page. */
export const SITE_LANG = 'en';

/**
 * ` lang="…"` for text in `language` inside a page in `pageLang`, or '' when there is nothing to say: no tag, or
 * the page's own. A regional form (`en-GB` on an `en` page) is said: it is what the source declared. The tag is
 * the stored BCP 47 one (src/text/language-tag.ts), checked again here, as a store written by another version is
 * upstream text too: only a well-formed tag (letters, digits, hyphens) is ever written into the attribute.
 */
export function langAttr(language: string | undefined, pageLang: string = SITE_LANG): string {
  const tag = languageTag(language);
  if (tag === undefined) return '';
  const lower = tag.toLowerCase();
  const page = pageLang.toLowerCase();
  if (lower === page) return '';
  return ` lang="${tag}"`;
}
