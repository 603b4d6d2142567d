// Merging copies of one press release: the seed bulletin against the agencies' own feeds, copies and traps.
import { describe, expect, it } from 'vitest';
import type { Incoming, StoreData, Story } from '../../src/model.js';
import { copyEvidence, mergeIncoming } from '../../src/stories/merge.js';
import { emptyStore } from '../../src/store/store.js';
import { bulletinItem, bulletinItems, COPIES, feedItem, LATVIA_FULL, NOW, TRAPS, type MergeCase } from './merge.data.js';

const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);

/** Runs batches in order, one mergeIncoming call (one source) each, like the worker. */
function ingest(data: StoreData, batches: Incoming[][], now = NOW): StoreData {
  for (const b of batches) data = mergeIncoming(data, b, now).data;
  return data;
}

const pair = (c: MergeCase) => ({ bulletin: bulletinItem(c.bulletin), feed: feedItem(c.agency, c.feed) });

describe('copies of one press release become one story', () => {
  it.each(COPIES)('$description', (c) => {
    const { bulletin, feed } = pair(c);
    for (const order of [[[bulletin], [feed]], [[feed], [bulletin]], [[bulletin, feed]]]) {
      const data = ingest(emptyStore(), order);
      expect(data.stories, order.length === 2 && order[0]![0] === feed ? 'feed first' : 'bulletin first').toHaveLength(1);
      const [story] = data.stories as [Story];
      expect(story.sources.map((s) => s.kind).sort()).toEqual(['bulletin', 'feed']);
      // The agency's own channel names, links and dates the release.
      expect(story.link).toBe(feed.link);
      expect(story.published).toBe(feed.published);
      expect(story.dateSource).toBe('feed');
      expect(story.title).toBe(feed.title);
      expect(story.sources).toContainEqual(feed.source);
      expect(story.sources).toContainEqual(bulletin.source);
    }
  });
});

describe('look-alikes stay apart', () => {
  it.each(TRAPS)('$description', (c) => {
    const { bulletin, feed } = pair(c);
    for (const order of [[[bulletin], [feed]], [[feed], [bulletin]]]) {
      const data = ingest(emptyStore(), order);
      expect(data.stories).toHaveLength(2);
      expect(new Set(data.stories.map((s) => s.id)).size).toBe(2);
    }
    expect(copyEvidence(ingest(emptyStore(), [[bulletin]]).stories[0]!, feed, Date.parse(feed.published!))).toBe(0);
  });

  it('two items of one feed under one title are two releases', () => {
    const item = (n: number) =>
      feedItem('nato', { guid: `weekly-${n}`, link: `https://www.nato.int/cps/en/natohq/news_${n}.htm`, title: 'Weekly press conference by the NATO Secretary General', published: `0${n} Oct. 2024 10:00:00 GMT`, summaryHtml: `Press conference number ${n}.` });
    const data = ingest(emptyStore(), [[item(7), item(8)]]);
    expect(data.stories).toHaveLength(2);
    // and the week after, the next one is a third
    expect(ingest(data, [[item(8), item(9)]]).stories).toHaveLength(3);
  });

  it('two items of one bulletin under one title are two releases', () => {
    const b = bulletinItem('NATO Secretary General to visit the United Kingdom');
    const twin: Incoming = { ...b, source: { kind: 'bulletin', file: 'bulletin-2024-10-09.txt', line: 400 }, contentHtml: '<p>Another visit.</p>', summary: 'Another visit.' };
    const data = ingest(emptyStore(), [[b, twin]]);
    expect(data.stories).toHaveLength(2);
    expect(ingest(data, [[b, twin]], later(1)).stories).toHaveLength(2);
  });
});

describe('the merged story', () => {
  it('takes the feed’s full text over the bulletin’s teaser, in either order', () => {
    const b = bulletinItem('Europol supports Latvia');
    const f = feedItem('europol', COPIES[0]!.feed);
    expect(b.teaser).toBe(true);
    for (const order of [[[b], [f]], [[f], [b]]]) {
      const [s] = ingest(emptyStore(), order).stories as [Story];
      expect(s.teaser).toBe(false);
      expect(s.contentHtml).toBe(LATVIA_FULL);
      expect(s.bodyFrom).toMatch(/^feed:/);
    }
  });

  it('keeps the bulletin’s full text over the feed’s one-paragraph description', () => {
    const b = bulletinItem('The Director General of NATO IMS');
    const f = feedItem('nato', COPIES[2]!.feed);
    for (const order of [[[b], [f]], [[f], [b]]]) {
      const [s] = ingest(emptyStore(), order).stories as [Story];
      expect(s.contentHtml).toBe(b.contentHtml);
      expect(s.contentHtml.match(/<p>/g)).toHaveLength(4);
      expect(s.link).toBe('https://www.nato.int/cps/en/natohq/news_229611.htm');
    }
  });

  it('is upgraded in place when the full text arrives in a later run: same id, updated moves, teaser clears', () => {
    const b = bulletinItem('Europol supports Latvia');
    const run1 = mergeIncoming(emptyStore(), [b], NOW);
    const before = run1.data.stories[0]!;
    expect(before.teaser).toBe(true);
    // A bulletin day's stories are told apart by seconds after midnight, fewer the later the item's line.
    expect(Date.parse(before.updated) - Date.parse(before.published)).toBe((3600 - (b.source as { line: number }).line) * 1000);

    const run2 = mergeIncoming(run1.data, [feedItem('europol', COPIES[0]!.feed, { now: later(2) })], later(2));
    expect(run2.created).toEqual([]);
    expect(run2.updated).toEqual([before.id]);
    const after = run2.data.stories[0]!;
    expect(after.id).toBe(before.id);
    expect(after.teaser).toBe(false);
    expect(after.contentHtml).toBe(LATVIA_FULL);
    expect(after.updated).toBe(later(2).toISOString());
    expect(after.published).toBe('2024-10-08T09:00:00.000Z');
    expect(after.history).toEqual([]); // same title
    // The bulletin run's story object is untouched (merge is pure).
    expect(run1.data.stories[0]).toBe(before);
    expect(before.teaser).toBe(true);
  });

  it('does not move `updated` when a later copy adds nothing a reader sees', () => {
    const f = feedItem('europol', COPIES[0]!.feed);
    const run1 = mergeIncoming(emptyStore(), [f], NOW).data;
    const run2 = mergeIncoming(run1, [bulletinItem('Europol supports Latvia')], later(2));
    const s = run2.data.stories[0]!;
    expect(s.updated).toBe(run1.stories[0]!.updated);
    expect(s.sources).toHaveLength(2); // the bulletin is listed as a source all the same
  });

  it('lists its sources in one order whatever order they came in', () => {
    const b = bulletinItem('EMPACT Hackathon');
    const f = feedItem('europol', COPIES[1]!.feed);
    const one = ingest(emptyStore(), [[b], [f]]).stories[0]!;
    const two = ingest(emptyStore(), [[f], [b]]).stories[0]!;
    expect(one.sources).toEqual(two.sources);
    expect(one.sources[0]).toEqual({ kind: 'bulletin', file: 'bulletin-2024-10-09.txt', line: b.source.kind === 'bulletin' ? b.source.line : 0 });
    expect(one.sources[1]).toEqual({ kind: 'feed', url: 'https://www.europol.europa.eu/cms/api/rss/news', guid: '4519 at https://www.europol.europa.eu' });
  });
});

describe('edits upstream', () => {
  const v1 = { guid: 'n-1', link: 'https://www.nato.int/cps/en/natohq/news_1.htm', title: 'NATO Allies agree on new test centres', published: '07 Oct. 2024 08:45:00 GMT', summaryHtml: 'NATO Allies have agreed to expand the network of test centres of the Defence Innovation Accelerator.' };

  it('a retitled item keeps its id, moves `updated`, and keeps the old title in history', () => {
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', v1)], NOW);
    const id = run1.data.stories[0]!.id;
    const run2 = mergeIncoming(run1.data, [feedItem('nato', { ...v1, title: 'NATO Allies agree on new Defence Innovation Accelerator test centres' }, { now: later(1) })], later(1));
    const s = run2.data.stories[0]!;
    expect(run2.data.stories).toHaveLength(1);
    expect(s.id).toBe(id);
    expect(s.title).toBe('NATO Allies agree on new Defence Innovation Accelerator test centres');
    expect(s.history).toEqual([{ title: 'NATO Allies agree on new test centres', until: later(1).toISOString() }]);
    expect(s.updated).toBe(later(1).toISOString());
  });

  it('a changed body replaces the body, even a shorter one, and moves `updated`', () => {
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', v1)], NOW);
    const run2 = mergeIncoming(run1.data, [feedItem('nato', { ...v1, summaryHtml: 'NATO Allies agreed new test centres.' })], later(3));
    const s = run2.data.stories[0]!;
    expect(s.contentHtml).toBe('NATO Allies agreed new test centres.');
    expect(s.updated).toBe(later(3).toISOString());
    expect(s.history).toEqual([]);
  });

  it('a link fixed under the same guid keeps the story', () => {
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', v1)], NOW);
    const run2 = mergeIncoming(run1.data, [feedItem('nato', { ...v1, link: 'https://www.nato.int/cps/en/natohq/news_1-fixed.htm' })], later(1));
    expect(run2.data.stories).toHaveLength(1);
    expect(run2.data.stories[0]!.link).toBe('https://www.nato.int/cps/en/natohq/news_1-fixed.htm');
  });

  it('a declared <updated> dates the first version; a CMS stamping it on every fetch changes nothing', () => {
    const atom = { ...v1, updated: '2024-10-09T12:00:00Z' };
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', atom)], NOW).data;
    expect(run1.stories[0]).toMatchObject({ published: '2024-10-07T08:45:00.000Z', updated: '2024-10-09T12:00:00.000Z' });
    const run2 = mergeIncoming(run1, [feedItem('nato', { ...atom, updated: later(1).toISOString() }, { now: later(1) })], later(1));
    expect(run2.updated).toEqual([]);
    expect(run2.data.stories).toBe(run1.stories);
  });

  it('an item that disappears from its feed is kept', () => {
    const other = { ...v1, guid: 'n-2', link: 'https://www.nato.int/cps/en/natohq/news_2.htm', title: 'NATO Military Committee Chair visits Naples', summaryHtml: 'The Chair of the NATO Military Committee visited Allied Joint Force Command Naples.' };
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', v1), feedItem('nato', other)], NOW);
    const run2 = mergeIncoming(run1.data, [feedItem('nato', other)], later(1));
    expect(run2.data.stories.map((s) => s.title).sort()).toEqual([other.title, v1.title].sort());
    expect(run2.data.stories).toBe(run1.data.stories); // nothing changed at all
    expect(run2.data.inFeed?.['https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml']).toEqual([run1.data.stories[1]!.id]);
  });
});

describe('dates of merged stories', () => {
  const future = { guid: 'f-1', link: 'https://www.nato.int/cps/en/natohq/news_9.htm', title: 'NATO Acting Deputy Secretary General to visit Finland', published: '15 Oct. 2024 11:30:00 GMT', summaryHtml: 'On 10 and 11 October 2024, the NATO Acting Deputy Secretary General, Ambassador Boris Ruge, will travel to Helsinki, Finland.' };

  it('a date more than a day ahead is held at first-seen and flagged, and stays held', () => {
    const run1 = mergeIncoming(emptyStore(), [feedItem('nato', future)], NOW);
    const s1 = run1.data.stories[0]!;
    expect(s1.published).toBe(NOW.toISOString());
    expect(s1.dateSource).toBe('first-seen');
    expect(s1.dateFlag).toBe('future');
    // Days later the date is no longer ahead of the clock, but it was ahead of when the story was first seen.
    const at = new Date('2024-10-15T12:00:00Z');
    const run2 = mergeIncoming(run1.data, [feedItem('nato', future, { now: at })], at);
    expect(run2.updated).toEqual([]);
    expect(run2.data.stories[0]).toMatchObject({ id: s1.id, published: s1.published, updated: s1.updated, dateSource: 'first-seen', dateFlag: 'future' });
  });

  it('a bulletin’s day stands in for a feed date that was not believed, still flagged', () => {
    const b = bulletinItem('NATO Acting Deputy Secretary General to visit Finland');
    for (const order of [[[b], [feedItem('nato', future)]], [[feedItem('nato', future)], [b]]]) {
      const [s] = ingest(emptyStore(), order).stories as [Story];
      expect(s.published).toBe('2024-10-09T00:00:00.000Z');
      expect(s.dateSource).toBe('bulletin');
      expect(s.dateFlag).toBe('future');
    }
  });

  it('an unreadable date falls back to first-seen, flagged; a good copy clears the flag', () => {
    const bad = feedItem('nato', { ...future, published: 'Tuesday-ish' });
    const run1 = mergeIncoming(emptyStore(), [bad], NOW).data;
    expect(run1.stories[0]).toMatchObject({ published: NOW.toISOString(), dateSource: 'first-seen', dateFlag: 'unparseable' });
    const good = feedItem('nato', { ...future, published: '09 Oct. 2024 11:30:00 GMT' });
    const run2 = mergeIncoming(run1, [good], later(1)).data;
    expect(run2.stories[0]).toMatchObject({ published: '2024-10-09T11:30:00.000Z', dateSource: 'feed' });
    expect(run2.stories[0]!.dateFlag).toBeUndefined();
  });

  it('never stores NaN and never a date made up at render time', () => {
    const data = ingest(emptyStore(), [bulletinItems(), [feedItem('nato', { ...future, published: 'garbage' })]]);
    for (const s of data.stories) {
      expect(Number.isNaN(Date.parse(s.published))).toBe(false);
      expect(Number.isNaN(Date.parse(s.updated))).toBe(false);
      expect(s.updated >= s.published).toBe(true);
    }
  });
});
