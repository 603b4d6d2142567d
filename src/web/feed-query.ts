// Reads a feed URL's query string (`limit`, `q`, `category`, `since`) into a StoryQuery, or names the bad parameter.
import type { StoryQuery } from '../publish/select-stories.js';

export const MAX_LIMIT = 500;
const MAX_TEXT = 200;
export const QUERY_PARAMETERS = ['limit', 'q', 'category', 'since'] as const;

export type FeedQueryResult =
  | {
      ok: true;
      query: StoryQuery;
      /** The parameters in a fixed order and normal form, '' for the default feed: the cache key and self link. */
      canonical: string;
    }
  | { ok: false; param: string; message: string };

/** A value quoted for an error message: JSON escapes controls, the length is capped. */
function shown(v: string): string {
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

// ISO 8601 calendar date, optionally with a time and a zone; a date-time without a zone is read as UTC.
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** An ISO 8601 date or date-time as an instant, or undefined when it is not one or names no real day or time. */
export function parseIsoInstant(raw: string): Date | undefined {
  // An unencoded `+` in a query string arrives as a space: "…T12:00:00 02:00" meant "+02:00".
  const s = raw.trim().replace(/(T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$/i, '$1+$2');
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offset = Number(z[2]) * 60 + Number(z[3] ?? '0');
    if (Number(z[2]) > 23 || Number(z[3] ?? '0') > 59) return undefined;
    t -= (z[1] === '-' ? -1 : 1) * offset * 60_000;
  }
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/**
 * Parses the raw query string (without `?`). Known parameters are checked (a bad value or a repeat is refused,
 * naming it); unknown ones (`utm_source`, `fbclid`, a reader's cache-buster) are ignored: trackers and readers
 * append them to subscribed URLs, and they are left out of the canonical form, so out of the self link and the
 * cache key too.
 */
export function parseFeedQuery(raw: string, defaultLimit: number): FeedQueryResult {
  const params = new URLSearchParams(raw);
  const seen = new Set<string>();
  const query: StoryQuery = { limit: defaultLimit };
  for (const [name, value] of params) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) continue;
    if (seen.has(name)) return { ok: false, param: name, message: `${name} is given more than once` };
    seen.add(name);
    switch (name) {
      case 'limit': {
        const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= MAX_LIMIT)) return { ok: false, param: name, message: `limit must be a whole number from 1 to ${MAX_LIMIT}, got ${shown(value)}` };
        query.limit = n;
        break;
      }
      case 'q':
      case 'category': {
        const v = value.trim();
        if (v === '') return { ok: false, param: name, message: `${name} must not be empty` };
        if (v.length > MAX_TEXT) return { ok: false, param: name, message: `${name} is longer than ${MAX_TEXT} characters` };
        query[name] = v;
        break;
      }
      case 'since': {
        const d = parseIsoInstant(value);
        if (d === undefined)
          return { ok: false, param: name, message: `since must be an ISO 8601 date or date-time such as 2024-10-09 or 2024-10-09T12:00:00Z, got ${shown(value)}` };
        query.since = d;
        break;
      }
    }
  }
  const canonical = new URLSearchParams();
  if (query.limit !== defaultLimit) canonical.set('limit', String(query.limit));
  if (query.q !== undefined) canonical.set('q', query.q);
  if (query.category !== undefined) canonical.set('category', query.category);
  if (query.since !== undefined) canonical.set('since', query.since.toISOString());
  return { ok: true, query, canonical: canonical.toString() };
}
