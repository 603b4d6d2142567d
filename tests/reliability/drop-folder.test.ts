// The drop folder is not a door: symbolic links (to a file elsewhere, to /proc/self/pagemap, to /dev/zero), a
// FIFO, a device, a 100 GB sparse file and a sub-folder, present when `pressroom start` begins and at every
// re-scan. Nothing of them is read past the limit, nothing blocks, the web server keeps answering, memory stays
// bounded, and the daemon restarts over the same folder as well.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace } from '../helpers/daemon.js';
import { getJson, latencySummary, pollLatency, round, sampleMemory, sleep, spawnDaemon, stopDaemon, until, type DaemonProc, type JsonFeed, type StatusDoc } from './helpers.js';

const HOSTILE: Record<string, string> = {
  'outside-2024-10-09.txt': 'symbolic link',
  'pagemap.txt': 'symbolic link',
  'zero.txt': 'symbolic link',
  'pipe.txt': 'FIFO',
  'sparse-2024-10-09.txt': 'over the',
};
// mknod needs root (CI runs as root in its container; a developer's run may not).
const ROOT = process.getuid?.() === 0;
if (ROOT) HOSTILE['device.txt'] = 'device';

describe('hostile entries in the drop folder', () => {
  const ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } });
  const drop = path.join(ws.feedsDir, 'bulletins');
  let daemon: DaemonProc | undefined;

  beforeAll(() => {
    const outside = path.join(ws.root, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'Secret title from outside\n\nSource: NATO\n\nThis must never be published.\n');
    symlinkSync(path.join(outside, 'secret.txt'), path.join(drop, 'outside-2024-10-09.txt'));
    symlinkSync('/proc/self/pagemap', path.join(drop, 'pagemap.txt'));
    symlinkSync('/dev/zero', path.join(drop, 'zero.txt'));
    execFileSync('mkfifo', [path.join(drop, 'pipe.txt')]);
    writeFileSync(path.join(drop, 'sparse-2024-10-09.txt'), '');
    truncateSync(path.join(drop, 'sparse-2024-10-09.txt'), 100 * 1024 ** 3);
    if (ROOT) execFileSync('mknod', [path.join(drop, 'device.txt'), 'c', '1', '5']);
    mkdirSync(path.join(drop, 'folder.txt'));
    writeFileSync(path.join(drop, 'folder.txt', 'inside-2024-10-09.txt'), 'Title inside a sub-folder\n\nSource: NATO\n\nNot read.\n');
  });

  afterAll(async () => {
    if (daemon) await stopDaemon(daemon);
  });

  it.each([1, 2])('run %i: refuses each with its reason, keeps serving, memory bounded', async (run) => {
    daemon = spawnDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_SCHEDULE: '* * * * * *' });
    const mem = sampleMemory(daemon.pid, 50);
    const base = await daemon.listening;
    expect(base, daemon.logs()).toBeDefined();
    const poll = pollLatency(base!, ['/healthz', '/feeds/all.json'], 50);
    const status = await until(
      async () => {
        const s = await getJson<StatusDoc>(`${base}/status`);
        return Object.keys(HOSTILE).every((k) => s.sources.some((x) => x.key === k && x.errorCode)) ? s : undefined;
      },
      20_000,
      'every hostile entry refused',
    );
    await sleep(3000); // three more scans of the same folder
    const polled = await poll.stop();
    const m = mem.stop();
    for (const [key, reason] of Object.entries(HOSTILE)) expect(status.sources.find((x) => x.key === key)?.errorMessage, key).toContain(reason);
    expect(status.sources.some((x) => x.key.startsWith('folder.txt'))).toBe(false);
    const feed = await getJson<JsonFeed>(`${base}/feeds/all.json`);
    expect(feed.items).toHaveLength(10); // the seed bulletin, nothing else
    expect(JSON.stringify(feed)).not.toMatch(/Secret title|sub-folder/);
    expect(polled.errors).toEqual([]);
    expect(Math.max(...polled.ms['/healthz']!)).toBeLessThan(2000);
    expect(m.peakKb).toBeLessThan(400 * 1024);
    console.log(
      `run ${run}: /healthz ${latencySummary(polled.ms['/healthz']!)}; /feeds/all.json ${latencySummary(polled.ms['/feeds/all.json']!)}; ` +
        `peak RSS ${round(m.peakKb / 1024)} MB`,
    );
    const stopped = await stopDaemon(daemon);
    expect(stopped.code).toBe(0);
    daemon = undefined;
  }, 60_000);
});
