import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeHtml } from '../../src/sources/decode-body.js';
import { compactFold, extractArticle, teaserEvidence } from '../../src/sources/extract-article.js';
import { OPENING_CASES, PAGE_CASES } from './extract-article.data.js';

const page = (file: string) => decodeHtml(readFileSync(new URL(`../fixtures/pages/${file}`, import.meta.url)));

describe('extractArticle', () => {
  it.each([...PAGE_CASES, ...OPENING_CASES])('$description', (c) => {
    const r = extractArticle({
      html: page(c.file),
      url: c.url,
      teaser: c.teaser,
      ...(c.teaserHtml !== undefined ? { teaserHtml: c.teaserHtml } : {}),
      ...(c.selector ? { selector: c.selector } : {}),
    });
    expect(r.kind, r.kind === 'refused' ? r.message : '').toBe(c.expected);
    if (r.kind === 'refused') expect(r.reason).toBe(c.reason);
    if (r.kind === 'accepted') {
      for (const text of c.keeps ?? []) expect(r.html).toContain(text);
      for (const text of c.drops ?? []) expect(r.html).not.toContain(text);
    }
    expect(r.published).toBe(c.published);
  });

  it.each([
    { description: 'a PDF served as text/html', html: '%PDF-1.4\n%\u00e2\u00e3\n1 0 obj << /Type /Catalog >> endobj' },
    { description: 'a PNG served as text/html', html: '\u2030PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR' },
    { description: 'a .docx (zip) served as text/html', html: 'PK\u0003\u0004\u0014\u0000\u0006\u0000' },
  ])('refuses $description by its first bytes, unparsed', ({ html }) => {
    expect(extractArticle({ html, url: 'https://www.nato.int/a', teaser: PAGE_CASES[0]!.teaser })).toMatchObject({ kind: 'refused', reason: 'not-html' });
  });

  it('refuses a page over the size cap without parsing it', () => {
    const r = extractArticle({ html: page('nato-news.html'), url: 'https://www.nato.int/', teaser: PAGE_CASES[0]!.teaser, maxChars: 1000 });
    expect(r).toMatchObject({ kind: 'refused', reason: 'too-large' });
  });

  it('the extract is sanitised: no script, no event handler, no javascript: link', () => {
    const html = `<html><body><article><p>${'Europol and its partners acted against a network. '.repeat(10)}</p><p onclick="x()">More text <a href="javascript:alert(1)">here</a><img src=x onerror=alert(1)></p><script>alert(1)</script></article></body></html>`;
    const r = extractArticle({ html, url: 'https://www.europol.europa.eu/a', teaser: 'Europol and its partners acted against a network. Europol and its partners acted against…' });
    expect(r.kind).toBe('accepted');
    if (r.kind !== 'accepted') return;
    expect(r.html).not.toMatch(/script|onclick|onerror|javascript:/i);
    expect(r.html).toContain('<img src="https://www.europol.europa.eu/x"');
  });
});

describe('teaserEvidence', () => {
  it.each([
    { description: 'drops the ellipsis and the word it cut', input: 'to strengthen deter…', expected: 'tostrengthen' },
    { description: 'three dots are an ellipsis too', input: 'Allies agreed on new plans...', expected: 'alliesagreedonnew' },
    { description: 'a full text is kept whole', input: 'Allies agreed on new plans.', expected: 'alliesagreedonnewplans' },
    { description: 'quotes, dashes and spaces fold away', input: '“Operation – Shield”  ’s\u00a0end', expected: 'operationshieldsend' },
    { description: 'a "Read more »" after the ellipsis is not evidence', input: 'Allies agreed on new plans… Read more »', expected: 'alliesagreedonnew' },
    { description: '"Continue reading" with the title and an arrow', input: 'Allies agreed on new plans… Continue reading Allies agree →', expected: 'alliesagreedonnew' },
    { description: 'a bracketed ellipsis cuts like one', input: 'Allies agreed on new plans [...]', expected: 'alliesagreedonnew' },
    { description: 'WordPress’s feed footer', input: 'Allies agreed on new plans. The post Allies agree appeared first on NATO News.', expected: 'alliesagreedonnewplans' },
    { description: 'list markers are markup', input: 'Seized:\n• 900 kg of drugs;\n2. cash', expected: 'seized900kgofdrugscash' },
    { description: 'a sentence ending in "more" keeps it', input: 'Allies will spend more', expected: 'allieswillspendmore' },
  ])('$description', ({ input, expected }) => expect(teaserEvidence(input)).toBe(expected));

  it('folds a glued bulletin sentence like the page text', () => {
    expect(compactFold('drugs. The operation')).toBe(compactFold('drugs.The operation'));
  });
});
