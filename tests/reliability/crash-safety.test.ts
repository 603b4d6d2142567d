// Crash safety: the daemon is SIGKILLed at random moments while its ingest runs keep writing the store; after
// every kill the store opens again and every story of every completed run is still there, with the same id.
//
// "Completed run" has two kinds of evidence, both recorded while the daemon lives:
//   - served: ids the web answered in /feeds/all.json (it renders from committed store versions);
//   - logged: the worker logs one line per source per run *after* the store write; on each such line the test
//     opens the store read-only (as the web tier does) and records the ids it holds.
// The sources slide (feeds keep their last few items, old bulletin files are deleted), so a lost story cannot
// quietly come back by being ingested again.
import { mkdirSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, SEED } from '../helpers/daemon.js';
import { start as startFixtures, type FixtureServer } from '../helpers/fixture-server.js';
import { openStore } from '../../src/store/store.js';
import {
  between,
  bulletin,
  get,
  logLine,
  rssFeed,
  seededRng,
  seedFromEnv,
  sleep,
  spawnDaemon,
  stopDaemon,
  title,
  type DaemonProc,
  type GenItem,
  type JsonFeed,
} from './helpers.js';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 50);
const AGENCIES = [
  { id: 'nato', name: 'NATO' },
  { id: 'europol', name: 'Europol' },
  { id: 'eurojust', name: 'Eurojust' },
] as const;
/** Items each generated feed keeps; older ones leave the feed (but must stay in the store). */
const FEED_WINDOW = 4;
/** Bulletin files kept in the drop folder; older ones are deleted. */
const BULLETIN_WINDOW = 3;
const PUBLIC_URL = 'http://pressroom.test';
/** Long bodies (~6 kB a story) make each store write take a while, so that kills land inside writes too. */
const BODY_REPEAT = 180;

describe('crash safety', () => {
  let fx: FixtureServer | undefined;
  let current: DaemonProc | undefined;

  /** Temporary workspaces, removed at the end. */
  const roots: string[] = [];

  afterAll(async () => {
    if (current?.alive()) await stopDaemon(current, 'SIGKILL');
    await fx?.close();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  it(`keeps every story of every completed run, with the same id, across ${KILLS} SIGKILLs`, async () => {
    const seed = seedFromEnv();
    const rng = seededRng(seed);
    fx = await startFixtures();
    const ws = makeWorkspace(
      Object.fromEntries(
        AGENCIES.map((a) => [a.id, { name: a.name, timezone: 'UTC', feeds: [{ url: `${fx!.url}/gen-${a.id}.rss`, schedule: '* * * * * *' }] }]),
      ),
      [],
    );
    const bulletinsDir = path.join(ws.feedsDir, 'bulletins');
    roots.push(ws.root);
    mkdirSync(ws.dataDir, { recursive: true }); // watched from the first start on
    const env = {
      FEEDS_DIR: ws.feedsDir,
      DATA_DIR: ws.dataDir,
      BULLETIN_SCHEDULE: '* * * * * *',
      FETCH_TIMEOUT_MS: '5000',
      PUBLIC_URL,
      // Old bulletin files leave the drop folder here so that a lost story cannot come back by being read again,
      // not as their author's withdrawal: a file gone past the grace period withdraws its bulletin-only stories
      // (README "Edits, deletions and withdrawals"; tested in e2e/retractions), which in a run longer than the
      // default 60 s would take out stories this test must find. The longest grace keeps deletion out of it.
      BULLETIN_DELETE_GRACE_MS: '86400000',
    };

    // ---- the sources, changed between kills and while the daemon runs -------------------------------------
    let n = 0;
    const feedItems = new Map<string, GenItem[]>(AGENCIES.map((a) => [a.id, []]));
    const bulletinFiles: string[] = [];
    const publishFeed = (agency: string) => fx!.setFile(`gen-${agency}.rss`, rssFeed(agency, feedItems.get(agency)!));
    const addFeedItem = () => {
      const agency = AGENCIES[between(rng, 0, AGENCIES.length - 1)]!.id;
      const k = ++n;
      const items = feedItems.get(agency)!;
      items.unshift({
        guid: `gen-${agency}-${k}`,
        title: title(rng, k),
        link: `https://${agency}.example.org/news/${k}`,
        pubDate: new Date(Date.now() - 60_000),
        description: `Generated press release ${k} of ${agency}. `.repeat(BODY_REPEAT),
      });
      items.splice(FEED_WINDOW);
      publishFeed(agency);
    };
    const addBulletin = () => {
      const items = Array.from({ length: between(rng, 1, 2) }, () => {
        const k = ++n;
        return { title: title(rng, k), source: AGENCIES[between(rng, 0, AGENCIES.length - 1)]!.name, body: `Bulletin text of release ${k}. `.repeat(BODY_REPEAT) };
      });
      const name = `crash-2024-11-${String(between(rng, 1, 28)).padStart(2, '0')}-${n}.txt`;
      writeFileSync(path.join(bulletinsDir, name), bulletin(items));
      bulletinFiles.push(name);
      while (bulletinFiles.length > BULLETIN_WINDOW) rmSync(path.join(bulletinsDir, bulletinFiles.shift()!), { force: true });
    };
    const change = () => (rng() < 0.5 ? addBulletin() : addFeedItem());
    for (const a of AGENCIES) publishFeed(a.id);

    // ---- evidence --------------------------------------------------------------------------------------------
    /** id → title, from /feeds/all.json answers. */
    const served = new Map<string, string>();
    /** id → title, from the store opened read-only after a run's log line. */
    const logged = new Map<string, string>();
    const problems: string[] = [];

    /**
     * The committed state, read the way the web tier reads it (a read-only store, src/store). A read that has to
     * fall back to the .bak (a later commit deleted what it was reading) is retried, so it never under-reports.
     */
    const readCommitted = async (): Promise<{ id: string; title: string }[] | undefined> => {
      for (let attempt = 0; attempt < 10; attempt++) {
        let fellBack = false;
        const log = { warn: () => void (fellBack = true), error: () => void (fellBack = true) };
        try {
          const store = await openStore(ws.dataDir, { writable: false, log });
          const stories = store.data.stories.map((s) => ({ id: s.id, title: s.title }));
          await store.close();
          if (!fellBack) return stories;
        } catch {
          /* mid-commit: try again */
        }
        await sleep(20);
      }
      return undefined;
    };
    const record = (into: Map<string, string>, stories: readonly { id: string; title: string }[], what: string) => {
      for (const s of stories) {
        const known = served.get(s.id) ?? logged.get(s.id);
        if (known !== undefined && known !== s.title) problems.push(`${what}: story ${s.id} was "${known}", now "${s.title}"`);
        into.set(s.id, s.title);
      }
    };
    const allJson = (base: string, agent: http.Agent) => get(`${base}/feeds/all.json?limit=500`, { agent, timeoutMs: 5000 });

    /** After a restart: every id recorded so far is served again, with its title. */
    const verify = (doc: JsonFeed, cycle: number): number => {
      const now = new Map(doc.items.map((i) => [i.id, i.title]));
      let missing = 0;
      for (const [what, map] of [['served', served], ['logged', logged]] as const)
        for (const [id, t] of map) {
          if (!now.has(id)) {
            missing++;
            if (missing <= 5) problems.push(`cycle ${cycle}: ${what} story ${id} ("${t}") is gone after the restart`);
          } else if (now.get(id) !== t) problems.push(`cycle ${cycle}: ${what} story ${id} is now titled "${now.get(id)}", was "${t}"`);
        }
      return missing;
    };

    // ---- the kill loop ---------------------------------------------------------------------------------------
    const stats = { kills: 0, beforeListening: 0, verified: 0, exitsNotByKill: 0, writeTriggered: 0, midCommit: 0, runLines: 0, unreadable: 0, modes: {} as Record<string, number>, startMs: [] as number[], maxStories: 0 };
    let restores = 0;
    const t0 = Date.now();
    for (let cycle = 0; cycle <= KILLS; cycle++) {
      const last = cycle === KILLS; // one more start after the last kill: open, verify, stop cleanly
      change();
      change();
      const d = spawnDaemon(env);
      current = d;
      let reads: Promise<void> = Promise.resolve();
      let readQueued = false;
      d.onLine((line) => {
        const j = logLine(line);
        if (j && typeof j.outcome === 'string' && typeof j.created === 'number') {
          stats.runLines++;
          if (readQueued) return;
          readQueued = true;
          reads = reads.then(async () => {
            readQueued = false;
            const stories = await readCommitted();
            if (stories) record(logged, stories, 'store');
            else stats.unreadable++;
          });
        }
      });
      const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
      let killed = false;
      let armed = false;
      let linesAtTrigger = -1;
      // Where the kill lands: mostly at a random moment after the daemon listens; sometimes during start-up;
      // sometimes the moment a file in data/ changes (a commit in progress), to hit that window often.
      // The very first cycle waits for its first commit to be logged: the window inside the store's first
      // commit has a test of its own below, and a store that never opens again would fail every later cycle.
      const roll = rng();
      const mode = last ? 'none' : cycle === 0 ? 'first-run' : roll < 0.15 ? 'spawn' : roll < 0.4 ? 'write' : 'listen';
      const delay = mode === 'spawn' ? between(rng, 30, 900) : mode === 'write' ? between(rng, 0, 3) : between(rng, 0, 1500);
      const kill = () => {
        if (killed || last) return;
        killed = true;
        d.child.kill('SIGKILL');
      };
      if (mode === 'spawn') setTimeout(kill, delay);
      if (mode === 'first-run') d.onLine((line) => void (logLine(line)?.outcome !== undefined && setTimeout(kill, delay)));
      const watcher =
        mode === 'write'
          ? watch(ws.dataDir, { recursive: true }, (_event, file) => {
              if (file && !String(file).endsWith('.lock') && !armed) {
                armed = true;
                linesAtTrigger = stats.runLines;
                stats.writeTriggered++;
                setTimeout(kill, delay);
              }
            })
          : undefined;

      const base = await d.listening;
      if (base) {
        stats.startMs.push(Date.now() - d.spawnedAt);
        if (mode === 'listen') setTimeout(kill, delay);
        // A daemon waiting for a write to kill in is killed at a random moment if none comes soon.
        if (mode === 'write') setTimeout(kill, 4000);
        // The first answer after a restart: every story recorded before the kill must be in it.
        try {
          const first = await allJson(base, agent);
          if (first.status !== 200) problems.push(`cycle ${cycle}: /feeds/all.json answered ${first.status}`);
          else {
            const doc = JSON.parse(first.body.toString('utf8')) as JsonFeed;
            verify(doc, cycle);
            stats.verified++;
            stats.maxStories = Math.max(stats.maxStories, doc.items.length);
            record(served, doc.items, 'served');
          }
        } catch (e) {
          if (!killed) problems.push(`cycle ${cycle}: first poll failed: ${(e as Error).message}`);
        }
        // Keep writing and keep polling until the kill.
        const writer = setInterval(() => !killed && change(), between(rng, 250, 600));
        const pollUntil = last ? Date.now() + 2500 : Infinity;
        while (!killed && d.alive() && Date.now() < pollUntil) {
          try {
            const r = await allJson(base, agent);
            if (r.status === 200) record(served, (JSON.parse(r.body.toString('utf8')) as JsonFeed).items, 'served');
            else if (!killed) problems.push(`cycle ${cycle}: poll answered ${r.status}`);
          } catch (e) {
            if (!killed && d.alive()) problems.push(`cycle ${cycle}: poll failed: ${(e as Error).message}`);
          }
          await sleep(between(rng, 20, 120));
        }
        clearInterval(writer);
      } else if (!killed) {
        problems.push(`cycle ${cycle}: the daemon exited before listening:\n${d.logs().slice(-2000)}`);
      } else stats.beforeListening++;
      agent.destroy();
      watcher?.close();

      if (last) {
        const stop = await stopDaemon(d);
        if (stop.code !== 0) problems.push(`final SIGTERM: exit ${stop.code}`);
      } else {
        const exit = await d.exited;
        await reads;
        stats.kills++;
        stats.modes[mode] = (stats.modes[mode] ?? 0) + 1;
        // No run log line after the commit began: the kill landed before that commit was done and logged.
        if (armed && killed && stats.runLines === linesAtTrigger) stats.midCommit++;
        if (exit.signal !== 'SIGKILL') {
          stats.exitsNotByKill++;
          problems.push(`cycle ${cycle}: the daemon ended by itself (code ${exit.code}) before the kill:\n${d.logs().slice(-2000)}`);
        }
      }
      if (/restored the last good copy/.test(d.logs())) restores++;
      if (/STORE WAS CORRUPT|STORE DAMAGE|does not parse/.test(d.logs())) problems.push(`cycle ${cycle}: the store was found corrupt:\n${d.logs().slice(-2000)}`);
    }
    const wallMs = Date.now() - t0;

    const filesInData = (readdirSync(ws.dataDir, { recursive: true }) as string[]).length;

    console.log(
      `[reliability] crash safety (seed ${seed}): ${stats.kills} SIGKILLs in ${Math.round(wallMs / 1000)} s (${JSON.stringify(stats.modes)}), ` +
        `${stats.beforeListening} before the daemon listened, ${stats.writeTriggered} fired as a commit began writing data/ (${stats.midCommit} of them before that commit was logged), ${stats.verified} restarts verified; ` +
        `${served.size} ids served and ${logged.size} ids seen committed after ${stats.runLines} run log lines (${stats.unreadable} store reads failed) (union ${new Set([...served.keys(), ...logged.keys()]).size}), ` +
        `${stats.maxStories} stories at most in one answer; start to listening median ${median(stats.startMs)} ms; ` +
        `${filesInData} entries in data/ at the end; ${restores} starts restored the .bak`,
    );
    expect(problems).toEqual([]);
    // The store also opens read-only (`status`), as an operator would check it.
    const status = await runCli(['status'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(status.code, status.stderr).toBe(0);
    expect(stats.kills).toBe(KILLS);
    expect(stats.exitsNotByKill).toBe(0);
    expect(stats.verified).toBeGreaterThanOrEqual(Math.floor(KILLS * 0.6));
    expect(served.size).toBeGreaterThan(KILLS);
    expect(logged.size).toBeGreaterThan(KILLS);
    // Interrupted commits leave nothing behind for good: data/ does not grow a file per crash.
    expect(filesInData).toBeLessThan(20);
  }, 240_000);

  it('opens again after a SIGKILL at any step of the very first commit', async () => {
    // Fresh data folder, one bulletin, no network. Attempt k kills the daemon right after the k-th change it
    // makes under data/ (the lock aside), until an attempt in which the first commit completes first.
    const outcomes: { step: number; events: number; committed: boolean; files: string[]; status: number | null; error: string }[] = [];
    // The cap only bounds a daemon that never commits: a first start now also writes its last good config, the
    // write probe (a full disk says read-only at once) and the control socket before the store's files, about 20
    // changes before pressroom.json is in place.
    for (let step = 1; step <= 60; step++) {
      const ws = makeWorkspace({}, [SEED]);
      mkdirSync(ws.dataDir, { recursive: true });
      const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, LOG_LEVEL: 'info' };
      const d = spawnDaemon(env);
      current = d;
      let events = 0;
      let committed = false;
      const watcher = watch(ws.dataDir, { recursive: true }, (_event, file) => {
        if (file && !String(file).endsWith('.lock') && ++events === step) d.child.kill('SIGKILL');
      });
      d.onLine((line) => {
        if (logLine(line)?.outcome === undefined) return;
        committed = true; // the first run is committed and logged: this attempt came too late, stop here
        d.child.kill('SIGKILL');
      });
      await Promise.race([d.exited, sleep(15_000)]);
      watcher.close();
      if (d.alive()) d.child.kill('SIGKILL');
      await d.exited;
      const files = (readdirSync(ws.dataDir, { recursive: true }) as string[]).filter((f) => !f.endsWith('.lock')).sort();
      const status = await runCli(['status'], env);
      outcomes.push({ step, events, committed, files, status: status.code, error: status.stderr.trim() });
      rmSync(ws.root, { recursive: true, force: true });
      if (committed) break;
    }
    console.log(`[reliability] first commit: ${outcomes.length} kill points; ${JSON.stringify(outcomes.map((o) => ({ step: o.step, committed: o.committed, files: o.files, status: o.status })))}`);
    expect(outcomes.at(-1)?.committed, 'an attempt in which the first commit completes').toBe(true);
    expect(outcomes.filter((o) => o.status !== 0).map((o) => `kill after change ${o.step} (left ${o.files.join(', ')}): ${o.error}`)).toEqual([]);
  }, 180_000);
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}
