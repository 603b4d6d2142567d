// Withdrawals: a story no source carries any more, or that the operator took down, leaves every feed and list
// but stays stored (its id, keys and text), so its page can answer 410 and a copy that comes back finds its old id.
// Pure: StoreData and `now` in, a new StoreData out; changed stories are new objects in their old positions.
import type { StoreData, Story, Withdrawal } from '../model.js';

export interface WithdrawalChange {
  id: string;
  agency: string;
  title: string;
  /** `withdrawn`: it left the feeds; `restored`: it came back; `source-dropped`: one source stopped carrying it, another still does. */
  change: 'withdrawn' | 'restored' | 'source-dropped';
  reason: string;
}

export interface WithdrawResult {
  data: StoreData;
  changes: WithdrawalChange[];
}

const note = (s: Story, change: WithdrawalChange['change'], reason: string): WithdrawalChange => ({ id: s.id, agency: s.agency, title: s.title, change, reason });

/** Replaces stories by id (same positions), returning the same data when nothing changed. */
function replaceStories(data: StoreData, next: Map<string, Story>): StoreData {
  if (next.size === 0) return data;
  return { ...data, stories: data.stories.map((s) => next.get(s.id) ?? s) };
}

const withdraw = (s: Story, w: Withdrawal): Story => ({ ...s, withdrawn: w });

/** Back in the feeds: `updated` moves, so a reader that dropped it sees it return as a change. */
function restore(s: Story, nowIso: string): Story {
  const { withdrawn: _w, ...rest } = s;
  return { ...rest, updated: s.updated > nowIso ? s.updated : nowIso };
}

/**
 * After a bulletin file was read again (or found deleted: `carried` empty): the file is the author's current word.
 * Each story that had this file as a source but that none of its items went into loses the file as a source;
 * a story left with no source at all (no feed, no other bulletin, no page) is withdrawn. Stories the file carries
 * again that were withdrawn because no source carried them are restored.
 */
export function reconcileBulletin(data: StoreData, file: string, carried: ReadonlySet<string>, now: Date, why: 'edited' | 'deleted'): WithdrawResult {
  const nowIso = now.toISOString();
  const next = new Map<string, Story>();
  const changes: WithdrawalChange[] = [];
  const reason = why === 'deleted' ? `its bulletin ${file} was deleted` : `removed from bulletin ${file}`;
  for (const s of data.stories) {
    if (carried.has(s.id)) continue;
    if (!s.sources.some((src) => src.kind === 'bulletin' && src.file === file)) continue;
    const sources = s.sources.filter((src) => !(src.kind === 'bulletin' && src.file === file));
    if (sources.length > 0 || s.withdrawn) {
      next.set(s.id, { ...s, sources });
      if (!s.withdrawn) changes.push(note(s, 'source-dropped', `${reason}; still carried by ${sources.length} other source(s)`));
      continue;
    }
    next.set(s.id, withdraw({ ...s, sources }, { at: nowIso, by: 'source', reason }));
    changes.push(note(s, 'withdrawn', reason));
  }
  const restored = restoreCarried({ ...data, stories: data.stories }, carried, now);
  // Both passes touch disjoint stories: a carried story is never dropped above.
  const merged = replaceStories(restored.data, next);
  return { data: merged, changes: [...changes, ...restored.changes] };
}

/** Ids of the withdrawn stories of a stories array, found once per array (every feed batch asks). */
const withdrawnOf = new WeakMap<readonly Story[], Set<string>>();
function withdrawnIds(stories: readonly Story[]): Set<string> {
  let ids = withdrawnOf.get(stories);
  if (!ids) {
    ids = new Set(stories.filter((s) => s.withdrawn).map((s) => s.id));
    withdrawnOf.set(stories, ids);
  }
  return ids;
}

/** Stories a source carries again (any source: a feed, a bulletin) that were withdrawn for want of one. */
export function restoreCarried(data: StoreData, carried: ReadonlySet<string>, now: Date): WithdrawResult {
  const withdrawn = withdrawnIds(data.stories);
  if (carried.size === 0 || withdrawn.size === 0 || ![...carried].some((id) => withdrawn.has(id))) return { data, changes: [] };
  const nowIso = now.toISOString();
  const next = new Map<string, Story>();
  const changes: WithdrawalChange[] = [];
  for (const s of data.stories) {
    if (s.withdrawn?.by !== 'source' || !carried.has(s.id)) continue;
    next.set(s.id, restore(s, nowIso));
    changes.push(note(s, 'restored', 'a source carries it again'));
  }
  return { data: replaceStories(data, next), changes };
}

/** The operator's `pressroom withdraw <id>`: sticks until `withdraw --undo`, whatever the sources say. */
export function withdrawById(data: StoreData, id: string, reason: string, now: Date): WithdrawResult | { error: string } {
  const s = data.stories.find((x) => x.id === id);
  if (!s) return { error: `no story ${JSON.stringify(id)}` };
  if (s.withdrawn?.by === 'operator') return { error: `story ${id} is already withdrawn (${s.withdrawn.at}: ${s.withdrawn.reason})` };
  const w: Withdrawal = { at: now.toISOString(), by: 'operator', reason };
  return { data: replaceStories(data, new Map([[id, withdraw(s, w)]])), changes: [note(s, 'withdrawn', reason)] };
}

/** `pressroom withdraw --undo <id>`: lifts an operator's withdrawal (a source's lifts itself when a source carries it again). */
export function undoWithdraw(data: StoreData, id: string, now: Date): WithdrawResult | { error: string } {
  const s = data.stories.find((x) => x.id === id);
  if (!s) return { error: `no story ${JSON.stringify(id)}` };
  if (!s.withdrawn) return { error: `story ${id} is not withdrawn` };
  if (data.discoveredAgencies[s.agency]?.forgotten) return { error: `story ${id} belongs to the forgotten agency ${s.agency}: run \`pressroom agencies restore ${s.agency}\`` };
  if (s.withdrawn.by === 'source' || s.sources.length === 0)
    return { error: `story ${id} was withdrawn because no source carries it (${s.withdrawn.reason}); it comes back when one does` };
  return { data: replaceStories(data, new Map([[id, restore(s, now.toISOString())]])), changes: [note(s, 'restored', 'the operator undid the withdrawal')] };
}

/** Reason given to a forgotten agency's stories; restoring the agency lifts exactly these. */
const forgottenReason = (id: string) => `the agency ${id} was removed by the operator`;

/**
 * `pressroom agencies forget <id>`: a discovered agency (never a configured one) is marked forgotten, so its feeds
 * answer 410, and every story of it is withdrawn. Its name keeps resolving to it: a bulletin still naming it
 * makes withdrawn stories, never a new agency with its feeds.
 */
export function forgetAgency(data: StoreData, configured: readonly { id: string }[], id: string, now: Date): WithdrawResult | { error: string } {
  if (configured.some((a) => a.id === id)) return { error: `${id} is a configured agency (feeds/agencies/${id}.json): remove that file instead` };
  const d = data.discoveredAgencies[id];
  if (!d) return { error: `no agency ${JSON.stringify(id)} was discovered in a bulletin` };
  if (d.forgotten) return { error: `agency ${id} was already forgotten on ${d.forgotten.at}` };
  const at = now.toISOString();
  const withAgency: StoreData = { ...data, discoveredAgencies: { ...data.discoveredAgencies, [id]: { ...d, forgotten: { at, reason: forgottenReason(id) } } } };
  const r = applyForgotten(withAgency, now);
  return r;
}

/** `pressroom agencies restore <id>`: the agency's feeds come back, with the stories its forgetting withdrew. */
export function restoreAgency(data: StoreData, id: string, now: Date): WithdrawResult | { error: string } {
  const d = data.discoveredAgencies[id];
  if (!d?.forgotten) return { error: `agency ${JSON.stringify(id)} is not a forgotten agency` };
  const { forgotten: _f, ...agency } = d;
  const nowIso = now.toISOString();
  const next = new Map<string, Story>();
  const changes: WithdrawalChange[] = [];
  for (const s of data.stories) {
    if (s.agency !== id || s.withdrawn?.reason !== forgottenReason(id)) continue;
    // A story no source carries any more stays withdrawn, for that reason now.
    next.set(s.id, s.sources.length ? restore(s, nowIso) : { ...s, withdrawn: { at: nowIso, by: 'source', reason: 'no source carries it' } });
    if (s.sources.length) changes.push(note(s, 'restored', `the agency ${id} was restored by the operator`));
  }
  return { data: replaceStories({ ...data, discoveredAgencies: { ...data.discoveredAgencies, [id]: agency } }, next), changes };
}

/** Stories of a forgotten agency that are not withdrawn (new items a bulletin still names it for): withdrawn now. */
export function applyForgotten(data: StoreData, now: Date): WithdrawResult {
  const gone = new Set(Object.values(data.discoveredAgencies).filter((d) => d.forgotten).map((d) => d.id));
  if (gone.size === 0) return { data, changes: [] };
  const at = now.toISOString();
  const next = new Map<string, Story>();
  const changes: WithdrawalChange[] = [];
  for (const s of data.stories) {
    if (!gone.has(s.agency) || s.withdrawn?.by === 'operator') continue;
    const reason = forgottenReason(s.agency);
    next.set(s.id, withdraw(s, { at, by: 'operator', reason }));
    changes.push(note(s, 'withdrawn', reason));
  }
  return { data: replaceStories(data, next), changes };
}
