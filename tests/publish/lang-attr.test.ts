// Which stories get a `lang` of their own on the site's English pages (WCAG 3.1.2), and that only a well-formed
// BCP 47 tag is ever written.
import { describe, expect, it } from 'vitest';
import { langAttr } from '../../src/publish/lang-attr.js';

describe('langAttr', () => {
  it.each([
    { description: 'no language declared: the page’s', language: undefined, expected: '' },
    { description: 'the page’s own language', language: 'en', expected: '' },
    { description: 'a regional form of the page’s language is what the source declared', language: 'en-GB', expected: ' lang="en-GB"' },
    { description: 'the page’s language in another case', language: 'EN', expected: '' },
    { description: 'another language', language: 'fr', expected: ' lang="fr"' },
    { description: 'another language with a region', language: 'fr-BE', expected: ' lang="fr-BE"' },
    { description: 'a script subtag', language: 'sr-Latn', expected: ' lang="sr-Latn"' },
    { description: 'a stored tag in the wrong case is written in the registry’s', language: 'PT_br', expected: ' lang="pt-BR"' },
    { description: 'a language sharing a prefix with the page’s is another language', language: 'eng', expected: ' lang="eng"' },
    { description: 'not a tag: a name', language: 'English', expected: '' },
    { description: 'not a tag: markup', language: 'fr"><script>', expected: '' },
    { description: 'not a tag: empty', language: '', expected: '' },
  ])('$description', ({ language, expected }) => {
    expect(langAttr(language)).toBe(expected);
  });

  it('compares with the page’s language when it is not the site’s', () => {
    expect(langAttr('fr', 'fr')).toBe('');
    expect(langAttr('en', 'fr')).toBe(' lang="en"');
  });
});
