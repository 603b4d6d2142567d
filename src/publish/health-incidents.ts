// The process's own incidents for the status feed: damaged store files set aside, failing commits, a config
// running on its last good copy (src/health.ts). Pure: a health snapshot in, incidents out.
import { createHash } from 'node:crypto';
import type { HealthPart, HealthSnapshot } from '../health.js';
import type { SourceState } from '../model.js';
import type { Incident } from './status-feed.js';
import { redactSecrets } from '../text/redact-secrets.js';

const TITLES: Record<HealthPart, string> = {
  store: 'Pressroom set damaged store files aside',
  commits: 'Pressroom cannot write its store',
  config: 'Pressroom runs on its last good config',
};

/**
 * Incidents are shaped for sources (status-feed.ts); these belong to no source, so they carry a neutral state
 * that adds no feed link and no agency category.
 */
const NO_SOURCE: SourceState = { kind: 'bulletin', key: 'pressroom', consecutiveFailures: 0 };

export function healthIncidents(h: HealthSnapshot | undefined): Incident[] {
  if (!h) return [];
  const out: Incident[] = [];
  for (const [part, d] of Object.entries(h.degraded) as [HealthPart, NonNullable<HealthSnapshot['degraded'][HealthPart]>][]) {
    if (!d) continue;
    const since = new Date(Date.parse(d.since) || 0).toISOString();
    out.push({
      // One entry per incident: the same id for as long as the part stays degraded.
      id: `tag:pressroom,2024:status/health/${createHash('sha256').update(`${part}\n${since}`).digest('hex').slice(0, 24)}`,
      kind: 'failing',
      sourceKey: `pressroom:${part}`,
      state: NO_SOURCE,
      since,
      updated: since,
      title: `${TITLES[part]} since ${since.slice(0, 10)} ${since.slice(11, 16)} UTC`,
      // A config error may quote a feed URL: its credentials are blanked (text/redact-secrets.ts).
      text: redactSecrets(d.message),
    });
  }
  return out;
}
