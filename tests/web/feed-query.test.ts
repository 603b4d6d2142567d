// parseFeedQuery: known parameters checked (bad values and repeats refused), unknown ones ignored, variants normalised to one key.
import { describe, expect, it } from 'vitest';
import { parseFeedQuery } from '../../src/web/feed-query.js';
import { INVALID, VALID } from './feed-query.data.js';

describe('parseFeedQuery', () => {
  it.each(VALID)('accepts $description', ({ input, canonical, query }) => {
    const r = parseFeedQuery(input, 50);
    expect(r).toEqual({ ok: true, canonical, query });
  });

  it.each(INVALID)('refuses $description, naming the parameter', ({ input, param }) => {
    const r = parseFeedQuery(input, 50);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.param).toBe(param);
    expect(r.message).toContain(param);
    expect(r.message.length).toBeLessThan(200);
  });
});
