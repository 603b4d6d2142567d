// A web instance's /metrics under PM2: the worker's metrics file, with the commit failures the worker last said
// on its lock socket in place of the file's (on a full disk the file cannot be rewritten: src/worker-figures.ts).
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/health.js';
import { probeReporter } from '../src/health-store.js';
import { liveFiguresOf, withLiveWorkerFigures } from '../src/worker-figures.js';

const FILE = '# HELP pressroom_store_commit_failures_total Store commits that failed\n# TYPE pressroom_store_commit_failures_total counter\npressroom_store_commit_failures_total 0\n\n# HELP pressroom_stories Stories stored\npressroom_stories{agency="nato"} 4\n';

describe('withLiveWorkerFigures', () => {
  it.each([
    { description: 'nothing heard from the worker: the file as it is', file: FILE, live: {}, has: 'pressroom_store_commit_failures_total 0\n' },
    { description: 'the worker said 7: 7 replaces the file’s stale 0', file: FILE, live: { commitFailures: 7 }, has: 'pressroom_store_commit_failures_total 7\n' },
    { description: 'a restarted worker said 0: its word wins over an older file', file: FILE.replace(' 0\n', ' 12\n'), live: { commitFailures: 0 }, has: 'pressroom_store_commit_failures_total 0\n' },
    { description: 'no file (a worker started on a full disk never wrote one): the counter is added', file: '', live: { commitFailures: 3 }, has: '# TYPE pressroom_store_commit_failures_total counter\npressroom_store_commit_failures_total 3\n' },
    { description: 'a file without the counter and without a final newline', file: 'pressroom_stories{agency="nato"} 4', live: { commitFailures: 2 }, has: 'pressroom_stories{agency="nato"} 4\n# HELP pressroom_store_commit_failures_total' },
  ])('$description', ({ file, live, has }) => {
    const out = withLiveWorkerFigures(file, live);
    expect(out).toContain(has);
    expect(out.match(/^pressroom_store_commit_failures_total /gm)).toHaveLength(1);
    if (file.includes('pressroom_stories')) expect(out).toContain('pressroom_stories{agency="nato"} 4');
  });

  it.each([
    [{ pid: 1, commitFailures: 5 }, { commitFailures: 5 }],
    [{ pid: 1 }, {}],
    [{ pid: 1, commitFailures: '5' }, {}],
    [{ pid: 1, commitFailures: -1 }, {}],
    [{ pid: 1, commitFailures: 1.5 }, {}],
  ])('reads a holder’s answer %j as %j', (holder, figures) => {
    expect(liveFiguresOf(holder)).toEqual(figures);
  });
});

describe('probeReporter', () => {
  it('degrades `commits` with the reason in words and "read-only", and clears it once a write goes through', () => {
    const h = createHealth();
    const report = probeReporter(h);
    report({ ok: false, error: Object.assign(new Error("ENOSPC: no space left on device, open '/srv/data/.write-probe-1'"), { code: 'ENOSPC' }), failures: 1, retryInMs: 1000 });
    const d = h.snapshot().degraded.commits;
    expect(d?.message).toBe('the store cannot be written: no space left on the device (ENOSPC); serving what is stored read-only; checking again in 1 s');
    expect(d?.message).not.toContain('/srv/data');
    report({ ok: true });
    expect(h.snapshot().degraded).toEqual({});
  });
});
