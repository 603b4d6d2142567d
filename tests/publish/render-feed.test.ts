// Renders hostile and ordinary stories in every format and has xmllint, the Atom schema and feedparser judge them.

import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Story } from '../../src/model.js';
import {
  CONTENT_TYPES,
  renderFeed,
  storyUrl,
  type FeedFormat,
  type FeedMeta,
} from '../../src/publish/render-feed.js';
import { renderStoryPage } from '../../src/publish/story-page.js';
import { stripXmlInvalid } from '../../src/stories/xml-chars.js';
import { feedparserInfo, xmllintOk, xpathString } from '../helpers/feed-tools.js';

const ATOM_RNG = fileURLToPath(new URL('../fixtures/atom.rng', import.meta.url));
const BASE = 'http://127.0.0.1:8080';

function story(over: Partial<Story> & Pick<Story, 'id' | 'seq' | 'agency' | 'title'>): Story {
  return {
    published: '2024-10-08T12:00:00.000Z',
    updated: '2024-10-08T12:00:00.000Z',
    firstSeen: '2024-10-08T12:05:00.000Z',
    dateSource: 'feed',
    contentHtml: '<p>Body.</p>',
    summary: 'Body.',
    teaser: false,
    categories: [],
    sources: [{ kind: 'feed', url: 'https://www.nato.int/rss.xml', guid: 'nato-1' }],
    bodyFrom: 'https://www.nato.int/rss.xml',
    history: [],
    ...over,
  };
}

const HOSTILE_TITLE = 'Ctrl\u0001 and\u000b tab & <script>alert(1)</script> ]]> twice ]]> 🚀 lone\ud800 end';

/** Newest first, as the store hands them over. */
const STORIES: Story[] = [
  story({
    id: 'tag:pressroom.local,2024:nato/ministers-meet',
    seq: 4,
    agency: 'nato',
    title: 'Defence Ministers meet in Brussels',
    link: 'https://www.nato.int/cps/en/natohq/news_1.htm?selectedLocale=en&x=1',
    published: '2024-10-10T09:00:00.000Z',
    updated: '2024-10-10T10:30:00.000Z',
    categories: ['Defence & <Security>', 'NATO'],
  }),
  story({
    id: 'tag:pressroom.local,2024:council-eu/hostile?a=1&b=<2>',
    seq: 3,
    agency: 'council-eu',
    title: HOSTILE_TITLE,
    // No link: the item points at the server's story page.
    published: '2024-10-09T08:00:00+02:00',
    updated: '2024-10-09T08:00:00+02:00',
    dateSource: 'bulletin',
    contentHtml: '<p>a ]]> b ]]> c &amp; <b>bold</b> 😀\u0001 \ud800 x</p><pre>\r\n</pre>',
    summary: 'x & y < z ]]> \ud800 \u0001 😀',
    teaser: true,
    categories: ['A & B', '<tag>', '\u0001'],
    sources: [
      { kind: 'bulletin', file: 'bulletins/2024-10-09.txt', line: 12 },
      { kind: 'feed', url: 'https://www.consilium.europa.eu/en/rss/', guid: 'c&<1>' },
    ],
  }),
  story({
    id: 'tag:pressroom.local,2024:frontex/no-content',
    seq: 2,
    agency: 'frontex', // not in meta.agencies: its id stands in for the name
    title: 'Only a summary, no content',
    link: 'javascript:alert(1)', // never published as a link
    published: '2024-10-08T07:00:00.000Z',
    updated: '2024-10-08T07:00:00.000Z',
    contentHtml: '',
    summary: 'Summary only.',
  }),
  story({
    id: 'tag:pressroom.local,2024:nato/older',
    seq: 1,
    agency: 'nato',
    title: 'Older story, relative link, bad dates',
    link: '/relative/path',
    published: 'not a date',
    updated: 'also not a date',
    contentHtml: '',
    summary: '',
  }),
];

const AGENCIES: FeedMeta['agencies'] = {
  nato: { id: 'nato', name: 'NATO', homepage: 'https://www.nato.int/' },
  'council-eu': { id: 'council-eu', name: 'Council of the EU & <Friends>' },
};

function meta(merged: boolean): FeedMeta {
  return merged
    ? {
        key: 'all',
        title: 'Pressroom: all agencies',
        description: 'Press releases from every agency & more',
        baseUrl: BASE,
        homePage: `${BASE}/`,
        ttlMinutes: 15,
        merged: true,
        agencies: AGENCIES,
      }
    : {
        key: 'nato',
        title: 'Pressroom: NATO',
        description: 'NATO press releases',
        baseUrl: BASE,
        homePage: 'https://www.nato.int/',
        language: 'en',
        ttlMinutes: 15,
        merged: false,
        agencies: AGENCIES,
      };
}

const expectedIds = (stories: Story[]) => stories.map((s) => s.id);
const expectedTitles = (stories: Story[]) => stories.map((s) => stripXmlInvalid(s.title));
function expectedLinks(stories: Story[]): string[] {
  return stories.map((s) => {
    const ok = s.link !== undefined && /^https?:\/\//.test(s.link);
    return ok ? new URL(s.link!).href : storyUrl(BASE, s.id);
  });
}

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];
const MATRIX = FORMATS.flatMap((format) =>
  [false, true].flatMap((merged) =>
    [
      { stories: STORIES, set: 'hostile' },
      { stories: [], set: 'empty' },
    ].map(({ stories, set }) => ({ format, merged, stories, set })),
  ),
);
const XML_MATRIX = MATRIX.filter((c) => c.format !== 'json');

afterEach(() => {
  vi.useRealTimers();
});

describe('renderFeed: independent parsers accept every document', () => {
  it.each(XML_MATRIX)('$format merged=$merged $set: xmllint says well-formed', ({ format, merged, stories }) => {
    const result = xmllintOk(renderFeed(format, meta(merged), stories));
    expect(result.errors).toBe('');
    expect(result.ok).toBe(true);
  });

  it.each(MATRIX.filter((c) => c.format === 'atom'))(
    'atom merged=$merged $set: valid against the RFC 4287 RELAX NG schema',
    ({ merged, stories }) => {
      const result = xmllintOk(renderFeed('atom', meta(merged), stories), ATOM_RNG);
      expect(result.errors).toBe('');
      expect(result.ok).toBe(true);
    },
  );

  it.each(XML_MATRIX)(
    '$format merged=$merged $set: feedparser is not bozo and sees the same ids, titles and links in order',
    ({ format, merged, stories }) => {
      const info = feedparserInfo(renderFeed(format, meta(merged), stories));
      expect(info.bozoException).toBeUndefined();
      expect(info.bozo).toBe(false);
      expect(info.ids).toEqual(expectedIds(stories));
      expect(info.titles).toEqual(expectedTitles(stories));
      expect(info.links).toEqual(expectedLinks(stories));
    },
  );

  it.each(MATRIX.filter((c) => c.format === 'json'))(
    'json merged=$merged $set: JSON Feed 1.1 with the same ids, titles and links',
    ({ merged, stories }) => {
      const body = renderFeed('json', meta(merged), stories);
      const doc = JSON.parse(body);
      expect(doc.version).toBe('https://jsonfeed.org/version/1.1');
      expect(doc.items.map((i: { id: string }) => i.id)).toEqual(expectedIds(stories));
      expect(doc.items.map((i: { title: string }) => i.title)).toEqual(expectedTitles(stories));
      expect(doc.items.map((i: { url: string }) => i.url)).toEqual(expectedLinks(stories));
      for (const item of doc.items) {
        expect(item.content_html ?? item.content_text).toBeTypeOf('string');
        expect(item.authors).toHaveLength(1);
      }
      // No lone surrogates or C0 controls survive, not even as \u escapes.
      expect(body).not.toMatch(/\\ud[89a-f][0-9a-f]{2}|\\u000[0-8bcef]|\\u001/i);
    },
  );
});

describe('renderFeed: deterministic bytes', () => {
  it.each(MATRIX)('$format merged=$merged $set: same input, same bytes, whatever the clock', ({ format, merged, stories }) => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const first = renderFeed(format, meta(merged), structuredClone(stories));
    vi.setSystemTime(new Date('2031-06-15T12:34:56Z'));
    const second = renderFeed(format, meta(merged), structuredClone(stories));
    expect(second).toBe(first);
    expect(first).not.toContain('2030');
    expect(first).not.toContain('2031');
  });

  it.each([
    { format: 'rss' as const, expr: '/rss/channel/lastBuildDate', hostile: 'Thu, 10 Oct 2024 10:30:00 GMT', empty: 'Thu, 01 Jan 1970 00:00:00 GMT' },
    { format: 'atom' as const, expr: '/*[local-name()="feed"]/*[local-name()="updated"]', hostile: '2024-10-10T10:30:00.000Z', empty: '1970-01-01T00:00:00.000Z' },
  ])('$format: feed updated is the newest story, the epoch when empty', ({ format, expr, hostile, empty }) => {
    expect(xpathString(renderFeed(format, meta(false), STORIES), expr)).toBe(hostile);
    expect(xpathString(renderFeed(format, meta(false), []), expr)).toBe(empty);
  });
});

describe('renderFeed: links, attribution and content', () => {
  it.each([
    { format: 'rss' as const, expr: '//*[local-name()="link"][@rel="self"]/@href', ext: 'rss' },
    { format: 'atom' as const, expr: '/*[local-name()="feed"]/*[local-name()="link"][@rel="self"]/@href', ext: 'atom' },
  ])('$format: the self link is its own format’s URL', ({ format, expr, ext }) => {
    expect(xpathString(renderFeed(format, meta(false), STORIES), expr)).toBe(`${BASE}/feeds/nato.${ext}`);
    expect(xpathString(renderFeed(format, meta(true), STORIES), expr)).toBe(`${BASE}/feeds/all.${ext}`);
  });

  it('json: feed_url is the JSON URL', () => {
    expect(JSON.parse(renderFeed('json', meta(true), STORIES)).feed_url).toBe(`${BASE}/feeds/all.json`);
  });

  it('rss: guid is not a permalink, the agency is dc:creator, no <author>, <source> only when merged', () => {
    const single = renderFeed('rss', meta(false), STORIES);
    const merged = renderFeed('rss', meta(true), STORIES);
    expect(xpathString(single, '//item[1]/guid/@isPermaLink')).toBe('false');
    expect(xpathString(single, '//item[2]/*[local-name()="creator"]')).toBe('Council of the EU & <Friends>');
    expect(xpathString(single, '//item[3]/*[local-name()="creator"]')).toBe('frontex');
    expect(single).not.toContain('<author>');
    expect(single).not.toContain('<source');
    expect(xpathString(merged, 'count(//item/source)')).toBe(String(STORIES.length));
    expect(xpathString(merged, '//item[2]/source/@url')).toBe(`${BASE}/feeds/council-eu.rss`);
    expect(xpathString(merged, '//item[2]/source')).toBe('Council of the EU & <Friends>');
  });

  it('rss: xmlns:dc is in scope for every dc:creator, with or without content', () => {
    // Items 3 and 4 have no content: the feed package would not declare xmlns:dc for them.
    const onlyWithoutContent = renderFeed('rss', meta(false), STORIES.slice(2));
    for (const xml of [onlyWithoutContent, renderFeed('rss', meta(false), STORIES)]) {
      expect(xmllintOk(xml).ok).toBe(true);
      expect(
        xpathString(xml, 'count(//item/*[local-name()="creator"][namespace-uri()="http://purl.org/dc/elements/1.1/"])'),
      ).toBe(String(xpathString(xml, 'count(//item)')));
    }
  });

  it.each([
    { format: 'rss' as const, content: '//item[2]/*[local-name()="encoded"]', summary: '//item[2]/description' },
    { format: 'atom' as const, content: '//*[local-name()="entry"][2]/*[local-name()="content"]', summary: '//*[local-name()="entry"][2]/*[local-name()="summary"]' },
  ])('$format: every ]]> and & survives the round trip', ({ format, content, summary }) => {
    const xml = renderFeed(format, meta(false), STORIES);
    const expectedContent = stripXmlInvalid(STORIES[1]!.contentHtml);
    // A parser turns CRLF into LF (XML 1.0 §2.11); our Atom writer keeps CR as &#13;, CDATA cannot.
    expect(xpathString(xml, content)).toBe(format === 'rss' ? expectedContent.replace(/\r\n/g, '\n') : expectedContent);
    const expectedSummary = stripXmlInvalid(STORIES[1]!.summary).trim();
    // RSS <description> is HTML, so the plain-text summary arrives escaped; Atom keeps it type="text".
    expect(xpathString(xml, summary)).toBe(
      format === 'rss' ? expectedSummary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : expectedSummary,
    );
  });

  it('rss: categories with & and < are escaped and carry no domain', () => {
    const xml = renderFeed('rss', meta(false), STORIES);
    expect(xpathString(xml, '//item[1]/category[1]')).toBe('NATO');
    expect(xpathString(xml, '//item[1]/category[2]')).toBe('Defence & <Security>');
    expect(xml).not.toContain('domain=');
  });

  it('atom: entries carry author, agency category, published; merged entries carry atom:source', () => {
    const single = renderFeed('atom', meta(false), STORIES);
    const merged = renderFeed('atom', meta(true), STORIES);
    const entry = (n: number, path: string) => `//*[local-name()="entry"][${n}]/*[local-name()="${path}"]`;
    expect(xpathString(single, `${entry(2, 'author')}/*[local-name()="name"]`)).toBe('Council of the EU & <Friends>');
    expect(xpathString(single, `${entry(2, 'category')}[1]/@term`)).toBe('council-eu');
    expect(xpathString(single, `${entry(2, 'category')}[1]/@label`)).toBe('Council of the EU & <Friends>');
    expect(xpathString(single, `${entry(2, 'title')}/@type`)).toBe('text');
    // A bulletin-dated story is a day: published at 12:00 in its agency's zone (no zone given: UTC).
    expect(xpathString(single, `${entry(2, 'published')}`)).toBe('2024-10-09T12:00:00.000Z');
    // Bad dates fall back to the epoch rather than throwing or printing "Invalid Date".
    expect(xpathString(single, `${entry(4, 'updated')}`)).toBe('1970-01-01T00:00:00.000Z');
    expect(single).not.toContain('<source>');

    expect(xpathString(merged, 'count(//*[local-name()="entry"]/*[local-name()="source"])')).toBe(String(STORIES.length));
    const source = `${entry(4, 'source')}/*[local-name()`;
    expect(xpathString(merged, `${source}="id"]`)).toBe(`${BASE}/feeds/nato.atom`);
    expect(xpathString(merged, `${source}="title"]`)).toBe('NATO');
    // The agency's newest story among those rendered, not this entry's own date.
    expect(xpathString(merged, `${source}="updated"]`)).toBe('2024-10-10T10:30:00.000Z');
    expect(xpathString(merged, `${source}="link"][@rel="self"]/@href`)).toBe(`${BASE}/feeds/nato.atom`);
  });

  it('json: items carry authors, tags and the _pressroom extension', () => {
    const doc = JSON.parse(renderFeed('json', meta(true), STORIES));
    expect(doc.language).toBe('en');
    expect(doc.authors).toEqual([{ name: 'Pressroom' }]);
    const hostile = doc.items[1];
    expect(hostile.authors).toEqual([{ name: 'Council of the EU & <Friends>' }]);
    expect(hostile.tags).toEqual(['Council of the EU & <Friends>', 'A & B', '<tag>']);
    expect(hostile.date_published).toBe('2024-10-09T12:00:00.000Z');
    expect(hostile._pressroom).toEqual({
      agency: { id: 'council-eu', name: 'Council of the EU & <Friends>' },
      sources: STORIES[1]!.sources,
      teaser: true,
      date_source: 'bulletin',
    });
    // No content: the summary stands in as content_text, as JSON Feed requires one of the two.
    expect(doc.items[2].content_html).toBeUndefined();
    expect(doc.items[2].content_text).toBe('Summary only.');
  });

  it('exports the content types', () => {
    expect(CONTENT_TYPES).toEqual({
      rss: 'application/rss+xml; charset=utf-8',
      atom: 'application/atom+xml; charset=utf-8',
      json: 'application/feed+json; charset=utf-8',
    });
    expect(storyUrl(BASE, 'tag:x,2024:a/b')).toBe(`${BASE}/stories/tag%3Ax%2C2024%3Aa%2Fb`);
  });
});

describe('renderStoryPage', () => {
  it('escapes text, keeps content HTML, links only http(s) upstreams and lists sources', () => {
    const page = renderStoryPage(STORIES[1]!, 'Council of the EU & <Friends>', BASE);
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<meta name="viewport"');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('Council of the EU &amp; &lt;Friends&gt;');
    // A bulletin gives a day: the page shows a date, no time of day, and says where it came from.
    expect(page).toContain('<time datetime="2024-10-09">9 October 2024</time>');
    expect(page).not.toContain('UTC</time>');
    expect(page).toContain('Date from the name of the bulletin file it came in; the source gives no time of day.');
    expect(page).toContain('<b>bold</b>');
    expect(page).toContain('<code>bulletins/2024-10-09.txt</code>, line 12');
    expect(page).toContain('guid <code>c&amp;&lt;1&gt;</code>');
    expect(page).not.toMatch(/[\u0001\u000b]|\ud800/);

    expect(renderStoryPage(STORIES[2]!, 'Frontex', BASE)).not.toContain('javascript:');
    expect(renderStoryPage(STORIES[0]!, 'NATO', BASE)).toContain(
      '<a href="https://www.nato.int/cps/en/natohq/news_1.htm?selectedLocale=en&amp;x=1" rel="noopener">',
    );
  });
});
