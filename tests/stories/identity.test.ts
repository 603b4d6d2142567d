// The identity chain: which stored story a feed item is, whatever its feed does with guids and links.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedItem, Incoming, StoreData } from '../../src/model.js';
import { parseFeed } from '../../src/sources/parse-feed.js';
import { aliasEntries } from '../../src/stories/alias-table.js';
import { canonicalLink, identityChain, keys, resolveByKeys } from '../../src/stories/identity.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { feedItemToIncoming } from '../../src/stories/normalise.js';
import { emptyStore } from '../../src/store/store.js';
import { feedItem, NOW, ROOT } from './merge.data.js';

const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);
const FEED = 'https://agency.example.eu/news.rss';

function items(list: Omit<FeedItem, 'kind' | 'categories'>[], now = NOW): Incoming[] {
  return list.map((it, i) => feedItemToIncoming({ kind: 'feed', categories: [], ...it }, i, { agency: 'europol', feedUrl: FEED, timeZone: 'Europe/Amsterdam', now }).incoming!);
}

describe('canonicalLink', () => {
  it.each([
    { description: 'fragment and tracking parameters dropped', link: 'https://www.europol.europa.eu/news/a?utm_source=rss&utm_medium=feed#top', expected: 'europol.europa.eu/news/a' },
    { description: 'host case and www folded, http = https', link: 'http://WWW.Europol.Europa.EU/news/a', expected: 'europol.europa.eu/news/a' },
    { description: 'real parameters kept, sorted', link: 'https://www.nato.int/cps/en/natohq/news.htm?selectedLocale=en&id=229611', expected: 'nato.int/cps/en/natohq/news.htm?id=229611&selectedLocale=en' },
    { description: 'path case kept', link: 'https://agency.example.eu/News/A', expected: 'agency.example.eu/News/A' },
    { description: 'trailing slash kept', link: 'https://agency.example.eu/news/', expected: 'agency.example.eu/news/' },
    { description: 'not http', link: 'mailto:press@agency.example.eu', expected: undefined },
    { description: 'not a URL', link: 'news/a', expected: undefined },
  ])('$description', ({ link, expected }) => {
    expect(canonicalLink(link)).toBe(expected);
  });
});

describe('identityChain', () => {
  const base = { agency: 'europol', feedUrl: FEED, title: 'A release', day: '2024-10-09' };
  it.each([
    {
      description: 'guid and link: guid+link, guid, link, title+date',
      facts: { ...base, guid: 'g1', link: 'https://agency.example.eu/a' },
      expected: [keys.guidLink('europol', FEED, 'g1', 'https://agency.example.eu/a'), keys.guid('europol', FEED, 'g1'), 'link:agency.example.eu/a', keys.titleDate('europol', '2024-10-09', 'A release')],
    },
    {
      description: 'a guid the fetch shares with other items: no guid key',
      facts: { ...base, guid: 'g1', link: 'https://agency.example.eu/a', guidShared: true },
      expected: [keys.guidLink('europol', FEED, 'g1', 'https://agency.example.eu/a'), 'link:agency.example.eu/a', keys.titleDate('europol', '2024-10-09', 'A release')],
    },
    {
      description: 'no guid: link, then title+date',
      facts: { ...base, link: 'https://agency.example.eu/a' },
      expected: ['link:agency.example.eu/a', keys.titleDate('europol', '2024-10-09', 'A release')],
    },
    {
      description: 'a link the fetch shares: title+date only',
      facts: { ...base, link: 'https://agency.example.eu/news', linkShared: true },
      expected: [keys.titleDate('europol', '2024-10-09', 'A release')],
    },
    {
      description: 'neither, and no date',
      facts: { agency: 'europol', feedUrl: FEED, title: 'A release' },
      expected: ['title:europol:undated:a release'],
    },
  ])('$description', ({ facts, expected }) => {
    expect(identityChain(facts)).toEqual(expected);
  });

  it('takes a guid whose link changed only when the story confirms it', () => {
    const chain = identityChain({ ...base, guid: 'g1', link: 'https://agency.example.eu/b' });
    const table: Record<string, string> = { [keys.guid('europol', FEED, 'g1')]: 'S1' };
    expect(resolveByKeys(chain, (k) => table[k], () => true)).toBe('S1');
    expect(resolveByKeys(chain, (k) => table[k], () => false)).toBeUndefined();
    // Without a link there is no guid+link key to have missed: the guid is exact.
    const noLink = identityChain({ ...base, guid: 'g1' });
    expect(resolveByKeys(noLink, (k) => table[k], () => false)).toBe('S1');
  });
});

describe('merging by identity', () => {
  const a = { guid: '4521', link: 'https://www.europol.europa.eu/news/a', title: 'Europol supports Latvia in dismantling a drug lab network', published: 'Tue, 08 Oct 2024 11:00:00 +0200', summaryHtml: 'Europol worked closely with Latvian partners to identify and track the criminal network.' };

  it('a feed that changes its guid scheme keeps the story (by link)', () => {
    const run1 = mergeIncoming(emptyStore(), items([a]), NOW).data;
    const run2 = mergeIncoming(run1, items([{ ...a, guid: 'https://www.europol.europa.eu/node/4521' }]), later(1)).data;
    expect(run2.stories).toHaveLength(1);
    expect(run2.stories[0]!.id).toBe(run1.stories[0]!.id);
  });

  it('a link with tracking parameters and a fragment, no guid, is the same page', () => {
    const { guid: _g, ...noGuid } = a;
    const run1 = mergeIncoming(emptyStore(), items([noGuid]), NOW).data;
    const run2 = mergeIncoming(run1, items([{ ...noGuid, link: 'https://europol.europa.eu/news/a?utm_campaign=x#more', title: 'Europol helps Latvia take down a drug lab network' }]), later(1)).data;
    expect(run2.stories).toHaveLength(1);
  });

  it('an item with neither guid nor link is found by title and date', () => {
    const { guid: _g, link: _l, ...bare } = a;
    const run1 = mergeIncoming(emptyStore(), items([bare]), NOW).data;
    const run2 = mergeIncoming(run1, items([bare], later(30)), later(30)).data;
    expect(run2.stories).toBe(run1.stories);
  });

  it('an upstream key never joins two agencies', () => {
    const europol = feedItem('europol', { guid: 'x', link: 'https://www.europol.europa.eu/news/joint', title: 'Joint statement on Operation Cronos', published: 'Tue, 08 Oct 2024 11:00:00 +0200' });
    const eurojust = feedItem('eurojust', { guid: 'y', link: 'https://www.europol.europa.eu/news/joint', title: 'Joint statement on Operation Cronos', published: 'Tue, 08 Oct 2024 11:00:00 +0200' });
    const data = mergeIncoming(mergeIncoming(emptyStore(), [europol], NOW).data, [eurojust], NOW).data;
    expect(data.stories.map((s) => s.agency).sort()).toEqual(['eurojust', 'europol']);
  });

  it('records every key of every copy for its story, in the alias table and in the story', () => {
    const data = mergeIncoming(emptyStore(), items([a]), NOW).data;
    const s = data.stories[0]!;
    expect(s.keys).toEqual(items([a])[0]!.keys);
    expect(aliasEntries(data.aliases).filter(([, id]) => id === s.id).map(([k]) => k).sort()).toEqual([...s.keys!].sort());
  });

  it('mints ids once, as tag: URIs', () => {
    const run1 = mergeIncoming(emptyStore(), items([a]), NOW).data;
    expect(run1.stories[0]!.id).toMatch(/^tag:pressroom,2024-10-08:europol\/[0-9a-f]{16}$/);
    const run2 = mergeIncoming(run1, items([{ ...a, title: 'Europol supports Latvia: drug lab network dismantled', published: 'Wed, 09 Oct 2024 11:00:00 +0200' }]), later(5)).data;
    expect(run2.stories[0]!.id).toBe(run1.stories[0]!.id); // the date moved; the id did not
  });
});

describe('a feed that reuses guids (fixture duplicate-guids.rss)', () => {
  async function fixture(): Promise<Incoming[]> {
    const parsed = await parseFeed(readFileSync(path.join(ROOT, 'tests/fixtures/feeds/duplicate-guids.rss'), 'utf8'), FEED);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.items.map((it, i) => feedItemToIncoming(it, i, { agency: 'europol', feedUrl: FEED, timeZone: 'Europe/Amsterdam', now: NOW }).incoming!);
  }

  it('keeps its items apart, and re-ingesting them in any order changes nothing', async () => {
    const list = await fixture();
    const data = mergeIncoming(emptyStore(), list, NOW).data;
    expect(data.stories.map((s) => s.title)).toEqual(['First press release', 'Second press release', 'Third press release']);
    for (const order of [list, [...list].reverse(), [list[1]!, list[2]!, list[0]!]]) {
      const again = mergeIncoming(data, order, later(1));
      expect(again.created).toEqual([]);
      expect(again.data.stories).toBe(data.stories);
    }
  });

  it('a guid reused later for a new release makes a new story, not an edit of the old one', async () => {
    const data = mergeIncoming(emptyStore(), await fixture(), NOW).data;
    const reused = items([{ guid: 'https://agency.example.eu/news/third', link: 'https://agency.example.eu/news/fourth', title: 'Fourth press release about something else', published: 'Thu, 10 Oct 2024 10:00:00 +0200' }], later(24));
    const next = mergeIncoming(data, reused, later(24)).data;
    expect(next.stories).toHaveLength(4);
    expect(next.stories[2]!.title).toBe('Third press release');
  });
});

describe('a feed that links every item to its news page', () => {
  it('tells its items apart by title and date, stably', () => {
    const list = items([
      { link: 'https://agency.example.eu/news', title: 'First release', published: 'Wed, 09 Oct 2024 10:00:00 +0200' },
      { link: 'https://agency.example.eu/news', title: 'Second release', published: 'Wed, 09 Oct 2024 11:00:00 +0200' },
    ]);
    const data: StoreData = mergeIncoming(emptyStore(), list, NOW).data;
    expect(data.stories).toHaveLength(2);
    expect(mergeIncoming(data, [...list].reverse(), later(1)).data.stories).toBe(data.stories);
  });
});
