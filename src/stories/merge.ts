// Incoming items → stored stories: one story per press release, whichever sources carried it, in any order.
import type { Incoming, StoreData, Story, StorySource } from '../model.js';
import { foldTitle, mintId } from './identity.js';

/** One string per source of a story: a bulletin file, or one item of one feed. */
export function sourceKey(s: StorySource): string {
  return s.kind === 'bulletin' ? `bulletin:${s.file}` : `feed:${s.url}#${s.guid ?? ''}`;
}

export interface MergeResult {
  data: StoreData;
  created: string[];
  updated: string[];
}

/** Copies of one press release found in different channels are dated within a few days of each other. */
const WINDOW_MS = 4 * 24 * 3600 * 1000;

/** A feed's fields win over a bulletin's: the agency's own channel names, links and dates its releases. */
const rank = (s: StorySource) => (s.kind === 'feed' ? 2 : 1);

function sameSource(a: StorySource, b: StorySource): boolean {
  return sourceKey(a) === sourceKey(b) && (a.kind !== 'bulletin' || b.kind !== 'bulletin' || a.line === b.line);
}

/**
 * Would `inc` be a different press release than `story`, although its title matches? A feed never lists one
 * release twice, so a story that already has another item of the same feed is another release.
 */
function conflicts(story: Story, inc: Incoming): boolean {
  if (inc.source.kind === 'feed') {
    const url = inc.source.url;
    return story.sources.some((s) => s.kind === 'feed' && s.url === url && sourceKey(s) !== sourceKey(inc.source));
  }
  const file = inc.source.file;
  return story.sources.some((s) => s.kind === 'bulletin' && s.file === file && s.line !== (inc.source as { line: number }).line);
}

function bodyIsBetter(story: Story, inc: Incoming): boolean {
  if (!inc.contentHtml) return false;
  if (!story.contentHtml) return true;
  if (story.teaser !== inc.teaser) return story.teaser;
  return inc.contentHtml.length > story.contentHtml.length;
}

function applyTo(story: Story, inc: Incoming, nowIso: string): Story {
  const next: Story = { ...story };
  let changed = false;
  if (!story.sources.some((s) => sameSource(s, inc.source))) {
    next.sources = [...story.sources.filter((s) => sourceKey(s) !== sourceKey(inc.source)), inc.source];
  }
  const strongest = Math.max(...story.sources.map(rank));
  const incRank = rank(inc.source);
  // Title: the highest-ranked source names the story; its later edits rename it, keeping the old title.
  if (incRank >= strongest && inc.title !== story.title) {
    next.history = [...story.history, { title: story.title, until: nowIso }];
    next.title = inc.title;
    changed = true;
  }
  if (inc.link && (incRank >= strongest || !story.link) && inc.link !== story.link) {
    next.link = inc.link;
    changed = true;
  }
  const dateRank = { 'first-seen': 0, bulletin: 1, feed: 2 } as const;
  if (inc.published && (dateRank[inc.dateSource] > dateRank[story.dateSource] || (inc.dateSource === story.dateSource && incRank >= strongest && inc.published !== story.published))) {
    next.published = inc.published;
    next.dateSource = inc.dateSource;
    changed = true;
  }
  const sk = sourceKey(inc.source);
  const edit = story.bodyFrom === sk && inc.contentHtml && inc.contentHtml !== story.contentHtml;
  if (edit || bodyIsBetter(story, inc)) {
    next.contentHtml = inc.contentHtml;
    next.summary = inc.summary;
    next.teaser = inc.teaser;
    next.bodyFrom = sk;
    changed = true;
  }
  if (inc.categories.length) {
    const cats = [...new Set([...story.categories, ...inc.categories])];
    if (cats.length !== story.categories.length) next.categories = cats;
  }
  if (changed) {
    const candidates = [nowIso, next.published, inc.updated ?? ''].filter(Boolean);
    next.updated = candidates.reduce((a, b) => (a > b ? a : b));
  } else if (next.published > next.updated) {
    next.updated = next.published;
  }
  return next;
}

/**
 * Applies incoming items to the store's stories. Pure: returns a new StoreData, never touches the input.
 * Identity chain, strongest evidence first:
 *  1. any upstream key of the item (guid, canonical link, bulletin key) already in the alias table;
 *  2. the same agency, the same folded title, dated within a few days, and not another item of a feed the
 *     story already has (so a feed that reuses titles keeps two stories);
 *  3. otherwise a new story, whose id is minted now and never recomputed.
 */
export function mergeIncoming(data: StoreData, incoming: readonly Incoming[], now: Date): MergeResult {
  const nowIso = now.toISOString();
  const stories = data.stories.slice();
  const index = new Map<string, number>(stories.map((s, i) => [s.id, i]));
  const aliases: Record<string, string> = { ...data.aliases };
  const byTitle = new Map<string, number[]>();
  const titleKey = (agency: string, title: string) => `${agency}\n${foldTitle(title)}`;
  const addTitle = (agency: string, title: string, i: number) => {
    const k = titleKey(agency, title);
    const list = byTitle.get(k);
    if (list) {
      if (!list.includes(i)) list.push(i);
    } else byTitle.set(k, [i]);
  };
  stories.forEach((s, i) => {
    addTitle(s.agency, s.title, i);
    for (const h of s.history) addTitle(s.agency, h.title, i);
  });
  let nextSeq = data.nextSeq;
  const created: string[] = [];
  const updated = new Set<string>();

  for (const inc of incoming) {
    let at: number | undefined;
    for (const k of inc.keys) {
      const id = aliases[k];
      if (id !== undefined && index.has(id)) {
        at = index.get(id);
        break;
      }
    }
    if (at === undefined) {
      const when = Date.parse(inc.published ?? nowIso);
      at = byTitle.get(titleKey(inc.agency, inc.title))?.find((i) => {
        const s = stories[i]!;
        return Math.abs(Date.parse(s.published) - when) <= WINDOW_MS && !conflicts(s, inc);
      });
    }
    if (at === undefined) {
      const published = inc.published ?? nowIso;
      const id = mintId(inc.agency, inc.keys[0] ?? `${inc.agency}:${inc.title}`, published.slice(0, 10), (x) => index.has(x));
      const story: Story = {
        id,
        seq: nextSeq++,
        agency: inc.agency,
        title: inc.title,
        ...(inc.link ? { link: inc.link } : {}),
        published,
        updated: inc.updated && inc.updated > published ? inc.updated : published,
        firstSeen: nowIso,
        dateSource: inc.published ? inc.dateSource : 'first-seen',
        contentHtml: inc.contentHtml,
        summary: inc.summary,
        teaser: inc.teaser,
        categories: inc.categories,
        sources: [inc.source],
        bodyFrom: sourceKey(inc.source),
        history: [],
      };
      at = stories.push(story) - 1;
      index.set(id, at);
      created.push(id);
    } else {
      const before = stories[at]!;
      const after = applyTo(before, inc, nowIso);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        stories[at] = after;
        if (!created.includes(after.id)) updated.add(after.id);
      }
    }
    const story = stories[at]!;
    addTitle(story.agency, story.title, at);
    for (const k of inc.keys) aliases[k] ??= story.id;
  }
  return { data: { ...data, stories, aliases, nextSeq }, created, updated: [...updated] };
}
