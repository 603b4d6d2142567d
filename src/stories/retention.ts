// Which stories a store may forget: by default none; with a policy, old ones no source feed still lists.
import type { StoreData } from '../model.js';
import { buildAliasTable } from './alias-table.js';

export interface RetentionPolicy {
  /**
   * Stories published longer ago than this are pruned. Undefined (the default): keep every story, since
   * readers and archives rely on the history.
   */
  maxAgeDays?: number;
}

/**
 * Drops the stories the policy lets go. A story its source feed still lists is always kept: pruning it would
 * only bring it back, under a new id, on the next fetch. Pure; returns `data` itself when nothing goes.
 */
export function pruneStories(data: StoreData, policy: RetentionPolicy, now: Date): { data: StoreData; removed: string[] } {
  if (policy.maxAgeDays === undefined || !(policy.maxAgeDays >= 0)) return { data, removed: [] };
  const cutoff = new Date(now.getTime() - policy.maxAgeDays * 24 * 3600 * 1000).toISOString();
  const listed = new Set(Object.values(data.inFeed ?? {}).flat());
  const removed: string[] = [];
  const kept = data.stories.filter((s) => {
    if (s.published >= cutoff || listed.has(s.id)) return true;
    removed.push(s.id);
    return false;
  });
  if (removed.length === 0) return { data, removed };
  // The alias table lives in the stories' keys: rebuilt from those that stay, so a pruned story's keys go too.
  const aliases = buildAliasTable(kept.flatMap((s) => (s.keys ?? []).map((k) => [k, s.id] as const)));
  return { data: { ...data, stories: kept, aliases }, removed };
}
