// Issue 16's feed mapping on real-shaped fixtures: document order, xml:base, description fallbacks, character
// references, guid links, plain-text titles, Atom 0.3 and languages (rows in feed-mapping.data.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/model.js';
import { decodeBody } from '../../src/sources/decode-body.js';
import { parseFeed } from '../../src/sources/parse-feed.js';
import { feedItemToIncoming } from '../../src/stories/normalise.js';
import { languageTag } from '../../src/text/language-tag.js';
import { cpuTimed } from '../helpers/cpu-time.js';
import { FIXTURE_FEEDS_DIR } from '../helpers/fixture-server.js';
import { MAPPING_ROWS } from './feed-mapping.data.js';

const parsed = new Map<string, Promise<FeedItem[]>>();
function itemsOf(fixture: string): Promise<FeedItem[]> {
  let p = parsed.get(fixture);
  if (!p) {
    p = parseFeed(decodeBody(readFileSync(FIXTURE_FEEDS_DIR + fixture)), `https://feeds.example.org/${fixture}`).then((r) => {
      if (!r.ok) throw new Error(`${fixture}: ${r.message}`);
      expect(r.warnings).toEqual([]);
      return r.items;
    });
    parsed.set(fixture, p);
  }
  return p;
}

describe('feed mapping', () => {
  it.each(MAPPING_ROWS)('$fixture: $description', async ({ fixture, index, expected }) => {
    const item = (await itemsOf(fixture))[index];
    expect(item).toBeDefined();
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined) expect(item, key).not.toHaveProperty(key);
      else expect(item?.[key as keyof FeedItem], key).toEqual(value);
    }
  });

  it('relative URLs in escaped HTML resolve against the xml:base declared for it, not the item link', async () => {
    const [, escaped] = await itemsOf('nested-base.atom');
    const n = feedItemToIncoming(escaped!, 1, { agency: 'a', feedUrl: 'https://feeds.example.org/nested-base.atom', timeZone: 'UTC', now: new Date('2024-10-10T00:00:00Z') });
    expect(n.incoming?.contentHtml).toBe(
      '<p>See <a href="https://other.example.org/section/deep/page.html">the page</a> and <img alt="pic" src="https://other.example.org/section/deep/pic.png" />.</p>',
    );
    const [rss] = await itemsOf('nested-base.rss');
    const r = feedItemToIncoming(rss!, 0, { agency: 'a', feedUrl: 'https://feeds.example.org/nested-base.rss', timeZone: 'UTC', now: new Date('2024-10-10T00:00:00Z') });
    expect(r.incoming?.contentHtml).toContain('href="https://ministry.example.gov/press/labs/"');
    expect(r.incoming?.contentHtml).toContain('src="https://ministry.example.gov/press/2024/10/lab.jpg"');
    expect(r.incoming?.language).toBeUndefined();
  });

  it('a story keeps the language of its item', async () => {
    const [, nl] = await itemsOf('lang-fr.rss');
    const n = feedItemToIncoming(nl!, 1, { agency: 'a', feedUrl: 'https://feeds.example.org/lang-fr.rss', timeZone: 'UTC', now: new Date('2024-10-10T00:00:00Z') });
    expect(n.incoming?.language).toBe('nl-BE');
  });

  it('an Atom xhtml construct that is not well-formed costs only itself', async () => {
    const xml =
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Open <b>tag</div></title>' +
      '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Unclosed <br> paragraph</p></div></content></entry>' +
      '<entry><id>y</id><title>Next</title></entry></feed>';
    const r = await parseFeed(xml, 'https://ex.org/');
    expect(r.ok && r.items.map((i) => [i.title, i.contentHtml])).toEqual([
      ['Open tag', '<p>Unclosed <br> paragraph</p>'],
      ['Next', undefined],
    ]);
  });

  it.each([
    { description: 'a megabyte of `<a` with no `>` in itunes:summary', field: `<itunes:summary>${'&lt;a'.repeat(300_000)}</itunes:summary>` },
    { description: 'a megabyte of spaces in media:description', field: `<media:description>x${' '.repeat(1024 * 1024)}y\n${' \t'.repeat(300_000)}z</media:description>` },
    { description: 'a megabyte of blank lines in dc:description', field: `<dc:description>a${'\n \n'.repeat(300_000)}b</dc:description>` },
  ])('reads description fallbacks in linear time: $description', async ({ field }) => {
    const xml = `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><item><title>One</title>${field}</item></channel></rss>`;
    const { value: r, cpuMs } = await cpuTimed(() => parseFeed(xml, 'https://ex.org/'));
    expect(cpuMs).toBeLessThan(5000); // quadratic would be minutes (CPU time: load stretches wall time)
    expect(r.ok && r.items[0]?.summaryHtml?.length).toBeGreaterThan(0);
  });

  it('reads an Atom feed whose namespace is mistyped, and dc: bound to DC Terms', async () => {
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom/"><entry><id>x</id><title>Typo</title><link href="https://ex.org/1"/></entry></feed>';
    expect(await parseFeed(atom, 'https://ex.org/')).toMatchObject({ ok: true, items: [{ title: 'Typo', link: 'https://ex.org/1', guid: 'x' }] });
    const rss =
      '<rss version="2.0" xmlns:dc="http://purl.org/dc/terms/"><channel><title>t</title><item><title>One</title>' +
      '<dc:creator>Press Office</dc:creator><dc:date>2024-10-09</dc:date><dc:modified>2024-10-10</dc:modified></item></channel></rss>';
    expect(await parseFeed(rss, 'https://ex.org/')).toMatchObject({ ok: true, items: [{ author: 'Press Office', published: '2024-10-09', updated: '2024-10-10' }] });
  });

  it('reads the root element and ignores what a server appended after it', async () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><title>One</title></item></channel></rss>\n<br />\n<b>Warning</b>: mysql_close()';
    expect(await parseFeed(xml, 'https://ex.org/')).toMatchObject({ ok: true, items: [{ title: 'One' }] });
  });

  it('items in a default RSS 1.0 namespace and prefixed Atom elements inside RSS are read', async () => {
    const xml =
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:a="http://www.w3.org/2005/Atom">' +
      '<channel rdf:about="https://ex.org/"><title>t</title><link>https://ex.org/</link></channel>' +
      '<item rdf:about="https://ex.org/1"><title>One</title><a:updated>2024-10-09T10:00:00Z</a:updated></item></rdf:RDF>';
    const r = await parseFeed(xml, 'https://ex.org/feed');
    expect(r).toMatchObject({ ok: true, items: [{ title: 'One', link: 'https://ex.org/1', guid: 'https://ex.org/1', updated: '2024-10-09T10:00:00Z' }] });
  });
});

describe('languageTag', () => {
  it.each([
    { input: 'en', expected: 'en' },
    { input: 'EN-us', expected: 'en-US' },
    { input: 'pt_BR', expected: 'pt-BR' },
    { input: ' fr-be ', expected: 'fr-BE' },
    { input: 'zh-hant-tw', expected: 'zh-Hant-TW' },
    { input: 'sr-Latn', expected: 'sr-Latn' },
    { input: 'de-CH-1996', expected: 'de-CH-1996' },
    { input: 'en-x-Agency', expected: 'en-x-agency' },
    { input: 'English', expected: undefined },
    { input: '', expected: undefined },
    { input: '*', expected: undefined },
    { input: 'en-', expected: undefined },
    { input: 'e', expected: undefined },
  ])('languageTag($input) is $expected', ({ input, expected }) => {
    expect(languageTag(input)).toBe(expected);
  });
});
