// An extract as blocks: paragraphs, headings and media, with page furniture trimmed from its start and end.
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { blocksOf, isFurniture, trimFurniture, type Block } from '../../src/sources/article-blocks.js';

const body = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.body as unknown as Element;
const block = (text: string, kind: Block['kind'] = 'text'): Block => ({ kind, text, compact: text.toLowerCase().replace(/[^a-z0-9]/g, ''), nodes: [], linkShare: 0 });

describe('isFurniture', () => {
  it.each([
    { text: 'Related news', expected: 'heading' },
    { text: 'Related articles:', expected: 'heading' },
    { text: 'See also', expected: 'heading' },
    { text: 'Share this page', expected: 'heading' },
    { text: 'Media contacts', expected: 'heading' },
    { text: 'For more information please contact', expected: 'heading' },
    { text: 'Ähnliche Nachrichten', expected: 'heading' },
    { text: 'À lire aussi', expected: 'heading' },
    { text: 'Noticias relacionadas', expected: 'heading' },
    { text: 'Tags: drugs, Latvia', expected: 'line' },
    { text: 'Share: X Facebook LinkedIn', expected: 'line' },
    { text: 'Media contact: +32 2 707 50 41', expected: 'line' },
    { text: 'Europol’s role', expected: undefined },
    { text: 'Related to the investigation, officers seized 14 vehicles.', expected: undefined },
    { text: 'The suspects shared their contacts through encrypted phones.', expected: undefined },
  ])('$text → $expected', ({ text, expected }) => expect(isFurniture(block(text, expected === 'heading' ? 'heading' : 'text'))).toBe(expected));
});

describe('blocksOf and trimFurniture', () => {
  it('a caption, a credit and inline media are blocks of their own; a paragraph of inline elements is one block', () => {
    const b = blocksOf(body('<p>One <b>two</b> <a href="/x">three</a>.</p><figure><img src="/a.jpg"><figcaption>A caption.</figcaption></figure><p class="photo-credit">Photo: Europol</p><p>Four.</p>'));
    expect(b.map((x) => `${x.kind}:${x.text}`)).toEqual(['text:One two three.', 'media:A caption.', 'media:Photo: Europol', 'text:Four.']);
  });

  it('trims from a furniture heading after the first paragraph to the end, and removes it from the DOM', () => {
    const root = body('<p>First paragraph of the release.</p><h2>Details</h2><p>More.</p><h2>Related news</h2><ul><li><a href="/a">Another release</a></li></ul><p>Tags: <a href="/t">drugs</a></p>');
    const t = trimFurniture(blocksOf(root));
    expect(t.blocks.map((x) => x.text)).toEqual(['First paragraph of the release.', 'Details', 'More.']);
    expect(t.cut).toEqual(['"Related news" and 2 block(s) after it']);
    expect(root.innerHTML).not.toMatch(/Related news|Another release|drugs/);
    expect(root.innerHTML).toContain('<h2>Details</h2>');
  });

  it('a furniture box the extractor put first goes with its links; a contacts line at the start too', () => {
    const root = body('<p>Media contacts: press@eurojust.europa.eu</p><h3>Related news</h3><ul><li><a href="/a">Release A</a></li><li><a href="/b">Release B</a></li></ul><p>The release itself starts here and runs on.</p>');
    const t = trimFurniture(blocksOf(root));
    expect(t.blocks.map((x) => x.text)).toEqual(['The release itself starts here and runs on.']);
    expect(root.textContent).not.toMatch(/Release A|press@/);
  });

  it('a heading named like furniture before any paragraph of the article is not taken for the end', () => {
    const t = trimFurniture(blocksOf(body('<h2>Contacts</h2><p>Short.</p>')));
    // Leading furniture heading goes (with no links under it); the paragraph stays.
    expect(t.blocks.map((x) => x.text)).toEqual(['Short.']);
  });
});
