// What the store's files hold: the manifest (the commit point) and one partition file per month of stories.
import type { DiscoveredAgency, FulltextState, SourceState, StoreData, Story } from '../model.js';

export const STORE_FILE = 'pressroom.json';
export const LOCK_FILE = 'pressroom.lock';
export const PARTITION_DIR = 'stories';

export interface PartitionRef {
  /** File name inside stories/, e.g. `2024-10_nato.17.json`: the partition and the generation that wrote it. */
  file: string;
  stories: number;
  bytes: number;
}

/**
 * pressroom.json from schema 2 on. Small (no stories, no aliases): rewritten on every commit, and renaming it
 * into place is what commits a run. It names the one file of each partition that belongs to this commit.
 */
export interface Manifest {
  schema: number;
  /** Incremented by every commit; new partition files carry it in their names. */
  generation: number;
  committedAt: string;
  nextSeq: number;
  sources: Record<string, SourceState>;
  discoveredAgencies: Record<string, DiscoveredAgency>;
  inFeed?: Record<string, string[]>;
  fulltext?: FulltextState;
  partitions: Record<string, PartitionRef>;
}

export interface PartitionFile {
  schema: number;
  partition: string;
  generation: number;
  stories: Story[];
}

/** The schema-1 file: everything in one pressroom.json. */
export type LegacyStore = StoreData & { schema: 1 };

/**
 * The partition a story is kept in: the month it was published (UTC) and its agency, e.g. `2024-10_nato`.
 * A run changes recent stories of the agencies whose feeds changed, so a commit rewrites a few partitions of
 * ~100 stories each (at 100,000 stories over five years of twenty agencies) rather than whole months of
 * ~1,700; an edit to an old release rewrites one small old partition.
 */
export function partitionOf(s: Story): string {
  const p = s.published;
  const month = p.length >= 7 && p[4] === '-' && isDigits(p, 0, 4) && isDigits(p, 5, 7) ? p.slice(0, 7) : 'undated';
  return `${month}_${s.agency.replace(/[^a-z0-9-]/g, '-')}`;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export const partitionFileName = (partition: string, generation: number) => `${partition}.${generation}.json`;

/** `2024-10_nato.17.json` → yes; anything else in stories/ (a file moved aside as corrupt) is not ours to delete. */
export const PARTITION_FILE = /^((?:\d{4}-\d{2}|undated)_[a-z0-9-]*)\.(\d+)\.json$/;

export function isManifest(v: unknown): v is Manifest {
  const m = v as Manifest;
  return !!m && typeof m === 'object' && typeof m.schema === 'number' && m.schema >= 2 && typeof m.generation === 'number' && !!m.partitions && typeof m.partitions === 'object';
}

export function isLegacyStore(v: unknown): v is LegacyStore {
  const d = v as LegacyStore;
  return !!d && typeof d === 'object' && d.schema === 1 && Array.isArray(d.stories) && !!d.aliases && typeof d.aliases === 'object';
}

export function isPartitionFile(v: unknown, name: string): v is PartitionFile {
  const p = v as PartitionFile;
  return !!p && typeof p === 'object' && p.partition === name && Array.isArray(p.stories) && p.stories.every((s) => !!s && typeof s.id === 'string' && typeof s.published === 'string');
}
