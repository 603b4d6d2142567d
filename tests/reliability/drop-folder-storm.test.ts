// The drop folder as careless people and scripts use it, all at once, against `pressroom start`: dozens of files
// copied in pieces, edited, deleted, replaced non-atomically and renamed into place, while a reader polls the feeds.
// No half-read item may ever be published, and the feeds must end as the folder says: every item of every file
// there, nothing of the deleted ones, each withdrawal on /status.
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { between, seededRng, seedFromEnv, title } from './helpers.js';

interface JsonFeed {
  items: { id: string; title: string; content_html?: string }[];
}

const FILES = 30;
const GRACE_MS = 2000;

describe('the drop folder under a storm of changes', () => {
  let daemon: Daemon | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it('publishes no half-read item and ends as the folder says', async () => {
    const seed = seedFromEnv();
    const rng = seededRng(seed);
    console.log(`drop-folder storm: RELIABILITY_SEED=${seed}`);
    const ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol' } }, []);
    const dir = path.join(ws.feedsDir, 'bulletins');
    // The shipped settle time (1 s) and schedule (5 min): only the watcher is quick.
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_DELETE_GRACE_MS: String(GRACE_MS) });
    const url = daemon.url;

    // Each file: two items, each body ending in a marker, so a body read half-way is recognisable.
    const files = Array.from({ length: FILES }, (_, f) => {
      const items = [0, 1].map((k) => {
        const t = title(rng, f * 2 + k);
        const agency = rng() < 0.5 ? 'NATO' : 'Europol';
        const body = `${agency} reports on ${t.toLowerCase()}, with details of the operation and the partners involved in it. END-${f}-${k}.`;
        return { t, text: `${t}\n\nSource: ${agency}\n\n${body}\n` };
      });
      return { name: `storm-${String(f).padStart(2, '0')}-2024-10-${String(1 + (f % 28)).padStart(2, '0')}.txt`, items };
    });
    const textOf = (items: { text: string }[]) => items.map((i) => i.text).join('\n');

    // A reader polling the merged feed all along: every body it ever sees must be whole.
    let polling = true;
    const broken: string[] = [];
    const reader = (async () => {
      while (polling) {
        try {
          const feed = (await (await fetch(`${url}/feeds/all.json?limit=500`)).json()) as JsonFeed;
          for (const i of feed.items) if (!/END-\d+-\d\.<\/p>$/.test((i.content_html ?? '').trim())) broken.push(`${i.title}: ${i.content_html}`);
        } catch {
          // a poll during shutdown
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    // Phase 1: every file copied in three pieces, 100–500 ms apart (under the 1 s settle time), all at once.
    await Promise.all(
      files.map(async (f) => {
        const text = textOf(f.items);
        const cuts = [between(rng, 10, text.length - 20), 0];
        cuts[1] = between(rng, cuts[0]! + 1, text.length - 1);
        const p = path.join(dir, f.name);
        await new Promise((r) => setTimeout(r, between(rng, 0, 300)));
        writeFileSync(p, text.slice(0, cuts[0]));
        await new Promise((r) => setTimeout(r, between(rng, 100, 500)));
        appendFileSync(p, text.slice(cuts[0], cuts[1]));
        await new Promise((r) => setTimeout(r, between(rng, 100, 500)));
        appendFileSync(p, text.slice(cuts[1]));
      }),
    );
    const all = files.flatMap((f) => f.items.map((i) => i.t)).sort();
    const titles = async () => ((await (await fetch(`${url}/feeds/all.json?limit=500`)).json()) as JsonFeed).items.map((i) => i.title).sort();
    await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify(all), 20_000, 'every item of every file');

    // Phase 2: a third deleted, a third edited (second item removed; half atomically, half rewritten in place),
    // a third deleted and written again at once (a non-atomic replace: no deletion).
    const expected = new Set<string>();
    const gone = new Set<string>();
    files.forEach((f, i) => {
      const p = path.join(dir, f.name);
      if (i % 3 === 0) {
        rmSync(p);
        for (const it of f.items) gone.add(it.t);
      } else if (i % 3 === 1) {
        if (i % 2) {
          writeFileSync(path.join(dir, `.${f.name}.tmp`), textOf([f.items[0]!]));
          renameSync(path.join(dir, `.${f.name}.tmp`), p);
        } else writeFileSync(p, textOf([f.items[0]!]));
        expected.add(f.items[0]!.t);
        gone.add(f.items[1]!.t);
      } else {
        rmSync(p);
        writeFileSync(p, textOf(f.items));
        for (const it of f.items) expected.add(it.t);
      }
    });
    await waitFor(async () => JSON.stringify(await titles()) === JSON.stringify([...expected].sort()), GRACE_MS + 20_000, 'the feeds to match the folder');
    polling = false;
    await reader;

    expect(broken).toEqual([]);
    const status = (await (await fetch(`${url}/status`)).json()) as { withdrawn: { title: string }[]; withdrawnStories: number };
    expect(status.withdrawn.map((w) => w.title).sort()).toEqual([...gone].sort());
    expect(status.withdrawnStories).toBe(gone.size);
    // Nothing came back as a second story: ids stay unique and every withdrawn page answers 410.
    const feed = (await (await fetch(`${url}/feeds/all.json?limit=500`)).json()) as JsonFeed;
    expect(new Set(feed.items.map((i) => i.id)).size).toBe(expected.size);
  }, 120_000);
});
