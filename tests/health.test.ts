// A process's health (src/health.ts): what /readyz answers, and the status feed's incidents for it.
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, readiness, type HealthSnapshot } from '../src/health.js';
import { writeProblem, storeDamage } from '../src/health-store.js';
import { healthIncidents } from '../src/publish/health-incidents.js';
import { StoreError } from '../src/store/errors.js';
import { sampleStore, serveApp, type TestServer } from './helpers/web.js';

const SINCE = '2024-10-09T12:00:00.000Z';

describe('readiness', () => {
  it.each<{ description: string; h: HealthSnapshot; status: number; body: string }>([
    { description: 'the store is not loaded yet: 503', h: { storeLoaded: false, degraded: {} }, status: 503, body: 'not ready: the store is not loaded yet\n' },
    { description: 'loaded, nothing degraded', h: { storeLoaded: true, degraded: {} }, status: 200, body: 'ready\n' },
    {
      description: 'degraded parts are named, one line each, still 200',
      h: { storeLoaded: true, degraded: { commits: { since: SINCE, message: 'store commits fail: ENOSPC' }, store: { since: SINCE, message: '1 damaged store file' } } },
      status: 200,
      body: `ready, degraded: commits, store\ndegraded commits since ${SINCE}: store commits fail: ENOSPC\ndegraded store since ${SINCE}: 1 damaged store file\n`,
    },
  ])('$description', ({ h, status, body }) => {
    expect(readiness(h)).toEqual({ status, body });
  });
});

describe('createHealth', () => {
  it('keeps `since` while a part stays degraded, and changes its version only when something changed', () => {
    const h = createHealth();
    const v0 = h.version;
    h.markStoreLoaded();
    h.setDegraded('commits', 'fails (1)', undefined, new Date(SINCE));
    const v1 = h.version;
    expect(v1).toBeGreaterThan(v0);
    h.setDegraded('commits', 'fails (1)', undefined, new Date('2030-01-01T00:00:00Z'));
    expect(h.version).toBe(v1);
    h.setDegraded('commits', 'fails (2)', undefined, new Date('2030-01-01T00:00:00Z'));
    expect(h.snapshot().degraded.commits).toEqual({ since: SINCE, message: 'fails (2)' });
    h.setDegraded('commits', undefined);
    expect(h.snapshot()).toEqual({ storeLoaded: true, degraded: {} });
    h.merge({ commits: { since: SINCE, message: 'from the writer' } });
    expect(h.snapshot().degraded.commits?.message).toBe('from the writer');
    h.merge({ commits: undefined });
    expect(h.snapshot().degraded).toEqual({});
  });
});

describe('what the store side says', () => {
  it.each([
    { code: 'ENOSPC', words: 'no space left on the device (ENOSPC)' },
    { code: 'EROFS', words: 'the file system is read-only (EROFS)' },
    { code: 'EWHATEVER', words: 'the write failed (EWHATEVER)' },
  ])('names $code in words, without a path', ({ code, words }) => {
    const cause = Object.assign(new Error(`${code}: something, open '/srv/data/pressroom.json.tmp'`), { code });
    const e = new StoreError(`store commit failed: ${cause.message}`, 'io', { cause });
    expect(writeProblem(e)).toBe(words);
  });

  it('sums the stories lost, but not those restored from an older copy', () => {
    const d = storeDamage([
      { file: 'stories/2024-08_nato.3.json', partition: '2024-08_nato', month: '2024-08', agency: 'nato', stories: 4, reason: 'bad', at: SINCE },
      { file: 'stories/2024-09_nato.5.json', partition: '2024-09_nato', month: '2024-09', agency: 'nato', stories: 7, reason: 'bad', restoredFrom: 'stories/2024-09_nato.4.json', restoredStories: 6, at: SINCE },
    ]);
    expect(d?.message).toMatch(/^2 damaged store files, 4 stories lost: stories\/2024-08_nato.3.json \(2024-08, agency nato, 4 stories per the manifest\)/);
    expect(storeDamage([])).toBeUndefined();
  });
});

describe('the web tier', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('answers /readyz, /status and the status feed from the health it is given', async () => {
    const h: HealthSnapshot = { storeLoaded: true, degraded: { commits: { since: SINCE, message: 'store commits fail: no space left on the device (ENOSPC)' } } };
    s = await serveApp(sampleStore(), { health: () => h, publish: { limit: 50, maxAgeSeconds: 900, health: () => h } });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toMatch(/^ready, degraded: commits\n/);
    expect(((await (await fetch(`${s.url}/status`)).json()) as { degraded: unknown }).degraded).toEqual(h.degraded);
    const feed = await (await fetch(`${s.url}/feeds/status.atom`)).text();
    expect(feed).toContain('<title type="text">Pressroom cannot write its store since 2024-10-09 12:00 UTC</title>');
    expect(feed).toContain('no space left on the device (ENOSPC)');
    // One incident keeps its id for as long as it lasts.
    expect(healthIncidents({ ...h, degraded: { commits: { ...h.degraded.commits!, message: "3 failed" } } })[0]!.id).toBe(healthIncidents(h)[0]!.id);
  });
});
