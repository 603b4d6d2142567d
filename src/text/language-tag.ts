// A language a source declares (RSS <language>, dc:language, xml:lang, <html lang>) as a BCP 47 tag, or nothing.

/**
 * BCP 47 (RFC 5646) in the shape feeds use it: a 2–3 letter language (or `i-`/`x-` tags), then subtags of 1–8
 * letters or digits. Feeds write `en_US` (a POSIX locale) and `EN-us`: the underscore becomes a hyphen and the
 * case is the registry's (language lower, script title, region upper, RFC 5646 §2.1.1). Anything else
 * (`English`, `*`, an empty xml:lang, which means "no language") is not a language tag: undefined, never a guess.
 */
export function languageTag(value: string | undefined): string | undefined {
  const v = value?.trim().replace(/_/g, '-');
  if (!v || v.length > 35) return undefined;
  if (!/^(?:[A-Za-z]{2,3}|[iIxX])(?:-[A-Za-z0-9]{1,8})*$/.test(v)) return undefined;
  const [lang = '', ...rest] = v.split('-');
  let afterSingleton = false;
  const subtags = rest.map((s) => {
    if (afterSingleton) return s.toLowerCase();
    if (s.length === 1) {
      afterSingleton = true; // an extension or private use: lower case from here on
      return s.toLowerCase();
    }
    if (s.length === 2 && /^[A-Za-z]{2}$/.test(s)) return s.toUpperCase(); // region
    if (s.length === 4 && /^[A-Za-z]{4}$/.test(s)) return s[0]!.toUpperCase() + s.slice(1).toLowerCase(); // script
    return s.toLowerCase();
  });
  return [lang.toLowerCase(), ...subtags].join('-');
}

/**
 * The language an HTML page declares on its root element (`<html lang="fr">`, or `xml:lang` in XHTML), from its
 * first 4 KB: where the root element is. Bounded patterns, as the page is upstream text.
 */
export function htmlLang(html: string): string | undefined {
  const root = /<html\b[^>]{0,2048}>/i.exec(html.slice(0, 4096))?.[0];
  if (!root) return undefined;
  const m = /\s(?:xml:)?lang\s*=\s*(?:"([^"]{0,64})"|'([^']{0,64})'|([A-Za-z0-9_-]{1,64}))/i.exec(root);
  return languageTag(m?.[1] ?? m?.[2] ?? m?.[3]);
}

