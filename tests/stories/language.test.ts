// A story's language (issue 16): from the source that declared it, through the merge and the lean reader store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Incoming } from '../../src/model.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { applyPageText } from '../../src/stories/page-text.js';
import { htmlLang } from '../../src/text/language-tag.js';
import { emptyStore, openStore } from '../../src/store/store.js';

const NOW = new Date('2024-10-09T12:00:00Z');
const FEED = 'https://police.example.be/rss.xml';

function copy(over: Partial<Incoming>): Incoming {
  return {
    agency: 'federal',
    title: 'Démantèlement d’un réseau de trafic de stupéfiants',
    link: 'https://police.example.be/fr/communiques/1',
    published: '2024-10-09T08:00:00.000Z',
    dateSource: 'feed',
    contentHtml: '<p>Les enquêteurs ont procédé à 14 arrestations dans trois provinces.</p>',
    summary: 'Les enquêteurs ont procédé à 14 arrestations dans trois provinces.',
    teaser: false,
    categories: [],
    source: { kind: 'feed', url: FEED, guid: 'fr-1' },
    keys: [`guid:federal:${FEED}#fr-1`, 'link:police.example.be/fr/communiques/1'],
    ...over,
  };
}

const bulletinCopy = copy({
  link: undefined,
  dateSource: 'bulletin',
  source: { kind: 'bulletin', file: 'digest-2024-10-09.txt', line: 1 },
  keys: ['bulletin:federal:2024-10-09:démantèlement d’un réseau de trafic de stupéfiants'],
  language: undefined,
});

describe('story language', () => {
  it.each([
    { description: 'a feed copy declaring fr-BE', batches: [[copy({ language: 'fr-BE' })]], expected: 'fr-BE' },
    { description: 'a copy declaring none', batches: [[copy({})]], expected: undefined },
    { description: 'a bulletin copy merged later leaves the feed’s language', batches: [[copy({ language: 'fr-BE' })], [bulletinCopy]], expected: 'fr-BE' },
    { description: 'a feed copy merged after the bulletin brings its language', batches: [[bulletinCopy], [copy({ language: 'fr-BE' })]], expected: 'fr-BE' },
    { description: 'the body’s source correcting its language', batches: [[copy({ language: 'fr' })], [copy({ language: 'fr-BE' })]], expected: 'fr-BE' },
  ])('$description', ({ batches, expected }) => {
    let data = emptyStore();
    batches.forEach((b, i) => (data = mergeIncoming(data, b, new Date(NOW.getTime() + i * 3600_000)).data));
    expect(data.stories).toHaveLength(1);
    expect(data.stories[0]?.language).toBe(expected);
  });

  it('the lean reader store (the web tier) keeps it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-lang-'));
    try {
      const writer = await openStore(dir, { writable: true });
      await writer.commit(mergeIncoming(emptyStore(), [copy({ language: 'fr-BE' })], NOW).data);
      const reader = await openStore(dir, { writable: false });
      expect(reader.data.stories.map((s) => s.language)).toEqual(['fr-BE']);
      await reader.close();
      await writer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a page’s language', () => {
  it.each([
    { html: '<!doctype html><html lang="fr-be"><head>', expected: 'fr-BE' },
    { html: "<html class='no-js' lang='de'>", expected: 'de' },
    { html: '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="nl" lang="nl">', expected: 'nl' },
    { html: '<HTML LANG=pt_BR>', expected: 'pt-BR' },
    { html: '<html><head><meta http-equiv="content-language" content="fr">', expected: undefined },
    { html: '<html lang="">', expected: undefined },
    { html: `<!-- ${'x'.repeat(5000)} --><html lang="en">`, expected: undefined }, // past the first 4 KB
  ])('htmlLang($html) is $expected', ({ html, expected }) => {
    expect(htmlLang(html)).toBe(expected);
  });

  it('completes a story that declared none, never replaces a feed’s declaration', () => {
    const page = { url: 'https://police.example.be/fr/communiques/1', html: '<p>Texte complet.</p>', language: 'fr-BE', fetchedAt: NOW.toISOString() };
    const teaser = mergeIncoming(emptyStore(), [{ ...bulletinCopy, teaser: true }], NOW).data.stories[0]!;
    expect(applyPageText(teaser, page, NOW).language).toBe('fr-BE');
    expect(applyPageText({ ...teaser, language: 'fr' }, page, NOW).language).toBe('fr');
  });
});

