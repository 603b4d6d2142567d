// The public source rows, the front page's failing line and the status feed's degraded entries.
import { describe, expect, it } from 'vitest';
import type { SourceState } from '../../src/model.js';
import { failingSourcesLine } from '../../src/publish/failing-line.js';
import { healthIncidents } from '../../src/publish/health-incidents.js';
import { renderStatusFeed } from '../../src/publish/status-feed.js';
import { publicCharsetWarnings, publicSources } from '../../src/web/source-status.js';

const feed = (key: string, over: Partial<SourceState> = {}): SourceState => ({ kind: 'feed', key, agency: 'nato', consecutiveFailures: 0, ...over });

describe('publicSources', () => {
  const sources: Record<string, SourceState> = {
    'feed:https://u:p@a.example/rss?token=t1': feed('https://u:p@a.example/rss?token=t1', {
      errorCode: 'network', errorMessage: 'network error: getaddrinfo ENOTFOUND a.example (https://u:p@a.example/rss?token=t1)', errorDetail: 'chain https://a.example/?sig=s2',
      nextAttempt: '2024-10-20T10:07:00.000Z', movedTo: 'https://b.example/?api_key=k3', warnings: ['see https://a.example/?token=t1'],
    }),
    'feed:https://gone.example/rss': feed('https://gone.example/rss'),
    'bulletin:b.txt': { kind: 'bulletin', key: 'b.txt', consecutiveFailures: 0 },
  };
  const rows = publicSources(sources, [], {
    isConfigured: (s) => s.kind === 'bulletin' || s.key !== 'https://gone.example/rss',
    nextAttempt: (s) => (s.errorCode ? '2024-10-20T10:15:00.000Z' : undefined),
  });

  it('leaves out a feed the config no longer lists', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(['b.txt', 'https://REDACTED@a.example/rss?token=REDACTED']);
  });
  it('carries no credential and no operator detail', () => {
    const text = JSON.stringify(rows);
    for (const s of ['u:p', 't1', 's2', 'k3']) expect(text).not.toContain(s);
    expect(text).not.toContain('errorDetail');
  });
  it('gives the reason in words and the real next attempt, keeping the back-off beside it', () => {
    const r = rows.find((x) => x.errorCode)!;
    expect(r.reason).toBe('no such host');
    expect(r.nextAttempt).toBe('2024-10-20T10:15:00.000Z');
    expect(r.backoffUntil).toBe('2024-10-20T10:07:00.000Z');
  });
});

describe('the front page line', () => {
  it('is empty while nothing fails, and counts the failing sources otherwise', () => {
    expect(failingSourcesLine({ a: feed('a') }, 'http://x')).toBe('');
    expect(failingSourcesLine({ a: feed('a', { errorCode: 'timeout' }) }, 'http://x')).toMatch(/1 source is failing.*href="http:\/\/x\/status\.html"/);
    expect(failingSourcesLine({ a: feed('a', { errorCode: 'timeout' }), b: feed('b', { errorCode: 'gone' }) }, 'http://x')).toMatch(/2 sources are failing/);
  });
});

describe('degraded parts in the status feed', () => {
  it('their messages are redacted', () => {
    const message = 'config error: feeds/agencies/x.json: feeds[0].url: duplicate feed URL https://a.example/?token=t1';
    const incidents = healthIncidents({ storeLoaded: true, degraded: { config: { since: '2024-10-20T10:00:00.000Z', message } } });
    const xml = renderStatusFeed(incidents, 'http://x');
    expect(xml).toContain('token=REDACTED');
    expect(xml).not.toContain('t1');
  });
});

describe('publicSources: a story page’s charset guess on the row of the source that linked it', () => {
  const warnings = {
    'www.gendarmerie.example': {
      agency: 'gendarmerie',
      page: 'https://www.gendarmerie.example/a.html?token=t9',
      source: 'feed:https://u:p@a.example/rss?token=t1',
      warning: 'not valid UTF-8 and no charset declared: read as windows-1252',
      encoding: 'windows-1252',
      at: '2024-10-20T10:00:00.000Z',
    },
  };
  const rows = publicSources({ 'feed:https://u:p@a.example/rss?token=t1': feed('https://u:p@a.example/rss?token=t1'), 'bulletin:b.txt': { kind: 'bulletin', key: 'b.txt', consecutiveFailures: 0 } }, [], {}, warnings);

  it('names the host and the encoding, with the page URL redacted', () => {
    const row = rows.find((r) => r.kind === 'feed')!;
    expect(row.pageWarnings).toEqual(['page www.gendarmerie.example (https://www.gendarmerie.example/a.html?token=REDACTED): not valid UTF-8 and no charset declared: read as windows-1252']);
    expect(rows.find((r) => r.kind === 'bulletin')!.pageWarnings).toBeUndefined();
    expect(JSON.stringify(rows)).not.toMatch(/t9|t1|u:p/);
  });
  it('publicCharsetWarnings redacts the page and the source', () => {
    const out = publicCharsetWarnings(warnings)['www.gendarmerie.example']!;
    expect(out.page).toBe('https://www.gendarmerie.example/a.html?token=REDACTED');
    expect(out.source).toBe('feed:https://REDACTED@a.example/rss?token=REDACTED');
  });
});
