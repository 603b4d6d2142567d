// Languages in the published documents (issue 16): a document says the one language its stories declare, each
// entry or item says its own where that differs; and RSS titles are character data, never CDATA.
import { describe, expect, it } from 'vitest';
import type { Story } from '../../src/model.js';
import { renderFeed, type FeedMeta } from '../../src/publish/render-feed.js';
import { feedparserInfo, xmllintOk } from '../helpers/feed-tools.js';

const BASE = 'http://127.0.0.1:8080';
const META: FeedMeta = { key: 'all', title: 'Pressroom: all', description: 'All', baseUrl: BASE, homePage: `${BASE}/`, ttlMinutes: 15, merged: false, agencies: { a: { id: 'a', name: 'Agency' } } };

function story(n: number, language?: string, title = `Release ${n}`): Story {
  return {
    id: `tag:pressroom,2024-10-09:a/${n}`,
    seq: n,
    agency: 'a',
    title,
    published: `2024-10-0${n}T12:00:00.000Z`,
    updated: `2024-10-0${n}T12:00:00.000Z`,
    firstSeen: `2024-10-0${n}T12:00:00.000Z`,
    dateSource: 'feed',
    contentHtml: '<p>Body.</p>',
    summary: 'Body.',
    teaser: false,
    categories: [],
    ...(language ? { language } : {}),
    sources: [{ kind: 'feed', url: 'https://a.example.org/rss', guid: `g${n}` }],
    bodyFrom: `feed:https://a.example.org/rss#g${n}`,
    history: [],
  };
}

const json = (stories: Story[]) => JSON.parse(renderFeed('json', META, stories)) as { language?: string; items: { language?: string }[] };

describe('document and item languages', () => {
  it.each([
    { description: 'none declared: the feed default', stories: [story(1), story(2)], doc: 'en', entries: [undefined, undefined] },
    { description: 'one language', stories: [story(1, 'fr-BE'), story(2, 'fr-BE')], doc: 'fr-BE', entries: [undefined, undefined] },
    { description: 'one language beside undeclared stories', stories: [story(1, 'de'), story(2)], doc: 'de', entries: [undefined, undefined] },
    { description: 'several: none for the document, each entry its own', stories: [story(1, 'fr'), story(2, 'nl'), story(3)], doc: undefined, entries: ['fr', 'nl', undefined] },
  ])('$description', ({ stories, doc, entries }) => {
    const rss = renderFeed('rss', META, stories);
    const atom = renderFeed('atom', META, stories);
    expect(/<language>([^<]*)<\/language>/.exec(rss)?.[1]).toBe(doc);
    expect(/<feed [^>]*xml:lang="([^"]*)"/.exec(atom)?.[1]).toBe(doc);
    expect([...atom.matchAll(/<entry(?: xml:lang="([^"]*)")?>/g)].map((m) => m[1])).toEqual(entries);
    expect(json(stories).language).toBe(doc);
    expect(json(stories).items.map((i) => i.language)).toEqual(stories.map((s) => s.language));
    for (const xml of [rss, atom]) expect(xmllintOk(xml).errors).toBe('');
  });
});

describe('RSS titles', () => {
  it('are character data with hexadecimal references, read back as the same plain text', () => {
    const title = 'R&D: the <b> tag ]]> and "quotes" are text';
    const rss = renderFeed('rss', META, [story(1, undefined, title)]);
    expect(rss).toContain('<title>R&#x26;D: the &#x3C;b&#x3E; tag ]]&#x3E; and "quotes" are text</title>');
    expect(feedparserInfo(rss).titles).toEqual([title]);
  });
});
