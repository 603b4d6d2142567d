// What readers may see of the store: withdrawn stories and forgotten agencies taken out of every list, kept aside
// so their URLs can answer 410 Gone with when and why (stories/withdraw.ts).
import type { StoreData, Story, Withdrawal } from '../model.js';
import { monthOf } from '../publish/archives.js';
import { storedDates, type PublishedDates } from '../publish/story-day.js';

export interface GoneStory {
  id: string;
  agency: string;
  title: string;
  withdrawn: Withdrawal;
}

export interface PublicView {
  /** The store without withdrawn stories and forgotten agencies: everything published is built from this. */
  data: StoreData;
  /** A withdrawn story by id. */
  story(id: string): GoneStory | undefined;
  /** A forgotten agency by id: when and why. */
  agency(id: string): { at: string; reason: string } | undefined;
  /** Every withdrawn story, most recently withdrawn first (for /status). */
  withdrawn: GoneStory[];
  /**
   * When a story last left each document: 'all', each agency id, and `<key>@<YYYY-MM>` for archive months. A
   * document's Last-Modified is never older (web/publication.ts).
   */
  withdrawnAt: Map<string, Date>;
}

const views = new WeakMap<StoreData, PublicView>();

/**
 * Computed once per store version (the data object changes with every commit or reload). `dates` files a withdrawn
 * story under the archive month it was shown in (web/publication.ts's datesAsPublished).
 */
export function publicView(data: StoreData, dates: (s: Story) => PublishedDates = storedDates): PublicView {
  let v = views.get(data);
  if (v) return v;
  const live: Story[] = [];
  const gone = new Map<string, GoneStory>();
  const withdrawnAt = new Map<string, Date>();
  const bump = (key: string, at: Date) => {
    const d = withdrawnAt.get(key);
    if (!d || at > d) withdrawnAt.set(key, at);
  };
  for (const s of data.stories) {
    if (!s.withdrawn) {
      live.push(s);
      continue;
    }
    gone.set(s.id, { id: s.id, agency: s.agency, title: s.title, withdrawn: s.withdrawn });
    const at = new Date(s.withdrawn.at);
    if (Number.isNaN(at.getTime())) continue;
    const month = monthOf(s, dates);
    for (const key of ['all', s.agency]) {
      bump(key, at);
      if (month) bump(`${key}@${month}`, at);
    }
  }
  const forgotten = new Map<string, { at: string; reason: string }>();
  const discovered: StoreData['discoveredAgencies'] = {};
  for (const [k, d] of Object.entries(data.discoveredAgencies)) {
    if (d.forgotten) forgotten.set(d.id, d.forgotten);
    else discovered[k] = d;
  }
  // Nothing withdrawn or forgotten (the usual store): the very same objects, so nothing downstream sees a change.
  let view = data;
  if (gone.size || forgotten.size) {
    // Copied field by field: the alias table is a lazy getter on the store's data (store.ts) that a spread would
    // build (seconds at 100,000 stories on a web instance that never needs it).
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(data)) if (k !== 'aliases') copy[k] = (data as unknown as Record<string, unknown>)[k];
    copy.stories = live;
    copy.discoveredAgencies = discovered;
    Object.defineProperty(copy, 'aliases', { enumerable: true, get: () => data.aliases });
    view = copy as unknown as StoreData;
  }
  const withdrawn = [...gone.values()].sort((a, b) => (a.withdrawn.at < b.withdrawn.at ? 1 : a.withdrawn.at > b.withdrawn.at ? -1 : 0));
  v = { data: view, story: (id) => gone.get(id), agency: (id) => forgotten.get(id), withdrawn, withdrawnAt };
  views.set(data, v);
  return v;
}

/** The one line a withdrawn story's page answers with. */
export function goneLine(g: GoneStory): string {
  return `gone: this story was withdrawn on ${g.withdrawn.at}: ${g.withdrawn.reason}`;
}
