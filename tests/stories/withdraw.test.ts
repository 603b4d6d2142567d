// Withdrawals, pure: two versions of a bulletin, a deleted one, other sources that still carry a story, and the
// operator's withdraw / forget with their undo. The worker runs exactly these steps (worker/ingest.ts).
import { describe, expect, it } from 'vitest';
import type { Agency, Incoming, StoreData, Story } from '../../src/model.js';
import { emptyStore } from '../../src/store/store.js';
import { linkCorrections } from '../../src/stories/bulletin-corrections.js';
import { mergeIncoming } from '../../src/stories/merge.js';
import { applyForgotten, forgetAgency, reconcileBulletin, restoreAgency, restoreCarried, undoWithdraw, withdrawById } from '../../src/stories/withdraw.js';
import { runParseTask } from '../../src/worker/parse-task.js';
import { knownAgencies } from '../../src/stories/agencies.js';
import { publicView } from '../../src/web/public-view.js';
import { E_ARREST, N_EXERCISE, N_SHORT, VERSIONS } from './withdraw.data.js';

const AGENCIES: Agency[] = [
  { id: 'nato', name: 'NATO', aliases: [], timezone: 'Europe/Brussels', feeds: [], configured: true },
  { id: 'europol', name: 'Europol', aliases: [], timezone: 'Europe/Amsterdam', feeds: [], configured: true },
];
const T0 = new Date('2024-10-10T08:00:00Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function items(file: string, text: string, data: StoreData): Promise<{ incoming: Incoming[]; discovered: { id: string; name: string }[] }> {
  return runParseTask({ kind: 'bulletin', text, file, agencies: knownAgencies(AGENCIES, data.discoveredAgencies) });
}

/** One read of a bulletin file, as the worker does it. */
async function readVersion(data: StoreData, file: string, text: string, now: Date): Promise<StoreData> {
  const { incoming, discovered } = await items(file, text, data);
  let d: StoreData = { ...data, discoveredAgencies: { ...data.discoveredAgencies } };
  for (const a of discovered) d.discoveredAgencies[a.id] ??= a;
  const m = mergeIncoming(d, linkCorrections(d, file, incoming), now);
  d = reconcileBulletin(m.data, file, new Set(m.placed), now, 'edited').data;
  return applyForgotten(d, now).data;
}

const published = (d: StoreData) => publicView(d).data.stories.map((s) => s.title).sort();
const byTitle = (d: StoreData, title: string) => d.stories.find((s) => s.title === title || s.history.some((h) => h.title === title));

describe('a bulletin file read again is its author’s current word', () => {
  it.each(VERSIONS)('$description', async (c) => {
    const v1 = await readVersion(emptyStore(), 'digest-2024-10-09.txt', c.before, T0);
    const ids = new Map(v1.stories.map((s) => [s.title, s.id]));
    const v2 = await readVersion(v1, 'digest-2024-10-09.txt', c.after, later(30));
    expect(published(v2)).toEqual([...c.published].sort());
    for (const t of c.kept) {
      const s = v2.stories.find((x) => x.id === ids.get(t));
      expect(s?.withdrawn, t).toBeUndefined();
    }
    for (const t of c.withdrawn) {
      const s = v2.stories.find((x) => x.id === ids.get(t))!;
      expect(s.withdrawn, t).toEqual({ at: later(30).toISOString(), by: 'source', reason: 'removed from bulletin digest-2024-10-09.txt' });
    }
    // Never a new id for a kept story; never an id reused.
    expect(new Set(v2.stories.map((s) => s.id)).size).toBe(v2.stories.length);
    // Reading the second version again changes nothing.
    const again = await readVersion(v2, 'digest-2024-10-09.txt', c.after, later(60));
    expect(again.stories).toEqual(v2.stories);
  });

  it('moves `updated` of a corrected story and keeps its old title in its history', async () => {
    const v1 = await readVersion(emptyStore(), 'd.txt', N_SHORT, T0);
    const v2 = await readVersion(v1, 'd.txt', N_SHORT.replace('Genral', 'General'), later(30));
    const [before] = v1.stories as [Story];
    const [after] = v2.stories as [Story];
    expect(after.id).toBe(before.id);
    expect(after.title).toBe('NATO Secretary General visits Kyiv');
    expect(after.updated).toBe(later(30).toISOString());
    expect(after.history).toEqual([{ title: 'NATO Secretary Genral visits Kyiv', until: later(30).toISOString() }]);
  });

  it('gives a withdrawn item that comes back its old id, published again', async () => {
    const v1 = await readVersion(emptyStore(), 'd.txt', `${N_EXERCISE}\n${E_ARREST}`, T0);
    const arrest = byTitle(v1, 'Europol supports arrest of 12 suspects in investment fraud case')!.id;
    const v2 = await readVersion(v1, 'd.txt', N_EXERCISE, later(30));
    expect(v2.stories.find((s) => s.id === arrest)!.withdrawn).toBeDefined();
    const v3 = await readVersion(v2, 'd.txt', `${N_EXERCISE}\n${E_ARREST}`, later(60));
    const back = v3.stories.find((s) => s.id === arrest)!;
    expect(back.withdrawn).toBeUndefined();
    expect(back.updated).toBe(later(60).toISOString());
    expect(v3.stories).toHaveLength(2);
  });

  it('keeps a removed item that another bulletin still carries, without this file as a source', async () => {
    let d = await readVersion(emptyStore(), 'a.txt', `${N_EXERCISE}\n${E_ARREST}`, T0);
    d = await readVersion(d, 'b.txt', E_ARREST, later(5));
    const arrest = byTitle(d, 'Europol supports arrest of 12 suspects in investment fraud case')!;
    expect(arrest.sources.map((s) => (s.kind === 'bulletin' ? s.file : s.kind))).toEqual(['a.txt', 'b.txt']);
    d = await readVersion(d, 'a.txt', N_EXERCISE, later(30));
    const after = d.stories.find((s) => s.id === arrest.id)!;
    expect(after.withdrawn).toBeUndefined();
    expect(after.sources.map((s) => (s.kind === 'bulletin' ? s.file : s.kind))).toEqual(['b.txt']);
  });

  it('keeps a removed item that a feed or a fetched page carries', async () => {
    const d = await readVersion(emptyStore(), 'a.txt', E_ARREST, T0);
    const s = d.stories[0]!;
    for (const extra of [{ kind: 'feed' as const, url: 'https://www.europol.europa.eu/cms/api/rss/news', guid: '1' }, { kind: 'page' as const, url: 'https://www.europol.europa.eu/x', fetchedAt: T0.toISOString() }]) {
      const withOther: StoreData = { ...d, stories: [{ ...s, sources: [...s.sources, extra] }] };
      const r = reconcileBulletin(withOther, 'a.txt', new Set(), later(30), 'edited');
      expect(r.data.stories[0]!.withdrawn, extra.kind).toBeUndefined();
      expect(r.data.stories[0]!.sources).toEqual([extra]);
      expect(r.changes.map((c) => c.change)).toEqual(['source-dropped']);
    }
  });

  it('withdraws a deleted file’s stories with the deletion as the reason', async () => {
    const d = await readVersion(emptyStore(), 'a.txt', `${N_EXERCISE}\n${E_ARREST}`, T0);
    const r = reconcileBulletin(d, 'a.txt', new Set(), later(30), 'deleted');
    expect(r.data.stories.map((s) => s.withdrawn?.reason)).toEqual(['its bulletin a.txt was deleted', 'its bulletin a.txt was deleted']);
    expect(published(r.data)).toEqual([]);
  });

  it('brings back a source-withdrawn story when a feed carries it, but never an operator-withdrawn one', async () => {
    const d = await readVersion(emptyStore(), 'a.txt', E_ARREST, T0);
    const id = d.stories[0]!.id;
    const gone = reconcileBulletin(d, 'a.txt', new Set(), later(1), 'deleted').data;
    expect(restoreCarried(gone, new Set([id]), later(2)).data.stories[0]!.withdrawn).toBeUndefined();
    const op = withdrawById(d, id, 'libel', later(1));
    if ('error' in op) throw new Error(op.error);
    expect(restoreCarried(op.data, new Set([id]), later(2)).data.stories[0]!.withdrawn?.by).toBe('operator');
  });
});

describe('the operator’s withdrawals', () => {
  it('withdraws one story, sticks through a re-read of its bulletin, and is undone', async () => {
    const d = await readVersion(emptyStore(), 'a.txt', `${N_EXERCISE}\n${E_ARREST}`, T0);
    const id = byTitle(d, 'NATO Allies conclude annual nuclear deterrence exercise')!.id;
    const w = withdrawById(d, id, 'published by mistake', later(10));
    if ('error' in w) throw new Error(w.error);
    expect(publicView(w.data).story(id)?.withdrawn).toEqual({ at: later(10).toISOString(), by: 'operator', reason: 'published by mistake' });
    const reread = await readVersion(w.data, 'a.txt', `${N_EXERCISE}\n${E_ARREST}\n`, later(20));
    expect(published(reread)).toEqual(['Europol supports arrest of 12 suspects in investment fraud case']);
    const u = undoWithdraw(reread, id, later(30));
    if ('error' in u) throw new Error(u.error);
    expect(published(u.data)).toHaveLength(2);
    expect(withdrawById(d, 'tag:pressroom,2024-10-09:nato/none', 'x', later(1))).toEqual({ error: 'no story "tag:pressroom,2024-10-09:nato/none"' });
    expect(undoWithdraw(d, id, later(1))).toEqual({ error: `story ${id} is not withdrawn` });
  });

  it('forgets a discovered agency (never a configured one), keeps it forgotten when a bulletin names it again, and restores it', async () => {
    let d = await readVersion(emptyStore(), 'a.txt', `${E_ARREST}\n${N_SHORT.replace('Source: NATO', 'Source: Frontexx')}`, T0);
    expect(d.discoveredAgencies.frontexx).toMatchObject({ id: 'frontexx', name: 'Frontexx' });
    expect(forgetAgency(d, AGENCIES, 'europol', later(1))).toEqual({ error: 'europol is a configured agency (feeds/agencies/europol.json): remove that file instead' });
    const f = forgetAgency(d, AGENCIES, 'frontexx', later(1));
    if ('error' in f) throw new Error(f.error);
    d = f.data;
    expect(publicView(d).agency('frontexx')).toEqual({ at: later(1).toISOString(), reason: 'the agency frontexx was removed by the operator' });
    expect(publicView(d).data.discoveredAgencies).toEqual({});
    expect(published(d)).toEqual(['Europol supports arrest of 12 suspects in investment fraud case']);
    // The author adds another item under the same wrong name: it is stored, withdrawn, and makes no new agency.
    d = await readVersion(d, 'a.txt', `${E_ARREST}\n${N_SHORT.replace('Source: NATO', 'Source: Frontexx')}\n${N_EXERCISE.replace('Source: NATO', 'Source: Frontexx')}`, later(5));
    expect(published(d)).toEqual(['Europol supports arrest of 12 suspects in investment fraud case']);
    expect(d.stories.filter((s) => s.agency === 'frontexx').every((s) => s.withdrawn?.by === 'operator')).toBe(true);
    // The right name, one letter off the forgotten one, is a new agency, never the forgotten typo.
    const right = await readVersion(d, 'b.txt', N_EXERCISE.replace('Source: NATO', 'Source: Frontex'), later(7));
    expect(right.discoveredAgencies.frontex).toMatchObject({ id: 'frontex', name: 'Frontex' });
    expect(publicView(right).data.stories.find((s) => s.agency === 'frontex')?.title).toBe('NATO Allies conclude annual nuclear deterrence exercise');
    const r = restoreAgency(d, 'frontexx', later(10));
    if ('error' in r) throw new Error(r.error);
    expect(published(r.data)).toHaveLength(3);
    expect(publicView(r.data).agency('frontexx')).toBeUndefined();
  });
});
