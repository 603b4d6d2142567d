// Measures the store at 1k / 10k / 100k stories of ~2 KB: open time, one ingest run's merge and commit, memory.
// One ingest run = twenty agency feeds of 50 items merged in turn (about 60 stories change), then one commit.
//
//   node dist/bench/store-bench.js            every size, one child process each, then a table
//   node dist/bench/store-bench.js 100000     one size
//
// Each size runs in its own process so its peak RSS is its own. The store lives in a temporary folder on the
// same file system as os.tmpdir(); set TMPDIR to measure another disk.
import { spawnSync } from 'node:child_process';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Incoming, ItemSource, StoreData, Story } from '../model.js';
import { keys } from '../stories/identity.js';
import { mergeIncoming, sourceKey } from '../stories/merge.js';
import { emptyStore, openStore } from '../store/store.js';
import { random as rng } from './synthetic-store.js';
import { createApp } from '../web/app.js';
import { tuneHeapForWebTier } from '../web/heap.js';
import { buildPublication } from '../web/publication.js';

const AGENCIES = Array.from({ length: 20 }, (_, i) => `agency-${String(i + 1).padStart(2, '0')}`);
const WORDS =
  'operation network police arrested suspects europol eurojust nato secretary general minister security defence cooperation investigation authorities criminal organised crime money laundering trafficking drugs cyber ransomware infrastructure seized action day joint team prosecutors countries partners support analysis evidence meeting allies summit exercise forces deployment border agency report conference'.split(' ');

function words(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]!);
  return out.join(' ');
}

/** `n` stories of ~2 KB spread over five years, newest last, twenty agencies. */
function buildStories(n: number): StoreData {
  const r = rng(42);
  const end = Date.parse('2024-10-31T00:00:00Z');
  const span = 5 * 365 * 24 * 3600 * 1000;
  const stories: Story[] = [];
  const d = emptyStore();
  for (let i = 0; i < n; i++) {
    const agency = AGENCIES[i % AGENCIES.length]!;
    const published = new Date(end - span + Math.floor((span * i) / n)).toISOString();
    const feedUrl = `https://www.${agency}.example.eu/rss.xml`;
    const guid = `${100000 + i} at https://www.${agency}.example.eu`;
    const link = `https://www.${agency}.example.eu/news/${i}-${words(r, 4).replace(/ /g, '-')}`;
    const title = `${words(r, 3)} ${words(r, 6)}`.replace(/^./, (c) => c.toUpperCase());
    const paragraphs = [words(r, 40), words(r, 45), words(r, 35)];
    const contentHtml = paragraphs.map((p) => `<p>${p}.</p>`).join('');
    const k = [keys.guidLink(agency, feedUrl, guid, link), keys.guid(agency, feedUrl, guid), keys.link(link)!, keys.titleDate(agency, published.slice(0, 10), title)];
    stories.push({
      id: `tag:pressroom,${published.slice(0, 10)}:${agency}/${i.toString(16).padStart(16, '0')}`,
      seq: i + 1,
      agency,
      title,
      link,
      published,
      updated: published,
      firstSeen: published,
      dateSource: 'feed',
      contentHtml,
      summary: paragraphs[0]!.slice(0, 200),
      teaser: false,
      categories: ['Press release'],
      sources: [{ kind: 'feed', url: feedUrl, guid }],
      bodyFrom: sourceKey({ kind: 'feed', url: feedUrl, guid }),
      history: [],
      keys: k,
    });
  }
  return { ...d, stories, nextSeq: n + 1 };
}

/**
 * One agency's feed fetch in an ingest run: its 50 newest releases, of which `fresh` are new and `edited` were
 * edited upstream (new body), the rest unchanged; `old` more edits reach releases months or years back.
 */
function feedFetch(data: StoreData, run: number, agency: string, fresh: number, edited: number, old: number): Incoming[] {
  const r = rng(1000 + run * 100 + AGENCIES.indexOf(agency));
  const feedUrl = `https://www.${agency}.example.eu/rss.xml`;
  const mine = data.stories.filter((s) => s.agency === agency);
  const copy = (s: Story, contentHtml: string): Incoming => ({
    agency,
    title: s.title,
    link: s.link!,
    published: s.published,
    dateSource: 'feed',
    contentHtml,
    summary: s.summary,
    teaser: false,
    categories: s.categories,
    source: s.sources[0] as ItemSource,
    keys: (s.keys ?? []).slice(0, 3),
  });
  const out: Incoming[] = [];
  for (let i = 0; i < 50 - fresh; i++) {
    const s = mine[mine.length - 1 - i];
    if (s) out.push(copy(s, i < edited ? `${s.contentHtml}<p>Update ${run}: ${words(r, 12)}.</p>` : s.contentHtml));
  }
  for (let i = 0; i < old; i++) {
    const s = mine[Math.floor(r() * mine.length)]!;
    out.push(copy(s, `${s.contentHtml}<p>Correction ${run}: ${words(r, 8)}.</p>`));
  }
  for (let i = 0; i < fresh; i++) {
    const guid = `new-${run}-${i}`;
    const link = `https://www.${agency}.example.eu/news/new-${run}-${i}`;
    const title = `${words(r, 9)}`;
    const published = new Date(Date.parse('2024-10-30T12:00:00Z') + (run * 10 + i) * 60000).toISOString();
    out.push({
      agency,
      title,
      link,
      published,
      dateSource: 'feed',
      contentHtml: `<p>${words(r, 180)}.</p>`,
      summary: words(r, 40),
      teaser: false,
      categories: [],
      source: { kind: 'feed', url: feedUrl, guid },
      keys: [keys.guidLink(agency, feedUrl, guid, link), keys.guid(agency, feedUrl, guid), keys.link(link)!, keys.titleDate(agency, published.slice(0, 10), title)],
    });
  }
  return out;
}

const BASE = 'http://127.0.0.1:8080';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface Result {
  stories: number;
  buildMs: number;
  firstWriteMs: number;
  storeMB: number;
  openMs: number;
  openReadOnlyMs: number;
  readOnlyRssMB: number;
  browsedRssMB: number;
  webPeakRssMB: number;
  renderMs: number;
  renderAgainMs: number;
  reloadMs: number;
  republishMs: number;
  queryMs: number;
  oldStoryMs: number;
  mergeMs: number;
  firstMergeMs: number;
  changedPerRun: number;
  commitMs: number;
  commitMaxMs: number;
  partitionsWritten: number;
  writtenMB: number;
  peakRssMB: number;
}

/** The environment PM2 gives `app` (ecosystem.config.js), over ours: the bench measures what production runs. */
async function pm2Env(app: string): Promise<Record<string, string>> {
  const { apps } = (await import(pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../ecosystem.config.js')).href)) as {
    apps: { name: string; env?: Record<string, string> }[];
  };
  return Object.fromEntries(Object.entries(apps.find((a) => a.name === app)?.env ?? {}).filter(([k]) => k.startsWith('MALLOC_')));
}

/** Runs `node <this file> <args>` and returns the JSON line it prints. */
function child<T>(args: string[], env: Record<string, string> = {}): T {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`bench child ${args[0]} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

async function measure(n: number): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-bench-'));
  try {
    let t = performance.now();
    const data = buildStories(n);
    const buildMs = performance.now() - t;
    const store = await openStore(dir, { writable: true });
    t = performance.now();
    await store.commit(data);
    const firstWriteMs = performance.now() - t;
    const storeBytes = store.lastCommit?.bytesWritten ?? 0;
    await store.close();
    // The worker and the web tier each in a process of their own, so each peak RSS is theirs alone, with the
    // allocator settings PM2 gives them.
    const web = child<{ openMs: number; rssMB: number; browsedRssMB: number; peakRssMB: number; renderMs: number; renderAgainMs: number; reloadMs: number; republishMs: number; queryMs: number; oldStoryMs: number }>(['--web', dir], await pm2Env('pressroom-web'));
    const worker = child<Omit<Result, 'stories' | 'buildMs' | 'firstWriteMs' | 'storeMB' | 'openReadOnlyMs' | 'readOnlyRssMB' | 'browsedRssMB' | 'webPeakRssMB' | 'renderMs' | 'renderAgainMs' | 'reloadMs' | 'republishMs' | 'queryMs' | 'oldStoryMs'>>(['--worker', dir], await pm2Env('pressroom-worker'));
    return {
      stories: n,
      buildMs,
      firstWriteMs,
      storeMB: mb(storeBytes),
      openReadOnlyMs: web.openMs,
      readOnlyRssMB: web.rssMB,
      browsedRssMB: web.browsedRssMB,
      webPeakRssMB: web.peakRssMB,
      renderMs: web.renderMs,
      renderAgainMs: web.renderAgainMs,
      reloadMs: web.reloadMs,
      republishMs: web.republishMs,
      queryMs: web.queryMs,
      oldStoryMs: web.oldStoryMs,
      ...worker,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A process like the worker: open the store for writing, then six ingest runs, each merged and committed. */
async function workerProcess(dir: string): Promise<void> {
  let t = performance.now();
  const store = await openStore(dir, { writable: true });
  const openMs = performance.now() - t;
  const merges: number[] = [];
  const commits: number[] = [];
  let written = 0;
  let parts = 0;
  let changed = 0;
  for (let run = 0; run < 6; run++) {
    // One ingest run, as the worker does it: every agency's feed merged in turn, then one commit. Each feed
    // brings 2 new releases and 1 upstream edit of a recent one; every other run one feed also corrects an
    // old release. About 60 stories change per run.
    const now = new Date(Date.parse('2024-10-31T08:00:00Z') + run * 900_000);
    let next = store.data;
    const fetches = AGENCIES.map((agency) => feedFetch(next, run, agency, 2, 1, run % 2 === 1 && agency === AGENCIES[run]! ? 1 : 0));
    t = performance.now();
    for (const fetched of fetches) {
      const m = mergeIncoming(next, fetched, now);
      next = m.data;
      changed += m.created.length + m.updated.length;
    }
    merges.push(performance.now() - t);
    t = performance.now();
    await store.commit(next);
    commits.push(performance.now() - t);
    written += store.lastCommit?.bytesWritten ?? 0;
    parts += store.lastCommit?.partitionsWritten ?? 0;
  }
  await store.close();
  process.stdout.write(
    `${JSON.stringify({
      openMs,
      // The first run builds the merge's index of the freshly opened store; the rest reuse it.
      mergeMs: median(merges.slice(1)),
      firstMergeMs: merges[0]!,
      changedPerRun: Math.round(changed / commits.length),
      commitMs: median(commits),
      commitMaxMs: Math.max(...commits),
      partitionsWritten: parts / commits.length,
      writtenMB: Math.round((written / commits.length / 1024 / 1024) * 10) / 10,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

/**
 * A process like the web tier: open read-only, render every default document, one full-text query and one old
 * story's page, then report resident memory.
 */
async function webProcess(dir: string): Promise<void> {
  tuneHeapForWebTier(); // as `pressroom web` does
  const t = performance.now();
  const store = await openStore(dir, { writable: false });
  const openMs = performance.now() - t;
  const agencies = [...new Set(store.data.stories.map((s) => s.agency))].map((id) => ({ id, name: id }));
  const publish = { limit: 50, maxAgeSeconds: 900 };
  let renders = 0;
  let renderMs = 0;
  const app = createApp({
    snapshot: () => ({ data: store.data, version: store.version }),
    agencies,
    publicUrl: BASE,
    publish,
    log: { warn() {}, error() {} },
    onPublish: (p) => {
      if (++renders === 1) renderMs = p.ms;
    },
  });
  const server = createServer((req, res) => app.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fetchPath = (p: string) =>
    new Promise<void>((resolve, reject) =>
      get(`${url}${p}`, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${p}: ${res.statusCode}`))));
      }).on('error', reject),
    );

  // The first request renders every default document.
  await fetchPath('/feeds/all.atom');
  if (renders !== 1) throw new Error('nothing rendered');
  // Again, as after a reload that changed nothing (no document reused): warm code, partitions in the cache.
  let t2 = performance.now();
  buildPublication(store.data, agencies, BASE, publish);
  const renderAgainMs = performance.now() - t2;
  // The worst query: text no story has, so every title and summary is searched.
  t2 = performance.now();
  await fetchPath('/feeds/all.atom?q=zeppelin');
  const queryMs = performance.now() - t2;
  // A story page of an old story: its partition is read from disk.
  const oldest = app.publication().sorted.at(-1)!;
  t2 = performance.now();
  await fetchPath(`/stories/${encodeURIComponent(oldest.id)}`);
  const oldStoryMs = performance.now() - t2;
  // Resident memory between requests: after the render's turn of the event loop (its partition reads are let go
  // then) and a full collection.
  const settledRss = async () => {
    await new Promise((r) => setImmediate(r));
    global.gc?.();
    return mb(process.memoryUsage().rss);
  };
  const rssMB = await settledRss();
  // Then a reader browsing: the seven newest archive months of the merged feed and twelve 500-story queries,
  // twice over (the second time from the caches, as far as they hold).
  const months = app.publication().months.get('all')?.months.slice(0, 7) ?? [];
  for (let i = 0; i < 2; i++) {
    for (const m of months) await fetchPath(`/feeds/all/archive/${m}.atom`);
    for (const q of ['police', 'nato', 'operation', 'security', 'europol', 'minister']) {
      await fetchPath(`/feeds/all.json?q=${q}&limit=500`);
      await fetchPath(`/feeds/all.rss?q=${q}&limit=500`);
    }
  }
  const browsedRssMB = await settledRss();
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (process.env.BENCH_DEBUG) {
    const m = process.memoryUsage();
    process.stderr.write(`web: rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} maxRSS ${peakRssMB}\n`);
    for (const sp of getHeapSpaceStatistics()) process.stderr.write(`  ${sp.space_name}: size ${mb(sp.space_size)} used ${mb(sp.space_used_size)}\n`);
  }

  // What each commit of the worker costs this web instance: reload the store, then the publication (documents
  // whose stories did not change are reused). Memory is measured above: a writer is opened in this process only
  // now, to commit one new release at a time, as a quiet ingest run does.
  const writer = await openStore(dir, { writable: true });
  const reloads: number[] = [];
  const publications: number[] = [];
  for (let i = 0; i < 5; i++) {
    const d = writer.data;
    const last = d.stories.at(-1)!;
    const published = new Date(Date.parse(last.published) + 60_000).toISOString();
    const fresh = { ...last, id: `${last.id}-${i}`, seq: d.nextSeq, published, updated: published, firstSeen: published, keys: [] };
    await writer.commit({ ...d, stories: [...d.stories, fresh], nextSeq: d.nextSeq + 1 });
    await new Promise((r) => setTimeout(r, 20)); // a new mtime for the manifest
    let t3 = performance.now();
    if (!(await store.reload())) throw new Error('the reader did not see the commit');
    reloads.push(performance.now() - t3);
    t3 = performance.now();
    app.publication();
    publications.push(performance.now() - t3);
  }
  await writer.close();
  process.stdout.write(
    `${JSON.stringify({ openMs, rssMB, browsedRssMB, peakRssMB, renderMs, renderAgainMs, queryMs, oldStoryMs, reloadMs: median(reloads), republishMs: median(publications), stories: store.data.stories.length })}\n`,
  );
  server.close();
  await store.close();
}

async function main(): Promise<void> {
  if (process.argv[2] === '--web') return webProcess(process.argv[3]!);
  if (process.argv[2] === '--worker') return workerProcess(process.argv[3]!);
  const arg = process.argv[2];
  if (arg) {
    process.stdout.write(`${JSON.stringify(await measure(Number(arg)))}\n`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const rows: Result[] = [];
  for (const n of [1_000, 10_000, 100_000]) {
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', self, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`bench for ${n} stories failed (exit ${r.status})`);
    rows.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Result);
  }
  const cols: [keyof Result, string][] = [
    ['stories', 'stories'],
    ['storeMB', 'store MB'],
    ['firstWriteMs', 'full write ms'],
    ['openMs', 'open (writer) ms'],
    ['openReadOnlyMs', 'open (web) ms'],
    ['readOnlyRssMB', 'web RSS MB'],
    ['browsedRssMB', 'web RSS after browsing MB'],
    ['webPeakRssMB', 'web peak RSS MB'],
    ['renderMs', 'web first render ms'],
    ['renderAgainMs', 'web render again ms'],
    ['reloadMs', 'web reload after a commit ms'],
    ['republishMs', 'web publication after a commit ms'],
    ['queryMs', 'web ?q= scan ms'],
    ['oldStoryMs', 'web old story ms'],
    ['changedPerRun', 'stories changed/run'],
    ['firstMergeMs', 'first run merge ms'],
    ['mergeMs', 'run merge ms'],
    ['commitMs', 'run commit ms (median)'],
    ['commitMaxMs', 'run commit ms (max)'],
    ['partitionsWritten', 'partitions/run'],
    ['writtenMB', 'MB written/run'],
    ['peakRssMB', 'worker peak RSS MB'],
  ];
  const cell = (r: Result, k: keyof Result) => (typeof r[k] === 'number' ? String(Math.round(r[k] * 10) / 10) : String(r[k]));
  const widths = cols.map(([k, h]) => Math.max(h.length, ...rows.map((r) => cell(r, k).length)));
  const line = (xs: string[]) => `| ${xs.map((x, i) => x.padStart(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`store benchmark (node ${process.version}, ${tmpdir()})\n`);
  process.stdout.write(`${line(cols.map(([, h]) => h))}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map(([k]) => cell(r, k)))}\n`);
  const big = rows.find((r) => r.stories === 100_000);
  if (big) process.stdout.write(`\none run's commit at 100k stories: ${Math.round(big.commitMs)} ms median (budget 200 ms)\n`);
}

await main();
