// A forgotten agency (`pressroom agencies forget`) in-process: every URL it had, feed or page, in any spelling the
// router takes and with any query, answers 410 with one line saying when and why; other agencies are untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreData } from '../../src/model.js';
import { rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const AT = '2024-10-21T08:00:00.000Z';
const REASON = 'the agency frontex was removed by the operator';

function forgotten(): StoreData {
  const data = sampleStore();
  return {
    ...data,
    discoveredAgencies: { frontex: { id: 'frontex', name: 'Frontex', forgotten: { at: AT, reason: REASON } } },
    stories: data.stories.map((s) => (s.agency === 'frontex' ? { ...s, withdrawn: { at: AT, by: 'operator' as const, reason: REASON } } : s)),
  };
}

let s: TestServer;
beforeAll(async () => {
  s = await serveApp(forgotten());
});
afterAll(() => s.close());

describe('a forgotten agency', () => {
  it.each([
    ['/feeds/frontex.atom', 'feeds'],
    ['/feeds/frontex.json?q=release', 'feeds'],
    ['/feeds/frontex/archive/2024-09.atom', 'feeds'],
    ['/news/frontex', 'pages'],
    ['/news/%66rontex', 'pages'],
    ['/news/frontex?q=release&since=2024-09-01', 'pages'],
    ['/news/frontex?before=2024-10-01T00:00:00.000Z~5', 'pages'],
    ['/news/frontex?limit=5', 'pages'],
    ['/news/frontex/archive', 'pages'],
    ['/news/frontex/archive/2024-09', 'pages'],
    ['/subscribe/frontex', 'pages'],
    ['/subscribe/frontex?q=release', 'pages'],
  ])('%s answers 410 with when and why', async (path, what) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await rawRequest(s.url, path, { method });
      expect(r.status, `${method} ${path}`).toBe(410);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      if (method === 'GET') expect(r.body).toBe(`gone: the ${what} of "frontex" were removed on ${AT}: ${REASON}\n`);
    }
  });

  it('its stories’ pages answer 410; the other agencies’ pages, and an agency that never was, are as before', async () => {
    const id = sampleStore().stories.find((x) => x.agency === 'frontex')!.id;
    const story = await rawRequest(s.url, `/stories/${encodeURIComponent(id)}`);
    expect(story.status).toBe(410);
    expect(story.body).toBe(`gone: this story was withdrawn on ${AT}: ${REASON}\n`);
    for (const p of ['/news/nato', '/news/all', '/news/nato/archive', '/subscribe/nato', '/subscribe']) expect((await rawRequest(s.url, p)).status, p).toBe(200);
    expect((await rawRequest(s.url, '/subscribe')).body).not.toContain('frontex');
    expect((await rawRequest(s.url, '/news/frontexx')).status).toBe(404);
  });
});
