// A store that degrades instead of failing, end to end against the real processes: each fault an operator (or a
// disk) can do to data/ — a truncated or garbage partition, a missing .bak, a deleted manifest, a symbolic link
// and a FIFO planted in data/, a full file system — and the daemon (`start`, and the read-only `web`) still comes
// up, serves every story but those of the damaged file, and names the loss in its log, /status and /readyz.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, makeWorkspace, NO_PAGE_FETCHES, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { bulletin } from './helpers.js';

const AGENCIES = { nato: { name: 'NATO', timezone: 'UTC' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } };

interface Manifest {
  partitions: Record<string, { file: string; stories: number }>;
}
const manifestOf = (dataDir: string, f = 'pressroom.json') => JSON.parse(readFileSync(path.join(dataDir, f), 'utf8')) as Manifest;

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}
async function ids(url: string): Promise<string[]> {
  const feed = JSON.parse((await get(`${url}/feeds/all.json?limit=500`)).body) as { items: { id: string }[] };
  return feed.items.map((i) => i.id).sort();
}
interface Status {
  degraded?: Record<string, { message: string; detail?: { damaged?: { file: string; month?: string; agency?: string; stories?: number; quarantined?: string }[] } }>;
}
const status = async (url: string) => JSON.parse((await get(`${url}/status`)).body) as Status;

/** Stories of one partition, by id, as the store on disk holds them. */
function storyIdsOf(dataDir: string, file: string): string[] {
  return (JSON.parse(readFileSync(path.join(dataDir, 'stories', file), 'utf8')) as { stories: { id: string }[] }).stories.map((s) => s.id).sort();
}

describe('a damaged store', () => {
  /** A store of three months and three agencies, committed twice (so there is a .bak), copied per test. */
  let pristine: string;
  let feedsDir: string;
  let allIds: string[];
  const roots: string[] = [];
  const daemons: Daemon[] = [];

  beforeAll(async () => {
    const ws = makeWorkspace(AGENCIES);
    roots.push(ws.root);
    feedsDir = ws.feedsDir;
    const body = (n: number) => `Operation ${n} ended with arrests in four countries; the agency coordinated the action days with its partners.`;
    writeFileSync(
      path.join(feedsDir, 'bulletins', 'bulletin-2024-08-05.txt'),
      bulletin([
        { title: 'NATO opens a liaison office in the Balkans', source: 'NATO', body: body(1) },
        { title: 'Allied ministers agree on air defence funding', source: 'NATO', body: body(2) },
      ]),
    );
    writeFileSync(
      path.join(feedsDir, 'bulletins', 'bulletin-2024-09-05.txt'),
      bulletin([
        { title: 'Europol takes down a phishing-as-a-service platform', source: 'Europol', body: body(3) },
        { title: 'Money mule network dismantled across the Union', source: 'Europol', body: body(4) },
      ]),
    );
    const env = { FEEDS_DIR: feedsDir, DATA_DIR: ws.dataDir };
    expect((await runCli(['ingest', '--once'], env)).code).toBe(0);
    // A second commit that rewrites a partition (an edited release), so that pressroom.json.bak exists and names
    // its previous file. (A store whose every file is of its first commit, with no manifest and no .bak, looks like
    // a first commit killed before its manifest: those files are set aside, not served; see src/store/recovery.ts.)
    const sept = path.join(feedsDir, 'bulletins', 'bulletin-2024-09-05.txt');
    writeFileSync(sept, readFileSync(sept, 'utf8').replace(body(3), `${body(3)} Twelve suspects were arrested.`));
    expect((await runCli(['ingest', '--once'], env)).code).toBe(0);
    expect(existsSync(path.join(ws.dataDir, 'pressroom.json.bak'))).toBe(true);
    pristine = ws.dataDir;
    expect(Object.keys(manifestOf(pristine).partitions).sort()).toEqual(['2024-08_nato', '2024-09_europol', '2024-10_eurojust', '2024-10_europol', '2024-10_nato']);
    const d = await startDaemon({ FEEDS_DIR: feedsDir, DATA_DIR: copy() }, 20_000, 'web');
    daemons.push(d);
    allIds = await ids(d.url);
    expect(allIds).toHaveLength(14);
    await d.stop();
  }, 120_000);

  afterAll(async () => {
    for (const d of daemons) await d.stop('SIGKILL');
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  /** A fresh copy of the two-commit store. */
  function copy(): string {
    const root = mkdtempSync(path.join(tmpdir(), 'pressroom-faults-'));
    roots.push(root);
    const dir = path.join(root, 'data');
    cpSync(pristine, dir, { recursive: true });
    return dir;
  }
  async function daemon(dataDir: string, command: 'start' | 'web' = 'start'): Promise<Daemon> {
    // No bulletins: a running ingest would bring the lost stories back and hide what the test looks for.
    const emptyFeeds = mkdtempSync(path.join(tmpdir(), 'pressroom-faults-feeds-'));
    roots.push(emptyFeeds);
    cpSync(path.join(feedsDir, 'agencies'), path.join(emptyFeeds, 'agencies'), { recursive: true });
    mkdirSync(path.join(emptyFeeds, 'bulletins'));
    const d = await startDaemon({ FEEDS_DIR: emptyFeeds, DATA_DIR: dataDir }, 20_000, command);
    daemons.push(d);
    return d;
  }

  /** Damages 2024-08_nato's file (which both manifests name: no older copy), starts `command`, checks the loss is exactly that. */
  async function lostOnePartition(command: 'start' | 'web', damage: (file: string) => void, reason: RegExp): Promise<{ d: Daemon; dataDir: string; file: string }> {
    const dataDir = copy();
    const file = manifestOf(dataDir).partitions['2024-08_nato']!.file;
    expect(manifestOf(dataDir, 'pressroom.json.bak').partitions['2024-08_nato']!.file).toBe(file);
    const lost = storyIdsOf(dataDir, file);
    expect(lost).toHaveLength(2);
    damage(path.join(dataDir, 'stories', file));
    const d = await daemon(dataDir, command);
    expect(await ids(d.url)).toEqual(allIds.filter((id) => !lost.includes(id)));
    const ready = await get(`${d.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/^ready, degraded: store\n/);
    expect(ready.body).toContain(`stories/${file} (2024-08, agency nato, 2 stories per the manifest)`);
    const s = await status(d.url);
    expect(s.degraded?.store?.detail?.damaged?.[0]).toMatchObject({ file: `stories/${file}`, month: '2024-08', agency: 'nato', stories: 2, reason: expect.stringMatching(reason) });
    expect(d.logs()).toContain(`STORE DAMAGE: stories/${file}`);
    // Public pages name files inside DATA_DIR, never where DATA_DIR is.
    expect(JSON.stringify(s) + ready.body).not.toContain(dataDir);
    expect(d.logs()).not.toMatch(/move the data folder aside|pressroom\.json cannot be read/);
    // The status feed says so too.
    expect((await get(`${d.url}/feeds/status.atom`)).body).toContain('Pressroom set damaged store files aside');
    return { d, dataDir, file };
  }

  it('serves every other story when a partition is truncated, and quarantines it (start)', async () => {
    const { dataDir, file } = await lostOnePartition('start', (f) => truncateSync(f, 40), /JSON|Unexpected|end/i);
    const q = readdirSync(path.join(dataDir, 'quarantine'));
    expect(q.some((f) => f.startsWith(`${file}.`) && !f.endsWith('.loss.json'))).toBe(true);
    expect(q.some((f) => f.endsWith('.loss.json'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'stories', file))).toBe(false);
  });

  it('serves every other story when a partition is garbage, and the read-only web tier moves nothing', async () => {
    const { dataDir, file } = await lostOnePartition('web', (f) => writeFileSync(f, '\u0000garbage\u00ff'), /JSON|Unexpected/i);
    expect(existsSync(path.join(dataDir, 'quarantine'))).toBe(false);
    expect(readFileSync(path.join(dataDir, 'stories', file), 'utf8')).toBe('\u0000garbage\u00ff');
  });

  it('never follows a symbolic link planted in place of a partition (start and web)', async () => {
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'pressroom-outside-')), 'elsewhere.json');
    roots.push(path.dirname(outside));
    for (const command of ['web', 'start'] as const) {
      const { d, dataDir, file } = await lostOnePartition(
        command,
        (f) => {
          // The target even holds the very partition: it is still not read through the link.
          cpSync(f, outside);
          rmSync(f);
          symlinkSync(outside, f);
        },
        /symbolic link/,
      );
      if (command === 'start') expect(lstatSync(path.join(dataDir, 'quarantine', readdirSync(path.join(dataDir, 'quarantine')).find((f) => f.startsWith(file) && !f.endsWith('.json'))!)).isSymbolicLink()).toBe(true);
      await d.stop();
    }
    expect(existsSync(outside)).toBe(true);
  });

  it('does not hang on a FIFO planted in data/stories (start and web)', async () => {
    for (const command of ['web', 'start'] as const) {
      const { d } = await lostOnePartition(
        command,
        (f) => {
          rmSync(f);
          execFileSync('mkfifo', [f]);
        },
        /FIFO/,
      );
      await d.stop();
    }
  });

  it('restores a damaged partition from the copy the last good manifest names (nothing but the last run lost)', async () => {
    const dataDir = copy();
    const m = manifestOf(dataDir);
    const bak = manifestOf(dataDir, 'pressroom.json.bak');
    // The partition the second commit rewrote: its previous file is still there, named by .bak.
    const changed = Object.keys(m.partitions).find((p) => bak.partitions[p] && bak.partitions[p]!.file !== m.partitions[p]!.file) ?? '';
    expect(changed).toBe('2024-09_europol');
    writeFileSync(path.join(dataDir, 'stories', m.partitions[changed]!.file), '{"partial": ');
    const d = await daemon(dataDir);
    expect(await ids(d.url)).toEqual(allIds);
    expect((await get(`${d.url}/readyz`)).body).toContain(`restored from stories/${bak.partitions[changed]!.file}`);
    // The edit of the second run is what was lost: the story is there with its text before the edit.
    const story = JSON.parse((await get(`${d.url}/feeds/europol.json`)).body) as { items: { title: string; content_html?: string; content_text?: string }[] };
    const edited = story.items.find((i) => i.title.startsWith('Europol takes down'))!;
    expect(JSON.stringify(edited)).not.toContain('Twelve suspects');
  });

  it('starts as usual without pressroom.json.bak', async () => {
    const dataDir = copy();
    rmSync(path.join(dataDir, 'pressroom.json.bak'));
    const d = await daemon(dataDir);
    expect(await ids(d.url)).toEqual(allIds);
    expect((await get(`${d.url}/readyz`)).body).toBe('ready\n');
  });

  it('rebuilds a deleted manifest (and .bak) from the partition files, for start and web alike', async () => {
    for (const command of ['web', 'start'] as const) {
      const dataDir = copy();
      rmSync(path.join(dataDir, 'pressroom.json'));
      rmSync(path.join(dataDir, 'pressroom.json.bak'));
      const d = await daemon(dataDir, command);
      expect(await ids(d.url)).toEqual(allIds);
      const ready = await get(`${d.url}/readyz`);
      expect(ready.body).toMatch(/^ready, degraded: store\n/);
      expect(ready.body).toContain('rebuilt from 5 partition files (14 stories)');
      expect(existsSync(path.join(dataDir, 'pressroom.json'))).toBe(command === 'start');
      await d.stop();
    }
  });
});

describe('a full disk', () => {
  const mnt = mkdtempSync(path.join(tmpdir(), 'pressroom-tmpfs-'));
  let mounted = false;
  let d: Daemon | undefined;

  beforeAll(() => {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { encoding: 'utf8' });
    mounted = r.status === 0;
    if (!mounted) console.warn(`SKIPPED the full-disk test: cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}); it needs root or CAP_SYS_ADMIN`);
  });
  afterAll(async () => {
    await d?.stop('SIGKILL');
    if (mounted) spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('serves what is stored, says why it cannot write, counts and retries, and writes again once there is room', { timeout: 120_000 }, async (ctx) => {
    if (!mounted) ctx.skip();
    const ws = makeWorkspace(AGENCIES);
    const dataDir = path.join(mnt, 'data');
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: dataDir };
    expect((await runCli(['ingest', '--once'], env)).code).toBe(0);
    const before = readdirSync(path.join(dataDir, 'stories')).sort();
    // Fill the file system to the last block.
    spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    expect(() => writeFileSync(path.join(mnt, 'probe'), 'x'.repeat(8192))).toThrow(/ENOSPC/);
    rmSync(path.join(mnt, 'probe'), { force: true });

    // A restart on the full disk: it serves (the lock needs no disk), and says at once that it cannot write: its
    // write probe failed before it listened, so its very first answers say so, and so did its log.
    d = await startDaemon({ ...env, BULLETIN_SCHEDULE: '* * * * * *' }, 20_000, 'start');
    const first = await get(`${d.url}/readyz`);
    expect(first.status).toBe(200);
    expect(first.body).toMatch(/^ready, degraded: commits\n/);
    expect(first.body).toMatch(/no space left on the device \(ENOSPC\); serving .* read-only/);
    expect((await status(d.url)).degraded?.commits?.message).toMatch(/ENOSPC.*read-only/);
    const log = d.logs();
    expect(log).toMatch(/STORE READ-ONLY: the data folder takes no write \(ENOSPC\)/);
    expect(log.indexOf('STORE READ-ONLY')).toBeLessThan(log.indexOf('listening on'));
    expect(readdirSync(dataDir).filter((f) => f.startsWith('.write-probe'))).toEqual([]);
    await waitFor(async () => (await ids(d!.url)).length === 10, 15_000, 'the stored stories');
    // A new bulletin: the run that reads it cannot commit.
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'bulletin-2024-10-10.txt'), bulletin([{ title: 'Eurojust coordinates a day of action against fraud', source: 'Eurojust', body: 'Judicial authorities in five countries acted together on the same day against an investment fraud ring.' }]));
    await waitFor(async () => /store commits fail/.test((await get(`${d!.url}/readyz`)).body), 20_000, 'commits reported failing');
    const ready = await get(`${d.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/no space left on the device \(ENOSPC\); serving the last good state read-only/);
    expect((await status(d.url)).degraded?.commits?.message).toMatch(/ENOSPC/);
    expect((await get(`${d.operatorUrl}/metrics`)).body).toMatch(/^pressroom_store_commit_failures_total [1-9]\d*$/m);
    await waitFor(async () => (await get(`${d!.url}/feeds/status.atom`)).body.includes('Pressroom cannot write its store'), 10_000, 'the status feed incident');
    expect(await ids(d.url)).toHaveLength(10);
    // A read-only web instance beside it hears of the failing commits from the writer (over its lock socket: no
    // disk needed), before its first answer, and so does `pressroom status`.
    const web = await startDaemon(env, 20_000, 'web');
    try {
      // From its first answer: it asks the writer before it listens.
      expect((await get(`${web.url}/readyz`)).body).toMatch(/^ready, degraded: commits\n.*store commits fail: no space left on the device \(ENOSPC\)/);
      expect((await status(web.url)).degraded?.commits?.message).toMatch(/ENOSPC/);
    } finally {
      await web.stop();
    }
    expect((await runCli(['status'], env)).stdout).toMatch(/^store: store commits fail: no space left on the device \(ENOSPC\)/m);
    // Nothing a failed commit wrote is left behind.
    const leftovers = readdirSync(path.join(dataDir, 'stories')).filter((f) => !before.includes(f));
    const named = new Set([...Object.values(manifestOf(dataDir).partitions)].map((p) => p.file));
    expect(leftovers.filter((f) => !named.has(f))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'pressroom.json.tmp'))).toBe(false);

    // Room again: the next try commits, and the degradation clears.
    rmSync(path.join(mnt, 'filler'));
    await waitFor(async () => (await ids(d!.url)).length === 11, 70_000, 'the new story committed');
    await waitFor(async () => (await get(`${d!.url}/readyz`)).body === 'ready\n', 10_000, 'ready again');
    expect(d.logs()).toMatch(/store commit failed/);
    await d.stop();
    d = undefined;
    rmSync(ws.root, { recursive: true, force: true });
  });

  it('under PM2 (worker + web), the web tier’s /metrics counts the worker’s failed commits though its metrics file cannot be rewritten', { timeout: 120_000 }, async (ctx) => {
    if (!mounted) ctx.skip();
    const ws = makeWorkspace(AGENCIES);
    const dataDir = path.join(mnt, 'data-pm2');
    rmSync(path.join(mnt, 'filler'), { force: true });
    const env = { PATH: process.env.PATH ?? '', FEEDS_DIR: ws.feedsDir, DATA_DIR: dataDir, BULLETIN_SCHEDULE: '* * * * * *', LOG_LEVEL: 'info', ...NO_PAGE_FETCHES };
    const worker = spawn(process.execPath, [MAIN, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let workerLog = '';
    worker.stdout!.on('data', (x) => (workerLog += x));
    worker.stderr!.on('data', (x) => (workerLog += x));
    let web: Daemon | undefined;
    try {
      // The worker's start-up run leaves its metrics file (no failure yet), then the disk fills.
      const metricsFile = path.join(dataDir, 'worker-metrics.prom');
      await waitFor(async () => existsSync(metricsFile), 20_000, 'the worker metrics file');
      expect(readFileSync(metricsFile, 'utf8')).toMatch(/^pressroom_store_commit_failures_total 0$/m);
      web = await startDaemon(env, 20_000, 'web');
      spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
      writeFileSync(path.join(ws.feedsDir, 'bulletins', 'bulletin-2024-10-10.txt'), bulletin([{ title: 'Eurojust coordinates a day of action against fraud', source: 'Eurojust', body: 'Judicial authorities in five countries acted together on the same day against an investment fraud ring.' }]));
      await waitFor(async () => /store commit failed/.test(workerLog), 20_000, 'a failed commit in the worker');
      // The file still says 0 (it cannot be rewritten); the web tier's /metrics says what the worker said on its
      // lock socket, within the two seconds it asks in.
      await waitFor(async () => /^pressroom_store_commit_failures_total [1-9]\d*$/m.test((await get(`${web!.operatorUrl}/metrics`)).body), 15_000, 'the web tier counting the failures');
      expect(readFileSync(metricsFile, 'utf8')).toMatch(/^pressroom_store_commit_failures_total 0$/m);
      const metrics = (await get(`${web.operatorUrl}/metrics`)).body;
      expect(metrics.match(/^pressroom_store_commit_failures_total /gm)).toHaveLength(1);
      expect((await get(`${web.url}/readyz`)).body).toMatch(/degraded: commits/);
    } finally {
      await web?.stop();
      const exited = new Promise((r) => worker.once('exit', r));
      if (worker.exitCode === null) worker.kill('SIGTERM');
      await exited;
      rmSync(path.join(mnt, 'filler'), { force: true });
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});
