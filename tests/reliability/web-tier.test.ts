// The read-only web tier while the worker commits several times a second and is SIGKILLed at random moments.
//
// A web instance keeps only each story's listing fields and reads bodies and links from the partition files
// when it renders (src/store/reader-stories.ts); the writer retires old files as it commits. Whatever the
// worker is doing, every answer must be complete: every item with its body and link, every story page with its
// text, and no story once served may disappear.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { between, bulletin, get, rssFeed, seededRng, seedFromEnv, sleep, spawnDaemon, stopDaemon, title, type DaemonProc, type GenItem } from './helpers.js';

const KILLS = Number(process.env.RELIABILITY_WORKER_KILLS ?? 12);
const AGENCIES = ['nato', 'europol', 'eurojust'] as const;

interface Item {
  id: string;
  url?: string;
  title: string;
  content_html?: string;
  content_text?: string;
}

describe('the web tier while the worker commits and is killed', () => {
  let fx: FixtureServer | undefined;
  let web: DaemonProc | undefined;
  let worker: DaemonProc | undefined;
  const roots: string[] = [];

  afterAll(async () => {
    for (const d of [worker, web]) if (d?.alive()) await stopDaemon(d, 'SIGKILL');
    await fx?.close();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it(`serves every story whole, with its body and link, across ${KILLS} worker SIGKILLs`, async () => {
    const seed = seedFromEnv();
    const rng = seededRng(seed);
    fx = await startFixtures();
    const ws = makeWorkspace(
      Object.fromEntries(AGENCIES.map((a) => [a, { name: a.toUpperCase(), timezone: 'UTC', feeds: [{ url: `${fx!.url}/gen-${a}.rss`, schedule: '* * * * * *' }] }])),
      [],
    );
    roots.push(ws.root);
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_SCHEDULE: '* * * * * *', PUBLIC_URL: 'http://pressroom.test' };

    // New releases several times a second, on feeds (which keep their last 6 items) and in bulletins.
    let n = 0;
    const items = new Map<string, GenItem[]>(AGENCIES.map((a) => [a, []]));
    const publish = (a: string) => fx!.setFile(`gen-${a}.rss`, rssFeed(a, items.get(a)!));
    const change = () => {
      const k = ++n;
      if (rng() < 0.7) {
        const a = AGENCIES[between(rng, 0, AGENCIES.length - 1)]!;
        const list = items.get(a)!;
        list.unshift({ guid: `web-${a}-${k}`, title: title(rng, k), link: `https://${a}.example.org/news/${k}`, pubDate: new Date(Date.now() - 60_000), description: `Release ${k} of ${a}. `.repeat(40) });
        list.splice(6);
        publish(a);
      } else {
        const source = AGENCIES[between(rng, 0, AGENCIES.length - 1)]!.toUpperCase();
        writeFileSync(path.join(ws.feedsDir, 'bulletins', `web-2024-11-${String(between(rng, 1, 28)).padStart(2, '0')}-${k}.txt`), bulletin([{ title: title(rng, k), source, body: `Bulletin text of release ${k}. `.repeat(40) }]));
      }
    };
    for (const a of AGENCIES) publish(a);
    change();

    // The first worker run creates the store; the web tier then opens it and stays up throughout.
    worker = spawnDaemon(env, ['worker']);
    const manifest = path.join(ws.dataDir, 'pressroom.json');
    for (let i = 0; i < 100 && !existsSync(manifest); i++) await sleep(100);
    web = spawnDaemon(env, ['web']);
    const base = await web.listening;
    expect(base, web.logs()).toBeDefined();

    const problems: string[] = [];
    const everServed = new Set<string>();
    let answers = 0;
    let pages = 0;
    let stop = false;
    const check = (what: string, list: Item[]) => {
      for (const it of list) {
        if (!it.content_html || it.content_html.length < 20) problems.push(`${what}: ${it.id} has no body (${JSON.stringify(it).slice(0, 200)})`);
        if (!it.url || !/^https?:\/\//.test(it.url)) problems.push(`${what}: ${it.id} has no link`);
      }
    };
    const poller = async () => {
      while (!stop) {
        // A query variant (rendered on demand, reading bodies from disk) and the default document.
        const doc = rng() < 0.5 ? '/feeds/all.json?limit=500' : '/feeds/all.json';
        const r = await get(`${base}${doc}`, { timeoutMs: 10_000 }).catch((e: Error) => ({ status: 0, body: e.message }));
        answers++;
        if (r.status !== 200) {
          problems.push(`${doc}: HTTP ${r.status} ${String(r.body).slice(0, 200)}`);
          continue;
        }
        const list = (JSON.parse(String(r.body)) as { items: Item[] }).items;
        check(doc, list);
        if (doc.includes('limit=500')) {
          const ids = new Set(list.map((i) => i.id));
          for (const id of everServed) if (!ids.has(id)) problems.push(`${id} was served before and is gone`);
          for (const id of ids) everServed.add(id);
        }
        // One story's own page, an old one as often as a new one.
        if (list.length) {
          const story = list[between(rng, 0, list.length - 1)]!;
          const page = await get(`${base}/stories/${encodeURIComponent(story.id)}`, { timeoutMs: 10_000 }).catch((e: Error) => ({ status: 0, body: e.message }));
          pages++;
          const article = /<article>([\s\S]*?)<\/article>/.exec(String(page.body))?.[1] ?? '';
          // A story can be gone from the page only if it was never stored: every id here came from the feed.
          if (page.status !== 200 || article.replace(/<[^>]+>/g, '').trim().length < 20) problems.push(`story page ${story.id}: HTTP ${page.status}, article ${JSON.stringify(article.slice(0, 80))}`);
        }
        await sleep(between(rng, 10, 60));
      }
    };
    const changer = async () => {
      while (!stop) {
        change();
        await sleep(between(rng, 100, 350));
      }
    };
    const loops = [poller(), poller(), changer()];

    const t0 = Date.now();
    let kills = 0;
    for (; kills < KILLS; kills++) {
      if (!worker?.alive()) worker = spawnDaemon(env, ['worker']);
      await sleep(between(rng, 400, 2500));
      worker.child.kill('SIGKILL');
      await worker.exited;
      await sleep(between(rng, 0, 300));
    }
    // A last worker that lives: the web tier must catch up with everything it commits.
    worker = spawnDaemon(env, ['worker']);
    await sleep(2500);
    stop = true;
    await Promise.all(loops);
    await stopDaemon(worker);
    const webStop = await stopDaemon(web);

    process.stdout.write(
      `[reliability] web tier (seed ${seed}): ${kills} worker SIGKILLs in ${Math.round((Date.now() - t0) / 1000)} s, ${n} releases published, ` +
        `${answers} feed answers and ${pages} story pages checked, ${everServed.size} stories served, ${problems.length} problems\n`,
    );
    expect(problems.slice(0, 10)).toEqual([]);
    expect(everServed.size).toBeGreaterThan(10);
    expect(answers).toBeGreaterThan(50);
    expect(webStop.code).toBe(0);
  });
});
