// Incidents from source states: stable ids, one per failing run, recovered, moved; the feed is valid Atom.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SourceState } from '../../src/model.js';
import { renderStatusFeed, sourceIncidents } from '../../src/publish/status-feed.js';
import { feedparserInfo, xmllintOk } from '../helpers/feed-tools.js';

const ATOM_RNG = fileURLToPath(new URL('../fixtures/atom.rng', import.meta.url));
const feed = (over: Partial<SourceState>): SourceState => ({ kind: 'feed', key: 'https://example.org/f.rss', agency: 'nato', consecutiveFailures: 0, ...over });

describe('sourceIncidents', () => {
  it('a healthy source has none', () => {
    expect(sourceIncidents({ 'feed:https://example.org/f.rss': feed({ lastSuccess: '2024-10-09T00:00:00Z' }) })).toEqual([]);
  });

  it('a failing source: one incident whose id depends on the source and the start only', () => {
    const a = feed({ consecutiveFailures: 2, failingSince: '2024-10-09T10:00:00.000Z', errorCode: 'http-503', lastAttempt: '2024-10-09T11:00:00.000Z' });
    const [one] = sourceIncidents({ 'feed:https://example.org/f.rss': a }, { nato: 'NATO' });
    expect(one).toMatchObject({ kind: 'failing', since: '2024-10-09T10:00:00.000Z', updated: '2024-10-09T10:00:00.000Z', title: 'NATO feed https://example.org/f.rss is failing since 2024-10-09 10:00 UTC' });
    expect(one!.id).toMatch(/^tag:pressroom,2024:status\/incident\/[0-9a-f]{24}$/);
    const later = sourceIncidents({ 'feed:https://example.org/f.rss': { ...a, consecutiveFailures: 9, errorCode: 'timeout', lastAttempt: '2024-10-10T00:00:00.000Z' } });
    expect(later[0]!.id).toBe(one!.id);
    const otherSource = sourceIncidents({ 'feed:https://example.org/g.rss': a });
    expect(otherSource[0]!.id).not.toBe(one!.id);
    const otherStart = sourceIncidents({ 'feed:https://example.org/f.rss': { ...a, failingSince: '2024-10-11T00:00:00.000Z' } });
    expect(otherStart[0]!.id).not.toBe(one!.id);
  });

  it('a state from before failingSince existed: the last success stands in, and the recovery matches it', () => {
    const old = feed({ consecutiveFailures: 1, errorCode: 'network', lastSuccess: '2024-10-08T00:00:00.000Z' });
    const [failing] = sourceIncidents({ k: old });
    expect(failing!.title).toContain('is failing since 2024-10-08 00:00 UTC');
    const [recovered] = sourceIncidents({ k: feed({ recovered: { since: '2024-10-08T00:00:00.000Z', at: '2024-10-09T00:00:00.000Z', failures: 1 } }) });
    expect(recovered!.id).toBe(failing!.id);
    const [never] = sourceIncidents({ k: feed({ consecutiveFailures: 1, errorCode: 'network' }) });
    expect(never!.title).toBe('nato feed https://example.org/f.rss is failing'); // no name given: the id stands in
    expect(never!.updated).toBe('1970-01-01T00:00:00.000Z');
  });

  it('gone, unreadable bulletins and moved feeds', () => {
    const list = sourceIncidents(
      {
        'feed:a': feed({ key: 'https://a.example/f', consecutiveFailures: 1, gone: true, errorCode: 'gone', lastStatus: 410, failingSince: '2024-10-01T00:00:00.000Z' }),
        'bulletin:b.txt': { kind: 'bulletin', key: 'b.txt', consecutiveFailures: 1, errorCode: 'unreadable', failingSince: '2024-10-02T00:00:00.000Z' },
        'feed:c': feed({ key: 'https://c.example/f', movedTo: 'https://c.example/g', movedSince: '2024-10-03T00:00:00.000Z' }),
      },
      { nato: 'NATO' },
    );
    expect(list.map((i) => [i.kind, i.title])).toEqual([
      ['moved', 'NATO feed https://c.example/f has moved to https://c.example/g'],
      ['failing', 'Bulletin b.txt is unreadable since 2024-10-02 00:00 UTC'],
      ['failing', 'NATO feed https://a.example/f is gone (410) since 2024-10-01 00:00 UTC'],
    ]);
  });
});

describe('renderStatusFeed', () => {
  it('is valid Atom that feedparser reads, with updated = the newest incident', () => {
    const incidents = sourceIncidents(
      {
        'feed:a': feed({ key: 'https://a.example/f?x=1&y=<2>', consecutiveFailures: 1, errorCode: 'http-500', errorMessage: 'boom & <bang>\u0001', failingSince: '2024-10-01T00:00:00.000Z' }),
        'feed:b': feed({ key: 'https://b.example/f', recovered: { since: '2024-10-02T00:00:00.000Z', at: '2024-10-02T05:00:00.000Z', failures: 3 } }),
      },
      { nato: 'NATO & co' },
    );
    const xml = renderStatusFeed(incidents, 'http://127.0.0.1:1');
    expect(xmllintOk(xml).errors).toBe('');
    expect(xmllintOk(xml, ATOM_RNG).errors).toBe('');
    const fp = feedparserInfo(xml);
    expect(fp.bozo).toBe(false);
    expect(fp.ids).toEqual(incidents.map((i) => i.id));
    expect(xml).toContain('<updated>2024-10-02T05:00:00.000Z</updated>');
    expect(renderStatusFeed([], 'http://127.0.0.1:1')).toContain('<updated>1970-01-01T00:00:00.000Z</updated>');
  });
});
