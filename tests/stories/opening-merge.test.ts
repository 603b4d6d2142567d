// Merging on text evidence: one copy's text the opening of the other's merges across the wrong-bulletin-date
// window whatever the titles; boilerplate openings, follow-ups and shared closing paragraphs do not.
import { describe, expect, it } from 'vitest';
import type { Incoming, StoreData } from '../../src/model.js';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { emptyStore } from '../../src/store/store.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { bulletinToIncoming } from '../../src/stories/normalise.js';
import { prepareOpening, sharedOpening } from '../../src/stories/opening-text.js';
import { buildPublication } from '../../src/web/publication.js';
import { AGENCIES, BULLETIN_TEXT, feedItem } from './merge.data.js';
import { IMS_TWO_SENTENCES, OPENING_CASES, type OpeningCase } from './opening-merge.data.js';

function bulletinOf(c: OpeningCase): Incoming {
  const text = typeof c.bulletin === 'string' ? BULLETIN_TEXT : `${c.bulletin.title}\n\nSource: ${c.bulletin.agency}\n\n${c.bulletin.text}\n`;
  const title = typeof c.bulletin === 'string' ? c.bulletin : c.bulletin.title;
  const item = parseBulletin(text).items.find((i) => i.title.startsWith(title))!;
  const a = AGENCIES[item.agencyName]!;
  return bulletinToIncoming(item, { file: c.file, agency: a.id, timeZone: a.timeZone });
}

function ingest(batches: Incoming[][], now: Date): StoreData {
  let data = emptyStore();
  for (const b of batches) data = mergeIncoming(data, b, now).data;
  return data;
}

describe('one copy’s text is the opening of the other’s', () => {
  it.each(OPENING_CASES)('$description', (c) => {
    const now = new Date(c.now);
    const b = bulletinOf(c);
    const f = feedItem(c.agency, c.feed, { now });
    for (const order of [[[b], [f]], [[f], [b]], [[b, f]]]) {
      const data = ingest(order, now);
      expect(data.stories).toHaveLength(c.stories);
      if (c.stories === 1) {
        const [s] = data.stories;
        expect(s!.sources.map((x) => x.kind).sort()).toEqual(['bulletin', 'feed']);
        expect(s!.dateSource).toBe('feed');
        // The feed names the story; the bulletin's copy joined it by the rule.
        expect(s!.mergedBy).toEqual([{ rule: c.rule, source: `bulletin:${c.file}` }]);
      }
    }
  });

  it('JSON Feed says which rule merged each copy (`_pressroom.merged_by`), the same in every order', () => {
    const c = OPENING_CASES[0]!;
    const now = new Date(c.now);
    const docs = (order: Incoming[][]) =>
      buildPublication(ingest(order, now), [{ id: 'nato', name: 'NATO' }], 'http://127.0.0.1:8080', { limit: 50, maxAgeSeconds: 900 }).docs;
    const b = bulletinOf(c);
    const f = feedItem(c.agency, c.feed, { now });
    const mergedBy = (order: Incoming[][]) =>
      (JSON.parse(docs(order).get('/feeds/nato.json')!.body.toString('utf8')) as { items: { _pressroom: { merged_by?: unknown } }[] }).items[0]!._pressroom.merged_by;
    expect(mergedBy([[b], [f]])).toEqual([{ rule: 'opening-text', source: { kind: 'bulletin', file: c.file, line: 1 } }]);
    // Whichever copy came first (only the story's id, minted from it, differs).
    expect(mergedBy([[f], [b]])).toEqual(mergedBy([[b], [f]]));
    // A story of one copy has nothing to say.
    const single = JSON.parse(docs([[f]]).get('/feeds/nato.json')!.body.toString('utf8')) as { items: { _pressroom: Record<string, unknown> }[] };
    expect(single.items[0]!._pressroom).not.toHaveProperty('merged_by');
  });

  it('a copy found by its guid says so', () => {
    const now = new Date('2024-10-10T18:00:00Z');
    const f = feedItem('nato', { guid: 'n-1', link: 'https://www.nato.int/a.htm', title: 'Allies meet', published: '09 Oct. 2024 10:00:00 GMT', summaryHtml: 'One.' }, { now });
    const other = feedItem('nato', { guid: 'n-1', link: 'https://www.nato.int/a.htm', title: 'Allies meet', published: '09 Oct. 2024 10:00:00 GMT', summaryHtml: 'One.' }, { now, feedUrl: 'https://www.nato.int/other.rss' });
    const data = ingest([[f], [other]], now);
    expect(data.stories).toHaveLength(1);
    expect(data.stories[0]!.mergedBy).toEqual([{ rule: 'same-link', source: 'feed:https://www.nato.int/other.rss#n-1' }]);
  });
});

describe('sharedOpening', () => {
  const o = (t: string) => prepareOpening(t)!;
  it.each([
    { description: 'the shorter, whole, opens the longer', a: IMS_TWO_SENTENCES, b: `${IMS_TWO_SENTENCES} Their discussions included military cooperation.`, expected: true },
    { description: 'folding: case, quotes, dashes and glued sentences', a: IMS_TWO_SENTENCES.toUpperCase().replace('. While', '.While'), b: `${IMS_TWO_SENTENCES} More.`, expected: true },
    { description: 'a teaser cut mid-word opens its full text', a: `${IMS_TWO_SENTENCES} Their discussions incl…`, b: `${IMS_TWO_SENTENCES} Their discussions included military cooperation.`, expected: true },
    { description: 'one sentence, however long, is not enough', a: 'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks.', b: 'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks. Another release.', expected: false },
    { description: 'a cut teaser’s partial sentence does not count', a: 'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks. This joint…', b: 'Europol and its partners are using international cooperation and technological expertise to counter these threats, working to protect vulnerable individuals and dismantle criminal networks. This joint action day targeted child trafficking.', expected: false },
    { description: 'texts that part after a shared paragraph: neither opens the other', a: `${IMS_TWO_SENTENCES} They discussed the war.`, b: `${IMS_TWO_SENTENCES} They discussed energy.`, expected: false },
    { description: 'a shared closing paragraph is not an opening', a: `First release. ${IMS_TWO_SENTENCES}`, b: `Second release. ${IMS_TWO_SENTENCES}`, expected: false },
  ])('$description', ({ a, b, expected }) => {
    expect(sharedOpening(o(a), o(b))).toBe(expected);
    expect(sharedOpening(o(b), o(a))).toBe(expected);
  });

  it('a text shorter than the bar is no opening at all', () => {
    expect(prepareOpening('NATO Secretary General Mark Rutte met the President of Finland. They discussed security.')).toBeUndefined();
  });
});
