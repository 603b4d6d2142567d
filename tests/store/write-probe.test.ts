// A writer knows at open whether DATA_DIR takes a write (src/store/write-probe.ts), before its first commit: the
// probe's failure is told before openStore resolves, probed again with back-off, and cleared by the first write
// that goes through (a probe or a commit). The fault here is a folder planted under the probe's own name (the
// write fails with EISDIR, as root too); tests/reliability/store-faults.test.ts does it with a full tmpfs.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyStore, openStore, type ProbeOutcome, type Store } from '../../src/store/store.js';
import { probeFile } from '../../src/store/write-probe.js';

const dirs: string[] = [];
const stores: Store[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'pressroom-probe-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function openWatched(dir: string, writable = true): Promise<{ store: Store; told: ProbeOutcome[] }> {
  const told: ProbeOutcome[] = [];
  const store = await openStore(dir, { writable, onProbe: (o) => told.push(o) });
  stores.push(store);
  return { store, told };
}
const waitFor = async (cond: () => boolean, ms: number) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the write probe', () => {
  it('says nothing when DATA_DIR takes a write, and leaves no file behind', async () => {
    const dir = tmp();
    const { told } = await openWatched(dir);
    expect(told).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.startsWith('.write-probe'))).toEqual([]);
  });

  it('tells a failure before the store is open, probes again, and tells `ok` once a write goes through', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, path.basename(probeFile(dir))));
    const { told } = await openWatched(dir);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ ok: false, failures: 1, retryInMs: 1000 });
    expect((told[0] as { error: NodeJS.ErrnoException }).error.code).toBe('EISDIR');
    // Still failing at the next probe (1 s later): told again with a longer back-off.
    await waitFor(() => told.length >= 2, 5000);
    expect(told[1]).toMatchObject({ ok: false, failures: 2, retryInMs: 2000 });
    rmSync(path.join(dir, path.basename(probeFile(dir))), { recursive: true });
    await waitFor(() => told.some((o) => o.ok), 6000);
    expect(told.at(-1)).toEqual({ ok: true });
    expect(existsSync(probeFile(dir))).toBe(false);
  }, 15_000);

  it('is answered by a commit that goes through', async () => {
    const dir = tmp();
    const blocker = path.join(dir, path.basename(probeFile(dir)));
    mkdirSync(blocker);
    const { store, told } = await openWatched(dir);
    expect(told.map((o) => o.ok)).toEqual([false]);
    await store.commit({ ...emptyStore(), nextSeq: 2 });
    expect(told.map((o) => o.ok)).toEqual([false, true]);
    rmSync(blocker, { recursive: true });
  });

  it('removes a probe a killed writer left, and a reader never probes', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, '.write-probe-999999'), 'x');
    const reader = await openWatched(dir, false);
    expect(reader.told).toEqual([]);
    expect(existsSync(path.join(dir, '.write-probe-999999'))).toBe(true);
    await openWatched(dir);
    expect(existsSync(path.join(dir, '.write-probe-999999'))).toBe(false);
  });
});
