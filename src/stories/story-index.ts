// Finding stories among 100,000 quickly: by id, and by agency and date, for one stories array and its successors.
import type { Story } from '../model.js';

/**
 * Positions of stories by id and by agency, for one stories array. mergeIncoming never reorders or removes
 * stories (it replaces in place and appends), so an index carries over to the array it returns: a shared base
 * plus a small copied overlay of what was appended since.
 */
export interface Index {
  basePos: ReadonlyMap<string, number>;
  baseByAgency: ReadonlyMap<string, readonly number[]>;
  extraPos: Map<string, number>;
  /** Appended stories, and stories whose date moved (so the base's date order no longer finds them). */
  extraByAgency: Map<string, number[]>;
}

/** The index of each stories array mergeIncoming has seen or returned. */
export const indexes = new WeakMap<readonly Story[], Index>();
const REBASE_AT = 5_000;

function buildIndex(stories: readonly Story[]): Index {
  const basePos = new Map<string, number>();
  const byAgency = new Map<string, number[]>();
  stories.forEach((s, i) => {
    basePos.set(s.id, i);
    const list = byAgency.get(s.agency);
    if (list) list.push(i);
    else byAgency.set(s.agency, [i]);
  });
  for (const list of byAgency.values()) list.sort((a, b) => (stories[a]!.published < stories[b]!.published ? -1 : stories[a]!.published > stories[b]!.published ? 1 : 0));
  return { basePos, baseByAgency: byAgency, extraPos: new Map(), extraByAgency: new Map() };
}

/** An index for `stories` that the caller may extend (its overlay is a copy). */
export function deriveIndex(stories: readonly Story[]): Index {
  const ix = indexes.get(stories);
  if (!ix || ix.extraPos.size > REBASE_AT) return buildIndex(stories);
  return {
    basePos: ix.basePos,
    baseByAgency: ix.baseByAgency,
    extraPos: new Map(ix.extraPos),
    extraByAgency: new Map([...ix.extraByAgency].map(([k, v]) => [k, [...v]])),
  };
}

/** Records a story appended at `at` (`added`), or one whose date moved, so candidatesIn finds it. */
export function noteInIndex(ix: Index, story: Story, at: number, added: boolean): void {
  if (added) ix.extraPos.set(story.id, at);
  const list = ix.extraByAgency.get(story.agency);
  if (list) list.push(at);
  else ix.extraByAgency.set(story.agency, [at]);
}

export const positionOf = (ix: Index, id: string) => ix.extraPos.get(id) ?? ix.basePos.get(id);

/** Positions of an agency's stories dated within [lo, hi] (ISO strings compare in time order). */
export function* candidatesIn(ix: Index, stories: readonly Story[], agency: string, lo: string, hi: string): Generator<number> {
  const seen = new Set<number>();
  const base = ix.baseByAgency.get(agency) ?? [];
  // The base list is sorted by the date each story had when the index was built; stories whose date moved
  // since are also listed in extra.
  let a = 0;
  let b = base.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (stories[base[m]!]!.published < lo) a = m + 1;
    else b = m;
  }
  for (let i = a; i < base.length; i++) {
    const p = base[i]!;
    const s = stories[p]!;
    if (s.published > hi) break;
    if (s.published >= lo) {
      seen.add(p);
      yield p;
    }
  }
  for (const p of ix.extraByAgency.get(agency) ?? []) {
    const s = stories[p];
    if (s && s.agency === agency && s.published >= lo && s.published <= hi && !seen.has(p)) {
      seen.add(p);
      yield p;
    }
  }
}
