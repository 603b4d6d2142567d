// RFC 5005 §4 with a clock: only closed months are archives; the open month lives in the subscription feed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData } from '../../src/model.js';
import { atomIds, feedLinks, makeStory, rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

describe('archives while October 2024 is the current month', () => {
  let s: TestServer;
  let clock = new Date('2024-10-25T12:00:00Z');
  const data = sampleStore();
  const october = data.stories.filter((x) => x.published.startsWith('2024-10') && x.agency === 'nato');

  beforeAll(async () => {
    // A limit below October's count: the subscription document must still hold all of October.
    s = await serveApp(data, { now: () => clock, publish: { limit: 2, maxAgeSeconds: 900 } });
  });
  afterAll(async () => s?.close());

  it('the subscription feed names the newest closed month and holds every story of the open one', async () => {
    const sub = (await rawRequest(s.url, '/feeds/nato.atom')).body;
    expect(feedLinks(sub)['prev-archive']).toBe(`${s.url}/feeds/nato/archive/2024-09.atom`);
    expect(sub).not.toContain('fh:archive');
    expect(october.length).toBeGreaterThan(2);
    for (const st of october) expect(atomIds(sub)).toContain(st.id);
  });

  it('the open month’s archive URL answers 404, uncached, pointing at the subscription feed', async () => {
    const r = await rawRequest(s.url, '/feeds/nato/archive/2024-10.atom');
    expect(r.status).toBe(404);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body).toMatch(/has not ended \(UTC\).*\/feeds\/nato\.atom/);
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-11.atom')).status).toBe(404);
  });

  it('a closed archive keeps its bytes when stories arrive in the open month, and the month closes at midnight UTC', async () => {
    const before = (await rawRequest(s.url, '/feeds/nato/archive/2024-09.atom')).body;
    expect(before).toContain('<fh:archive/>');
    const next: StoreData = {
      ...data,
      stories: [...data.stories, makeStory({ id: 'tag:pressroom,2024-10-30:nato/new', seq: 999, agency: 'nato', title: 'A late October release', published: '2024-10-30T10:00:00.000Z' })],
    };
    s.setData(next);
    clock = new Date('2024-10-31T23:59:59Z');
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-09.atom')).body).toBe(before);
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-10.atom')).status).toBe(404);
    clock = new Date('2024-11-01T00:00:01Z');
    const closed = await rawRequest(s.url, '/feeds/nato/archive/2024-10.atom');
    expect(closed.status).toBe(200);
    expect(closed.body).toContain('<fh:archive/>');
    expect(atomIds(closed.body)).toContain('tag:pressroom,2024-10-30:nato/new');
    expect(feedLinks((await rawRequest(s.url, '/feeds/nato.atom')).body)['prev-archive']).toBe(`${s.url}/feeds/nato/archive/2024-10.atom`);
    expect((await rawRequest(s.url, '/feeds/nato/archive/2024-09.atom')).body).toBe(before);
  });
});
