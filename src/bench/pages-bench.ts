// Benchmark: rendering an HTML list page, a search page and a month-archive page at 10,000 and 100,000 stories,
// each beside the Atom feed of the same stories (same query for the search). A page costing more than 1.5 times
// its feed fails (a search matching nothing is the same scan in both, so its ratio is 1 give or take the noise of
// a shared machine).
import { prepare } from '../web/prepared.js';
import { resolvePage } from '../web/html-pages.js';
import { buildPublication, feedMeta, renderVariant, type Publication } from '../web/publication.js';
import { formatCursor } from '../publish/list-window.js';
import { renderFeed, CONTENT_TYPES } from '../publish/render-feed.js';
import { parseFeedQuery } from '../web/feed-query.js';
import { BENCH_AGENCIES, syntheticStore } from './synthetic-store.js';
import type { Story } from '../model.js';

const BASE = 'https://press.example.org';
const OPTS = { limit: 50, maxAgeSeconds: 900 };
const RUNS = 9;

/** Median of RUNS timings, in ms. */
function median(run: () => unknown): number {
  run(); // warm
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

function page(pub: Publication, path: string, query: string) {
  const r = resolvePage(pub, path, query);
  if (r.kind !== 'page') throw new Error(`${path}?${query}: ${r.kind}`);
  return r;
}

/** The stories a rendered list page links, in order (read back from its bytes). */
function listed(pub: Publication, html: string): Story[] {
  const byId = new Map(pub.sorted.map((s) => [s.id, s]));
  return [...html.matchAll(/<li><h2><a href="[^"]*\/stories\/([^"]+)">/g)].map((m) => byId.get(decodeURIComponent(m[1]!.replace(/&#38;/g, '&')))!);
}

const atomOf = (pub: Publication, stories: readonly Story[]) => () =>
  prepare(renderFeed('atom', feedMeta('all', pub.agencies, pub.baseUrl, OPTS), stories), CONTENT_TYPES.atom, { cacheControl: 'public, max-age=900' });

function main(): void {
  console.log('\n## HTML pages beside the feed of the same stories (dist/bench/pages-bench.js)');
  console.log(`Median of ${RUNS} renderings (each one rendering and hashing the bytes, as the web tier does once per store version).`);
  console.log('| stories | page | page ms | page KB | feed of the same stories | feed ms | feed KB | page/feed |');
  console.log('|---|---|---|---|---|---|---|---|');
  let bad = 0;
  for (const n of [10_000, 100_000]) {
    const data = syntheticStore(n);
    const pub = buildPublication(data, BENCH_AGENCIES, BASE, OPTS, undefined, new Date('2025-01-15T00:00:00Z'));
    const mid = pub.sorted[Math.floor(n / 2)]!;
    const cursor = `before=${formatCursor({ published: mid.published, seq: mid.seq })}`;
    const months = pub.months.get('all')!.months;
    const month = months[Math.floor(months.length / 2)]!;
    // "ransomware victims": two words side by side, in a few per cent of titles and summaries.
    const q = 'q=ransomware+victims';
    const parsed = parseFeedQuery(q, OPTS.limit);
    if (!parsed.ok) throw new Error(parsed.message);
    // A query that matches nothing scans every story, in the page as in the feed.
    const none = 'q=no+such+words';
    const parsedNone = parseFeedQuery(none, OPTS.limit);
    if (!parsedNone.ok) throw new Error(parsedNone.message);
    const cases: { name: string; path: string; query: string; feed: string; feedRun: (stories: Story[]) => () => unknown }[] = [
      { name: 'list, a middle page of /news/all', path: '/news/all', query: cursor, feed: 'Atom of those 50', feedRun: (s) => atomOf(pub, s) },
      {
        name: `search /news/all?${q}`,
        path: '/news/all',
        query: q,
        feed: `/feeds/all.atom?${q}`,
        feedRun: () => () => renderVariant(pub, 'all', 'atom', parsed.query, parsed.canonical),
      },
      {
        name: `search /news/all?${none}`,
        path: '/news/all',
        query: none,
        feed: `/feeds/all.atom?${none}`,
        feedRun: () => () => renderVariant(pub, 'all', 'atom', parsedNone.query, parsedNone.canonical),
      },
      { name: `month /news/all/archive/${month}, first page`, path: `/news/all/archive/${month}`, query: '', feed: 'Atom of those 50', feedRun: (s) => atomOf(pub, s) },
    ];
    for (const c of cases) {
      const p = page(pub, c.path, c.query);
      const doc = p.render();
      const stories = listed(pub, doc.body.toString('utf8'));
      const feedRun = c.feedRun(stories);
      const feedDoc = feedRun() as { body: Buffer };
      const pageMs = median(() => p.render());
      const feedMs = median(feedRun);
      const ratio = pageMs / feedMs;
      if (ratio > 1.5) bad++;
      console.log(
        `| ${n.toLocaleString('en')} | ${c.name} (${stories.length} stories) | ${pageMs.toFixed(2)} | ${(doc.body.length / 1024).toFixed(0)} | ${c.feed} | ${feedMs.toFixed(2)} | ${(feedDoc.body.length / 1024).toFixed(0)} | ${ratio.toFixed(2)} |`,
      );
    }
  }
  if (bad) {
    console.log(`${bad} page(s) cost more than 1.5 times the feed of the same stories`);
    process.exitCode = 1;
  }
}

main();
