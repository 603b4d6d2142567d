// The operators' feed /feeds/status.atom: one Atom entry per incident of a source (failing, recovered, moved), and
// one per agency a bulletin named that no config file declares (new-agency).
// Pure: source states in, text out. Content feeds never carry any of this.
import { createHash } from 'node:crypto';
import type { DiscoveredAgency, SourceState } from '../model.js';
import { printableName } from '../text/printable.js';
import { httpUrl } from './render-feed.js';
import { redactSecrets } from '../text/redact-secrets.js';
import { el, writeXmlDocument, type XmlElement } from './xml.js';

export type IncidentKind = 'failing' | 'recovered' | 'moved' | 'new-agency';

export interface Incident {
  /**
   * A `tag:` URI that stays the same for the whole incident: the hash of the source key and the incident's start.
   * A failing source and its recovery are one incident, so the entry keeps its id and only `updated` moves on.
   */
  id: string;
  kind: IncidentKind;
  /** `feed:<url>` or `bulletin:<file>`, as in the store; `process:<part>` for a degraded part of the process. */
  sourceKey: string;
  /** The source's state; absent for a degraded part of the process (its config, its store). */
  state?: SourceState;
  /** ISO 8601: when the incident began. */
  since: string;
  /** ISO 8601: the entry's `updated`. */
  updated: string;
  title: string;
  text: string;
}

const EPOCH = '1970-01-01T00:00:00.000Z';

function iso(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function incidentId(kind: 'incident' | 'moved', ...parts: string[]): string {
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
  return `tag:pressroom,2024:status/${kind}/${hash}`;
}

/** "2024-10-09 12:00 UTC": short, fixed format, the same on every machine. */
function when(isoDate: string | undefined): string {
  return isoDate === undefined ? 'never' : `${isoDate.slice(0, 10)} ${isoDate.slice(11, 16)} UTC`;
}

function sourceName(state: SourceState, agencyNames: Readonly<Record<string, string>>): string {
  const agency = state.agency === undefined ? undefined : (agencyNames[state.agency] ?? state.agency);
  // A feed URL may carry the operator's credentials (user info, ?token=): this feed is public.
  return state.kind === 'bulletin' ? `Bulletin ${printableName(state.key)}` : `${agency ?? 'Agency'} feed ${redactSecrets(state.key)}`;
}

function errorLine(code: string | undefined, message: string | undefined): string {
  if (code === undefined && message === undefined) return 'no error recorded';
  return redactSecrets([code, message].filter((x) => x !== undefined && x !== '').join(': '));
}

/**
 * Every incident the store knows of, newest first: each source that is failing now, the last run of failures
 * of each source that recovered, and each feed that moved permanently.
 */
export function sourceIncidents(sources: Readonly<Record<string, SourceState>>, agencyNames: Readonly<Record<string, string>> = {}): Incident[] {
  const out: Incident[] = [];
  for (const [sourceKey, state] of Object.entries(sources)) {
    const name = sourceName(state, agencyNames);
    const failing = state.consecutiveFailures > 0 || state.errorCode !== undefined;
    if (failing) {
      // A state written before failingSince existed: its last success bounds the start, and is as stable.
      const since = iso(state.failingSince) ?? iso(state.lastSuccess);
      const start = since ?? EPOCH;
      const verb = state.gone ? 'is gone (410)' : state.kind === 'bulletin' ? 'is unreadable' : 'is failing';
      const lines = [
        `${name} ${verb}${since === undefined ? ', and has never been read successfully' : ` since ${when(since)}`}.`,
        `Failures in a row: ${state.consecutiveFailures}.`,
        `Last error: ${printableName(errorLine(state.errorCode, state.errorMessage))}${state.lastStatus !== undefined ? ` (HTTP ${state.lastStatus})` : ''}.`,
        `Last attempt: ${when(iso(state.lastAttempt))}. Next attempt: ${when(iso(state.nextAttempt))}.`,
        `Last success: ${when(iso(state.lastSuccess))}.`,
      ];
      out.push({
        id: incidentId('incident', sourceKey, state.failingSince ?? state.lastSuccess ?? 'never'),
        kind: 'failing',
        sourceKey,
        state,
        since: start,
        updated: start,
        title: `${name} ${verb}${since === undefined ? '' : ` since ${when(since)}`}`,
        text: lines.join('\n'),
      });
    }
    const rec = state.recovered;
    const recSince = iso(rec?.since);
    const recAt = iso(rec?.at);
    if (rec !== undefined && recSince !== undefined && recAt !== undefined) {
      out.push({
        id: incidentId('incident', sourceKey, rec.since),
        kind: 'recovered',
        sourceKey,
        state,
        since: recSince,
        updated: recAt,
        title: `${name} recovered at ${when(recAt)}`,
        text: [
          `${name} failed from ${when(recSince)} until ${when(recAt)}: ${rec.failures} failure${rec.failures === 1 ? '' : 's'} in a row.`,
          `Last error before it recovered: ${errorLine(rec.errorCode, rec.errorMessage)}.`,
        ].join('\n'),
      });
    }
    if (state.movedTo !== undefined) {
      const movedTo = redactSecrets(state.movedTo);
      const since = iso(state.movedSince) ?? EPOCH;
      out.push({
        id: incidentId('moved', sourceKey, state.movedTo),
        kind: 'moved',
        sourceKey,
        state,
        since,
        updated: since,
        title: `${name} has moved to ${movedTo}`,
        text: `${name} answers with a permanent redirect to ${movedTo}${state.movedSince ? ` (first seen ${when(iso(state.movedSince))})` : ''}. Update its URL in feeds/agencies/${state.agency ?? '<agency>'}.json.`,
      });
    }
  }
  return out.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A bulletin named an agency no config file declares: it got feeds of its own, which is right for a new agency and
 * wrong for a typo. One entry per discovered agency (dated when first named), until a config file declares it.
 */
export function agencyIncidents(discovered: Readonly<Record<string, DiscoveredAgency>>, configuredIds: ReadonlySet<string>): Incident[] {
  const out: Incident[] = [];
  for (const d of Object.values(discovered)) {
    const since = iso(d.firstSeen);
    if (configuredIds.has(d.id) || since === undefined) continue;
    const where = d.file === undefined ? 'a bulletin' : `bulletin ${printableName(d.file)}${d.line ? ` (item at line ${d.line})` : ''}`;
    out.push({
      id: incidentId('incident', `agency:${d.id}`, d.firstSeen!),
      kind: 'new-agency',
      sourceKey: d.file === undefined ? `agency:${d.id}` : `bulletin:${d.file}`,
      state: { kind: 'bulletin', key: d.file ?? '', agency: d.id, consecutiveFailures: 0 },
      since,
      updated: since,
      title: `New agency ${printableName(d.name)} (${d.id}) named by ${where}`,
      text: [
        `${where} names "${printableName(d.name)}" in a Source: line, which matches no configured agency, so it has its own feeds at /feeds/${d.id}.atom (.rss, .json) since ${when(since)}.`,
        `If it is another agency's name misspelt, add it to that agency's aliases in feeds/agencies/<id>.json; if it is a new agency, give it a file of its own.`,
      ].join('\n'),
    });
  }
  return out;
}

const ATOM_NS = 'http://www.w3.org/2005/Atom';

/**
 * The Atom document of the incidents; `updated` is the newest incident's, never "now". With no incident it is
 * `emptyUpdated` (the store's newest change), so a healthy service's status feed is not dated 1970.
 */
export function renderStatusFeed(incidents: readonly Incident[], baseUrl: string, emptyUpdated?: string): string {
  const self = `${baseUrl}/feeds/status.atom`;
  const statusUrl = `${baseUrl}/status`;
  const newest = incidents.reduce((m, i) => (i.updated > m ? i.updated : m), '');
  const updated = newest || emptyUpdated || EPOCH;
  const root = el(
    'feed',
    { xmlns: ATOM_NS, 'xml:lang': 'en' },
    el('id', {}, self),
    el('title', { type: 'text' }, 'Pressroom: source status'),
    el('subtitle', { type: 'text' }, 'Incidents of the agency feeds and bulletins Pressroom reads: failing, recovered, moved.'),
    el('updated', {}, updated),
    el('link', { rel: 'self', type: 'application/atom+xml', href: self }),
    el('link', { rel: 'alternate', type: 'application/json', href: statusUrl }),
    el('author', {}, el('name', {}, 'Pressroom')),
    el('generator', {}, 'Pressroom'),
    ...incidents.map((i) => statusEntry(i, statusUrl)),
  );
  return writeXmlDocument(root);
}

function statusEntry(incident: Incident, statusUrl: string): XmlElement {
  const feed = incident.state?.kind === 'feed' ? httpUrl(redactSecrets(incident.state.key)) : undefined;
  const moved = incident.state?.movedTo === undefined ? undefined : httpUrl(redactSecrets(incident.state.movedTo));
  return el(
    'entry',
    {},
    el('id', {}, incident.id),
    el('title', { type: 'text' }, incident.title),
    el('updated', {}, incident.updated),
    el('published', {}, incident.since),
    el('author', {}, el('name', {}, 'Pressroom')),
    el('link', { rel: 'alternate', type: 'application/json', href: statusUrl }),
    feed !== undefined && el('link', { rel: 'related', href: feed }),
    incident.kind === 'moved' && moved !== undefined && el('link', { rel: 'related', href: moved }),
    el('category', { term: incident.kind }),
    incident.state?.agency !== undefined && el('category', { term: incident.state.agency }),
    el('content', { type: 'text' }, incident.text),
  );
}
