// `merged_by` is a function of the set of copies: three or four copies of one release, fed in every order (one
// batch per copy, and all in one batch), give one story and one answer (issue 16's gap: with three or more it
// depended on which arrived first).
import { describe, expect, it } from 'vitest';
import type { Incoming, StoreData, StoredCopy } from '../../src/model.js';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { emptyStore } from '../../src/store/store.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { mergedByOfCopies } from '../../src/stories/merge-evidence.js';
import { bulletinToIncoming } from '../../src/stories/normalise.js';
import { buildPublication } from '../../src/web/publication.js';
import { AGENCIES, BULLETIN_TEXT, feedItem } from './merge.data.js';
import { IMS_TWO_SENTENCES } from './opening-merge.data.js';

const NOW = new Date('2024-10-10T18:00:00Z');
const NATO_LINK = 'https://www.nato.int/cps/en/natohq/news_229611.htm';
const IMS_FEED = 'https://www.nato.int/cps/rss/en/natohq/ims.xml';
const NEWS_FEED = AGENCIES.NATO!.feedUrl;

function bulletin(file: string): Incoming {
  const item = parseBulletin(BULLETIN_TEXT).items.find((i) => i.title.startsWith('The Director General of NATO IMS visits Azerbaijan'))!;
  return bulletinToIncoming(item, { file, agency: 'nato', timeZone: 'Europe/Brussels' });
}

// The copies: the bulletin's teaser (file named two days early), the same bulletin saved again under the right
// day, NATO's news feed titling it by an acronym with the first two sentences, and the IMS feed with the same link
// and the bulletin's text followed by a closing paragraph under the full title.
const COPIES: Record<string, () => Incoming> = {
  early: () => bulletin('2024-10-07.txt'),
  dated: () => bulletin('2024-10-09.txt'),
  news: () => feedItem('nato', { link: NATO_LINK, title: 'DGIMS visit to Baku', published: '10 Oct. 2024 15:42:00 GMT', summaryHtml: IMS_TWO_SENTENCES }, { now: NOW }),
  ims: () =>
    feedItem('nato', { guid: 'ims-229611', link: NATO_LINK, title: 'Director General of the NATO International Military Staff visits Azerbaijan', published: '10 Oct. 2024 16:00:00 GMT', contentHtml: `${bulletin('x.txt').contentHtml}<p>The visit took place within the framework of NATO’s Partnership Interoperability Initiative.</p>` }, { now: NOW, feedUrl: IMS_FEED }),
};

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

function ingest(batches: Incoming[][]): StoreData {
  let data = emptyStore();
  for (const b of batches) data = mergeIncoming(data, b, NOW).data;
  return data;
}

/** The story's mergedBy; its copies' sources when they made more than one story (a failure to show). */
const mergedByOf = (data: StoreData) => (data.stories.length === 1 ? data.stories[0]!.mergedBy : data.stories.map((s) => s.sources.map((x) => (x.kind === 'bulletin' ? x.file : x.kind)).join('+')));

describe('merged_by does not depend on the order the copies came in', () => {
  it.each([
    {
      description: 'three copies: two bulletins and the news feed',
      copies: ['early', 'dated', 'news'],
      // The feed names the story; each bulletin opens its text, and the two bulletins share their title, the
      // stronger evidence for the second one reached.
      expected: [
        { rule: 'opening-text', source: 'bulletin:2024-10-07.txt' },
        { rule: 'same-title', source: 'bulletin:2024-10-09.txt' },
      ],
    },
    {
      description: 'three copies: a bulletin and two feeds sharing the link',
      copies: ['early', 'news', 'ims'],
      // The IMS feed names it (feeds first, then by key); the news feed shares its link, the bulletin its text.
      expected: [
        { rule: 'reworded-title-same-text', source: 'bulletin:2024-10-07.txt' },
        { rule: 'same-link', source: `feed:${NEWS_FEED}#` },
      ],
    },
    {
      description: 'four copies: two bulletins and two feeds',
      copies: ['early', 'dated', 'news', 'ims'],
      // From the IMS feed: the news feed by the link, the dated bulletin by its text under a title sharing words,
      // and the early bulletin by the same title as the dated one (stronger than its own evidence with the feeds).
      expected: [
        { rule: 'same-title', source: 'bulletin:2024-10-07.txt' },
        { rule: 'retitled-same-text', source: 'bulletin:2024-10-09.txt' },
        { rule: 'same-link', source: `feed:${NEWS_FEED}#` },
      ],
    },
  ])('$description, in every order', ({ copies, expected }) => {
    const answers = new Map<string, string[]>();
    for (const order of permutations(copies)) {
      for (const [how, batches] of [
        ['one batch per copy', order.map((c) => [COPIES[c]!()])],
        ['one batch', [order.map((c) => COPIES[c]!())]],
      ] as const) {
        const got = JSON.stringify(mergedByOf(ingest(batches.map((b) => [...b]))));
        answers.set(got, [...(answers.get(got) ?? []), `${order.join(',')} (${how})`]);
      }
    }
    expect([...answers.keys()], JSON.stringify([...answers], null, 1)).toEqual([JSON.stringify(expected)]);
  });

  it('publishes the same `_pressroom.merged_by` in every order, and keeps the id the first copy minted', () => {
    const published = new Set<string>();
    for (const order of permutations(['early', 'dated', 'news', 'ims'])) {
      const data = ingest(order.map((c) => [COPIES[c]!()]));
      const first = ingest([[COPIES[order[0]!]!()]]);
      expect(data.stories[0]!.id).toBe(first.stories[0]!.id);
      const doc = buildPublication(data, [{ id: 'nato', name: 'NATO' }], 'http://127.0.0.1:8080', { limit: 50, maxAgeSeconds: 900 }).docs.get('/feeds/nato.json')!;
      published.add(JSON.stringify((JSON.parse(doc.body.toString('utf8')) as { items: { _pressroom: { merged_by?: unknown } }[] }).items[0]!._pressroom.merged_by));
    }
    expect([...published]).toHaveLength(1);
  });
});

describe('mergedByOfCopies', () => {
  const copy = (source: string, over: Partial<StoredCopy> = {}): StoredCopy => ({
    source,
    title: `Title of ${source}`,
    published: '2024-10-09T10:00:00.000Z',
    dateSource: 'feed',
    summary: '',
    text: '',
    keys: [],
    ...over,
  });
  it('credits each copy with the strongest edge that reaches it from the owner, whatever order the copies are listed in', () => {
    const copies = [
      copy('feed:a#1', { keys: ['link:x'] }),
      copy('feed:b#2', { keys: ['link:x', 'title:nato:2024-10-09:t'] }),
      copy('feed:c#3', { keys: ['title:nato:2024-10-09:t'] }),
    ];
    const expected = [
      { rule: 'same-link', source: 'feed:b#2' },
      { rule: 'same-title-and-day', source: 'feed:c#3' },
    ];
    for (const order of permutations(copies)) expect(mergedByOfCopies(order, 'feed:a#1', 'nato', () => undefined)).toEqual(expected);
  });
  it('a copy no other copy alone matches takes what the story as a whole says of it, else same-key', () => {
    const copies = [copy('feed:a#1', { keys: ['link:x'] }), copy('feed:b#2', { keys: ['link:x'] }), copy('bulletin:z.txt'), copy('bulletin:y.txt')];
    expect(mergedByOfCopies(copies, 'feed:a#1', 'nato', (c) => (c.source === 'bulletin:y.txt' ? 'edited-text' : undefined))).toEqual([
      { rule: 'edited-text', source: 'bulletin:y.txt' },
      { rule: 'same-key', source: 'bulletin:z.txt' },
      { rule: 'same-link', source: 'feed:b#2' },
    ]);
  });
});
