// Every default document for one base URL, rendered once per store change: the table the web tier serves from.
import type { StoreData, Story } from '../model.js';
import { CONTENT_TYPES, renderFeed, type FeedFormat, type FeedMeta } from '../publish/render-feed.js';
import { prepare, type Prepared } from './prepared.js';

export interface AgencyInfo {
  id: string;
  name: string;
  homepage?: string;
}

export interface PublishOptions {
  /** Stories per default feed. */
  limit: number;
  /** Seconds a reader or cache may reuse a feed: derived from the shortest source schedule. */
  maxAgeSeconds: number;
}

export const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

/** Newest first; stories of the same date keep the order they were first seen in. */
export function sortStories(stories: readonly Story[]): Story[] {
  return [...stories].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : a.seq - b.seq));
}

/** Every agency with a feed: configured ones, those first named by bulletins, and any a story names. */
export function publishedAgencies(configured: readonly AgencyInfo[], data: StoreData): AgencyInfo[] {
  const out = new Map<string, AgencyInfo>();
  for (const a of configured) out.set(a.id, a);
  for (const d of Object.values(data.discoveredAgencies)) if (!out.has(d.id)) out.set(d.id, { id: d.id, name: d.name });
  for (const s of data.stories) if (!out.has(s.agency)) out.set(s.agency, { id: s.agency, name: s.agency });
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function feedMeta(key: string, agencies: readonly AgencyInfo[], baseUrl: string, opts: PublishOptions): FeedMeta {
  const byId = Object.fromEntries(agencies.map((a) => [a.id, a]));
  const agency = byId[key];
  return {
    key,
    title: agency ? `${agency.name} press releases (Pressroom)` : 'All agencies: press releases (Pressroom)',
    description: agency
      ? `Press releases of ${agency.name}, merged from its own feed and source bulletins.`
      : 'Press releases of every agency Pressroom follows, one story per release.',
    baseUrl,
    homePage: agency?.homepage ?? `${baseUrl}/`,
    ttlMinutes: Math.max(1, Math.round(opts.maxAgeSeconds / 60)),
    merged: key === 'all',
    agencies: byId,
  };
}

export interface Publication {
  docs: Map<string, Prepared>;
  agencies: AgencyInfo[];
  sorted: Story[];
}

/** Renders the merged feed and one feed per agency in every format. Pure apart from hashing. */
export function buildPublication(data: StoreData, configured: readonly AgencyInfo[], baseUrl: string, opts: PublishOptions): Publication {
  const agencies = publishedAgencies(configured, data);
  const sorted = sortStories(data.stories);
  const docs = new Map<string, Prepared>();
  const cacheControl = `public, max-age=${opts.maxAgeSeconds}`;
  const byAgency = new Map<string, Story[]>();
  for (const s of sorted) {
    const list = byAgency.get(s.agency);
    if (!list) byAgency.set(s.agency, [s]);
    else if (list.length < opts.limit) list.push(s);
  }
  const groups: [string, Story[]][] = [['all', sorted.slice(0, opts.limit)], ...agencies.map((a): [string, Story[]] => [a.id, byAgency.get(a.id) ?? []])];
  for (const [key, stories] of groups) {
    const meta = feedMeta(key, agencies, baseUrl, opts);
    const newest = stories.reduce<string | undefined>((m, s) => (m === undefined || s.updated > m ? s.updated : m), undefined);
    for (const format of FORMATS) {
      docs.set(
        `/feeds/${key}.${format}`,
        prepare(renderFeed(format, meta, stories), CONTENT_TYPES[format], {
          ...(newest ? { lastModified: new Date(newest) } : {}),
          cacheControl,
          cors: true,
        }),
      );
    }
  }
  return { docs, agencies, sorted };
}
