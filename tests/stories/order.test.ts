// The same inputs in any order, any number of times, across restarts: no new story, no new id, no new byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incoming, StoreData, Story } from '../../src/model.js';
import { parseFeed } from '../../src/sources/parse-feed.js';
import { random as rng } from '../../src/bench/synthetic-store.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { feedItemToIncoming } from '../../src/stories/normalise.js';
import { wholeStory } from '../../src/store/reader-stories.js';
import { emptyStore, openStore } from '../../src/store/store.js';
import { buildPublication } from '../../src/web/publication.js';
import { AGENCIES, bulletinItems, NOW, ROOT } from './merge.data.js';

function shuffle<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The seed bulletin and the three agencies' shipped feeds: one batch per source, as the worker merges them. */
async function seedBatches(now = NOW): Promise<Incoming[][]> {
  const batches = [bulletinItems()];
  for (const a of Object.values(AGENCIES)) {
    const parsed = await parseFeed(readFileSync(path.join(ROOT, `tests/fixtures/feeds/${a.id}.rss`), 'utf8'), a.feedUrl);
    if (!parsed.ok) throw new Error(parsed.message);
    batches.push(parsed.items.map((it, i) => feedItemToIncoming(it, i, { agency: a.id, feedUrl: a.feedUrl, timeZone: a.timeZone, now }).incoming!));
  }
  return batches;
}

/** Several orders of the sources, and of the items within each, plus everything in one call. */
function permutations(batches: Incoming[][], count: number): Incoming[][][] {
  const r = rng(7);
  const out: Incoming[][][] = [batches, [...batches].reverse()];
  while (out.length < count - 1) out.push(shuffle(batches, r).map((b) => shuffle(b, r)));
  out.push([shuffle(batches.flat(), r)]);
  return out;
}

function ingest(data: StoreData, order: Incoming[][], now: Date): { data: StoreData; created: number; updated: number } {
  let created = 0;
  let updated = 0;
  for (const batch of order) {
    const m = mergeIncoming(data, batch, now);
    data = m.data;
    created += m.created.length;
    updated += m.updated.length;
  }
  return { data, created, updated };
}

/**
 * Everything a story is, except what records arrival order: its id (minted from whichever copy came first)
 * and seq (a tie-break). Ids are compared where they must agree: once minted, re-ingesting keeps them.
 */
const content = (d: StoreData) =>
  d.stories
    .map(({ id: _id, seq: _seq, keys, ...rest }: Story) => ({ ...rest, keys: [...(keys ?? [])].sort() }))
    .sort((a, b) => (a.agency + a.title < b.agency + b.title ? -1 : 1));

const AGENCY_INFO = Object.entries(AGENCIES).map(([name, a]) => ({ id: a.id, name }));
const render = (d: StoreData) => {
  const docs = buildPublication(d, AGENCY_INFO, 'http://127.0.0.1:8080', { limit: 50, maxAgeSeconds: 900 }).docs;
  return Object.fromEntries([...docs].map(([k, v]) => [k, v.body.toString('utf8')]));
};

describe('order and repetition', () => {
  let batches: Incoming[][];
  let orders: Incoming[][][];
  beforeAll(async () => {
    batches = await seedBatches();
    orders = permutations(batches, 8);
  });

  it('gives the same stories whatever order one run sees the sources and items in', () => {
    const first = ingest(emptyStore(), orders[0]!, NOW).data;
    expect(first.stories).toHaveLength(15);
    for (const order of orders.slice(1)) {
      const other = ingest(emptyStore(), order, NOW).data;
      expect(content(other)).toEqual(content(first));
    }
  });

  it('creates nothing, changes nothing and keeps every id when the same inputs come again, in any order, many times', async () => {
    const first = ingest(emptyStore(), orders[0]!, NOW).data;
    let data = first;
    for (let round = 1; round <= 3; round++)
      for (const [i, order] of orders.entries()) {
        // A later run re-reads the same feeds (normalised at its own time) and the same bulletin.
        const now = new Date(NOW.getTime() + (round * 10 + i) * 3600_000);
        const again = ingest(data, order.map((b) => b.map((inc) => ({ ...inc }))), now);
        expect(again.created).toBe(0);
        expect(again.updated).toBe(0);
        expect(again.data.stories).toBe(data.stories);
        data = again.data;
      }
    // Fresh normalisation of the feeds on a later day gives the same keys, so the same answer.
    const rebatched = await seedBatches(new Date(NOW.getTime() + 5 * 24 * 3600_000));
    expect(ingest(data, shuffle(rebatched, rng(3)), new Date(NOW.getTime() + 5 * 24 * 3600_000)).data.stories).toBe(data.stories);
    expect(render(data)).toEqual(render(first));
  });

  describe('across restarts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-order-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps ids, bytes and stories when the store is reopened and everything is ingested again', async () => {
      let store = await openStore(dir, { writable: true });
      await store.commit(ingest(store.data, orders[0]!, NOW).data);
      const ids = store.data.stories.map((s) => s.id);
      const before = render(store.data);
      const snapshot = JSON.parse(JSON.stringify(store.data.stories)) as Story[];
      await store.close();

      for (const [i, order] of orders.entries()) {
        store = await openStore(dir, { writable: true });
        expect(store.data.stories.map((s) => s.id)).toEqual(ids);
        const again = ingest(store.data, order, new Date(NOW.getTime() + (i + 1) * 3600_000));
        expect(again.created + again.updated).toBe(0);
        await store.commit(again.data);
        await store.close();
      }
      store = await openStore(dir, { writable: false });
      // A reader reads the cold fields from disk when used (src/store/reader-stories.ts): compare them as read.
      expect(store.data.stories.map(wholeStory)).toEqual(snapshot);
      expect(render(store.data)).toEqual(before);
      await store.close();
    });
  });

  it('moves `updated` only for what a reader could have seen: a teaser upgraded in a later run', () => {
    const [bulletin, ...feeds] = batches;
    // Bulletin in run 1, feeds in run 2: readers saw the teasers, so the upgraded stories move `updated`.
    const split = ingest(ingest(emptyStore(), [bulletin!], NOW).data, feeds, new Date(NOW.getTime() + 3600_000)).data;
    // Everything in one run: nobody saw a teaser; `updated` is the sources' own.
    const once = ingest(emptyStore(), [bulletin!, ...feeds], NOW).data;
    const latvia = (d: StoreData) => d.stories.find((s) => s.title.startsWith('Europol supports Latvia'))!;
    expect(latvia(split).updated).toBe(new Date(NOW.getTime() + 3600_000).toISOString());
    expect(latvia(once).updated).toBe(latvia(once).published);
    // Apart from `updated` (and the title history readers saw), the two agree.
    const strip = (d: StoreData) => content(d).map(({ updated: _u, history: _h, firstSeen: _f, ...rest }) => rest);
    expect(strip(split)).toEqual(strip(once));
  });
});
