// One ingest run at a time, with a fixed clock: bulletins still settling are left, deleted ones are withdrawn only
// after their grace period, an item-less read withdraws nothing, a vanished folder deletes nothing.
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import type { Agency } from '../../src/model.js';
import { openStore, type Store } from '../../src/store/store.js';
import { runIngest, type IngestPlan } from '../../src/worker/ingest.js';
import { publicView } from '../../src/web/public-view.js';

const silent = { info() {}, warn() {}, error() {} };
const NATO: Agency = { id: 'nato', name: 'NATO', aliases: [], timezone: 'Europe/Brussels', feeds: [], configured: true };
const ITEM = `NATO Allies conclude annual nuclear deterrence exercise

Source: NATO

Brussels, 9 October 2024 – NATO Allies concluded the annual exercise Steadfast Noon, which involved 60 aircraft
from thirteen Allied nations flying over the North Sea and the United Kingdom.
`;
const T0 = Date.parse('2024-10-10T08:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

describe('the bulletin drop folder over time', () => {
  let root: string;
  let dir: string;
  let store: Store;
  let config: Config;
  const run = (seconds: number, plan: Partial<IngestPlan> = {}) =>
    runIngest({ config, store, log: silent, now: () => at(seconds), userAgent: 'test' }, { bulletins: true, feeds: [], fulltext: false, settleMs: 1000, deleteGraceMs: 60_000, ...plan });
  const published = () => publicView(store.data).data.stories.map((s) => s.title);
  /** Writes a bulletin modified `seconds` into the test's clock. */
  const drop = (name: string, text: string, seconds: number) => {
    writeFileSync(path.join(dir, name), text);
    utimesSync(path.join(dir, name), at(seconds), at(seconds));
  };

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pressroom-lifecycle-'));
    dir = path.join(root, 'feeds', 'bulletins');
    mkdirSync(dir, { recursive: true });
    config = {
      port: 0,
      feedsDir: path.join(root, 'feeds'),
      dataDir: path.join(root, 'data'),
      bulletinsDir: dir,
      logLevel: 'silent',
      bulletinSchedule: '*/5 * * * *',
      fetch: { timeoutMs: 1500, maxBytes: 512 * 1024, maxRedirects: 5, concurrency: 4 },
      parse: { budgetMs: 10_000, threads: 1 },
      agencies: [NATO],
    };
    store = await openStore(config.dataDir, { writable: true });
  });
  afterEach(async () => {
    await store.close();
  });

  it.each([
    { description: 'modified 0.2 s ago: left for a later run', modified: -0.2, read: false },
    { description: 'modified 0.99 s ago: still left', modified: -0.99, read: false },
    { description: 'modified 1 s ago: settled, read', modified: -1, read: true },
    { description: 'modified an hour ago (an atomic rename of an old file): read', modified: -3600, read: true },
    { description: 'modified in the future (another clock): read, never left forever', modified: 600, read: true },
  ])('a file $description', async ({ modified, read }) => {
    drop('digest-2024-10-09.txt', ITEM, modified);
    const r = await run(0);
    expect(r.settling ?? 0).toBe(read ? 0 : 1);
    expect(published()).toEqual(read ? ['NATO Allies conclude annual nuclear deterrence exercise'] : []);
    // With no settle time (`ingest --once`) every file is read now.
    if (!read) {
      await run(0, { settleMs: 0 });
      expect(published()).toHaveLength(1);
    }
  });

  it('withdraws a deleted file’s stories only after the grace period, and forgets the file', async () => {
    drop('digest-2024-10-09.txt', ITEM, -10);
    await run(0);
    expect(published()).toHaveLength(1);
    rmSync(path.join(dir, 'digest-2024-10-09.txt'));
    const first = await run(5);
    expect(first.missing).toEqual([{ file: 'digest-2024-10-09.txt', deletesAt: at(65).toISOString() }]);
    expect(store.data.sources['bulletin:digest-2024-10-09.txt']?.missingSince).toBe(at(5).toISOString());
    await run(64);
    expect(published()).toHaveLength(1);
    const gone = await run(65);
    expect(gone.withdrawals?.map((w) => [w.change, w.reason])).toEqual([['withdrawn', 'its bulletin digest-2024-10-09.txt was deleted']]);
    expect(published()).toEqual([]);
    expect(store.data.sources['bulletin:digest-2024-10-09.txt']).toBeUndefined();
    // Dropped again: the same story, its old id, back in the feeds.
    const id = store.data.stories[0]!.id;
    drop('digest-2024-10-09.txt', ITEM, 60);
    await run(70);
    expect(publicView(store.data).data.stories.map((s) => s.id)).toEqual([id]);
  });

  it('does not count a file replaced within the grace period as deleted', async () => {
    drop('digest-2024-10-09.txt', ITEM, -10);
    await run(0);
    renameSync(path.join(dir, 'digest-2024-10-09.txt'), path.join(root, 'aside.txt'));
    await run(5);
    renameSync(path.join(root, 'aside.txt'), path.join(dir, 'digest-2024-10-09.txt'));
    await run(30);
    expect(store.data.sources['bulletin:digest-2024-10-09.txt']?.missingSince).toBeUndefined();
    await run(120);
    expect(published()).toHaveLength(1);
  });

  it('deletes nothing when the drop folder itself is gone (an unmounted share)', async () => {
    drop('digest-2024-10-09.txt', ITEM, -10);
    await run(0);
    rmSync(dir, { recursive: true });
    await run(5);
    await run(3600);
    expect(published()).toHaveLength(1);
  });

  it('withdraws nothing when a file is emptied or no longer has an item: delete it for that', async () => {
    drop('digest-2024-10-09.txt', ITEM, -10);
    await run(0);
    drop('digest-2024-10-09.txt', '', 5);
    await run(10);
    expect(published()).toHaveLength(1);
    drop('digest-2024-10-09.txt', 'Dear all, the releases follow tomorrow.\n', 15);
    await run(20);
    expect(published()).toHaveLength(1);
  });
});
