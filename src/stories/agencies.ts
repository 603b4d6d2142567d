// Names an agency the way bulletins and feeds write it ("NATO", "Source: Council of the EU") → one agency id.
import { createHash } from 'node:crypto';
import type { Agency, DiscoveredAgency } from '../model.js';

/** Ids that name a feed of their own under /feeds/ and so cannot be an agency. */
export const RESERVED_IDS = new Set(['all', 'status', 'archive']);

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  // A name with no Latin letters or digits still needs a stable id.
  const base = slug || `agency-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
  return RESERVED_IDS.has(base) ? `${base}-agency` : base;
}

/** The agencies a bulletin may name: the configured ones, then those earlier bulletins discovered (zone UTC). */
export function knownAgencies(configured: readonly Agency[], discovered: Readonly<Record<string, DiscoveredAgency>>): Agency[] {
  const extra = Object.values(discovered)
    // A forgotten agency is no name to match: "Frontex" must not be read as a forgotten typo "Frontexx". Its own
    // exact name still makes its id (slugify), whose stories stay withdrawn (stories/withdraw.ts applyForgotten).
    .filter((d) => !d.forgotten && !configured.some((a) => a.id === d.id))
    .map((d): Agency => ({ id: d.id, name: d.name, aliases: [], timezone: 'UTC', feeds: [], configured: false }));
  return [...configured, ...extra];
}

const fold = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export interface AgencyRef {
  id: string;
  name: string;
  configured: boolean;
}

/** Matches a written agency name to a configured agency by id, name or alias, case-insensitively; else a slug. */
export function resolveAgency(written: string, agencies: readonly Agency[]): AgencyRef {
  const w = fold(written);
  for (const a of agencies) {
    if (fold(a.id) === w || fold(a.name) === w || a.aliases.some((x) => fold(x) === w))
      return { id: a.id, name: a.name, configured: a.configured };
  }
  return { id: slugify(written), name: written.trim().replace(/\s+/g, ' '), configured: false };
}
