// Incoming items → stored stories: one story per press release, whichever sources carried it, in any order.
import type { DateConflict, Incoming, MergeRule, StoreData, StoredCopy, Story, StorySource } from '../model.js';
import { replaceTags } from '../sources/scan-text.js';
import { extendAliases, lookupAlias } from './alias-table.js';
import { identityChain, mintId, resolveByKeys } from './identity.js';
import { bulletinDateFits, confirms, copyMatch, SEARCH_MS } from './copy-evidence.js';
import { asIncoming, copyOfIncoming, copyOfStory, copyText, keyRule, mergedByOfCopies, withBodyText } from './merge-evidence.js';
import { sourceKey } from './source-key.js';
import { candidatesIn, deriveIndex, indexes, noteInIndex, positionOf } from './story-index.js';

export { copyEvidence } from './copy-evidence.js';

export { sourceKey } from './source-key.js';

export interface MergeResult {
  data: StoreData;
  created: string[];
  updated: string[];
  /** Items that met the comparison budget before a story by their keys was found: they were not compared. */
  notCompared?: number;
  /** The id of the story each incoming item went into, in the batch's order (stories/withdraw.ts reads it). */
  placed: string[];
}

export interface MergeOptions {
  /**
   * Milliseconds this batch may spend comparing items with stored stories (step 2 below); past it the rest of
   * the batch is matched by keys only. The comparisons cost up to ~0.2 µs per pair of an agency's stories in the
   * date window: nothing for a real feed (50 items × a few hundred stories), but a hostile feed serving 10,000
   * new items a poll beside 10,000 stored ones cost 21 s of the thread that runs the merge, which in
   * `pressroom start` also serves HTTP. Unset: no limit (tests, the pure function). The clock can stop the
   * comparing only after COMPARISONS_BEFORE_BUDGET candidate pairs: a process descheduled for a moment on a busy host
   * (or a cold start) must not make an ordinary poll skip its comparisons and mint duplicate stories.
   */
  compareBudgetMs?: number;
}

/**
 * Candidate pairs always looked at before the budget is: tens of ms of work on an idle machine, far more than a real
 * poll needs (50 items × 2,000 stories of the agency in the date window), far less than a hostile batch. Once
 * the clock stopped a 7-item poll: on a loaded CI machine the 250 ms were gone after its first item (cold code,
 * the process not scheduled), and 6 copies of releases the store had became 4 new stories.
 */
export const COMPARISONS_BEFORE_BUDGET = 100_000;

const DAY_MS = 24 * 3600 * 1000;
/** A date further than this past the moment a story was first seen was a feed's mistake (see normalise.ts). */
const FUTURE_MS = DAY_MS;

/** A feed's fields win over a bulletin's: the agency's own channel names, links and dates its releases. */
const rank = (key: string) => (key.startsWith('feed:') ? 2 : 1);
// A page's own date (worker/fulltext.ts) beats a bulletin's file name and yields to the agency's feed.
const DATE_RANK = { 'first-seen': 0, bulletin: 1, page: 1.5, feed: 2 } as const;

const maxIso = (...xs: (string | undefined)[]) => xs.reduce<string>((m, x) => (x !== undefined && x > m ? x : m), '');

/** The source that names a story (its title, link and date): the best-ranked, then the first by key. */
function ownerKey(sources: readonly StorySource[]): string {
  let best = '';
  for (const s of sources) {
    const k = sourceKey(s);
    if (!best || rank(k) > rank(best) || (rank(k) === rank(best) && k < best)) best = k;
  }
  return best;
}

const sourceOrder = (a: StorySource, b: StorySource) => {
  const ka = sourceKey(a);
  const kb = sourceKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** A story's sources with `src` added (a re-read bulletin file replaces its own entry), in one fixed order. */
function withSource(sources: readonly StorySource[], src: StorySource): readonly StorySource[] {
  const k = sourceKey(src);
  const same = sources.find((s) => sourceKey(s) === k);
  if (same && (same.kind !== 'bulletin' || src.kind !== 'bulletin' || same.line === src.line)) return sources;
  return [...sources.filter((s) => sourceKey(s) !== k), src].sort(sourceOrder);
}

/** Characters of text in an HTML body: how full a body is. */
const textLength = (html: string) => replaceTags(html, ' ').replace(/\s+/g, ' ').trim().length;

/**
 * Orders two bodies, > 0 when `a` is the fuller: a complete text beats a teaser, then more text, then the
 * agency's own feed, then the first source by key. A total order, so the body kept does not depend on the
 * order the copies arrived in.
 */
function compareBodies(a: { html: string; teaser: boolean; from: string }, b: { html: string; teaser: boolean; from: string }): number {
  if (!a.html || !b.html) return a.html ? 1 : b.html ? -1 : 0;
  if (a.teaser !== b.teaser) return a.teaser ? -1 : 1;
  const la = textLength(a.html);
  const lb = textLength(b.html);
  if (la !== lb) return la - lb;
  if (rank(a.from) !== rank(b.from)) return rank(a.from) - rank(b.from);
  return a.from < b.from ? 1 : a.from > b.from ? -1 : 0;
}

interface RunContext {
  nowIso: string;
  nowMs: number;
}

/**
 * What a copy changes in a story. Returns the same object when nothing changes, so the store finds changed
 * stories by reference.
 *
 * `updated` rule: a story first seen in this run (its firstSeen is this run's `now`) has never been published,
 * so its `updated` is a function of what was merged into it, not of the order: max(published, the newest
 * <updated> a source declared). After that, a change a reader can see (title, body, link, date) moves
 * `updated` to this run's `now` (never backwards); a new source, category or key alone does not. So the same
 * inputs in any order within a run give the same bytes, and re-ingesting them later changes nothing.
 */
function applyTo(story: Story, inc: Incoming, run: RunContext): Story {
  const next: Story = { ...story };
  const firstRun = story.firstSeen === run.nowIso;
  const sk = sourceKey(inc.source);
  const sources = withSource(story.sources, inc.source);
  if (sources !== story.sources) next.sources = [...sources];
  const isOwner = ownerKey(sources) === sk;
  let visible = false;

  // Title: the owner names the story; its later edits rename it, and the old title goes to history once a
  // reader may have seen it.
  if (isOwner && inc.title !== story.title) {
    if (!firstRun) next.history = [...story.history, { title: story.title, until: run.nowIso }];
    next.title = inc.title;
    visible = true;
  }
  if (inc.link && (isOwner || !story.link) && inc.link !== story.link) {
    next.link = inc.link;
    visible = true;
  }

  // Date: feed, else bulletin, else first-seen. A feed date more than a day past the moment this story was
  // first seen is held back (it was in the future then) and flagged.
  let claim = inc.published;
  let claimSource = inc.dateSource;
  let flag = inc.dateFlag;
  if (claim && claimSource === 'feed' && Date.parse(claim) > Date.parse(story.firstSeen) + FUTURE_MS) {
    claim = undefined;
    claimSource = 'first-seen';
    flag = 'future';
  }
  if (claim && (DATE_RANK[claimSource] > DATE_RANK[story.dateSource] || (claimSource === story.dateSource && isOwner && claim !== story.published))) {
    next.published = claim;
    next.dateSource = claimSource;
    if (claimSource === 'bulletin' && inc.dateBasis) next.dateBasis = inc.dateBasis;
    else delete next.dateBasis;
    visible ||= claim !== story.published;
  }
  if (next.dateSource === 'feed') delete next.dateFlag;
  else if (flag && !next.dateFlag) next.dateFlag = flag;
  // A bulletin copy dated where no bulletin could carry the feed's release (a file named days early): the
  // feed's date stands, and the bulletin's day is kept beside it so the story page can say so.
  const conflict = dateConflictOf(next, story, inc);
  if (conflict && JSON.stringify(conflict) !== JSON.stringify(story.dateConflict)) next.dateConflict = conflict;

  // Body: the fullest copy; the source it came from may edit it.
  const edit = story.bodyFrom === sk && !!inc.contentHtml && (inc.contentHtml !== story.contentHtml || inc.teaser !== story.teaser);
  const fuller = compareBodies({ html: inc.contentHtml, teaser: inc.teaser, from: sk }, { html: story.contentHtml, teaser: story.teaser, from: story.bodyFrom }) > 0;
  if (edit || (fuller && story.bodyFrom !== sk)) {
    next.contentHtml = inc.contentHtml;
    next.summary = inc.summary;
    next.teaser = inc.teaser;
    next.bodyFrom = sk;
    visible ||= inc.contentHtml !== story.contentHtml || inc.teaser !== story.teaser;
  }
  // Language: what the body's source declared; a copy that declares none (a bulletin) leaves it as it is.
  if (inc.language && next.bodyFrom === sk && inc.language !== story.language) next.language = inc.language;
  else if (inc.language && !story.language) next.language = inc.language;

  // Categories: one source's in its order; several sources' as a sorted union (order-independent).
  if (inc.categories.length) {
    const have = new Set(story.categories);
    if (inc.categories.some((c) => !have.has(c)))
      next.categories = story.categories.length ? [...new Set([...story.categories, ...inc.categories])].sort() : [...new Set(inc.categories)];
  }

  // Only with a change of its own: some CMSs stamp <updated> with the time of every fetch.
  const declared = declaredUpdated(inc);
  if ((firstRun || visible) && declared && declared > (story.declaredUpdated ?? '')) next.declaredUpdated = declared;
  if (firstRun) {
    const stamp = orderStamp(next, inc, run) ?? (next.dateSource === 'bulletin' && next.published === story.published ? story.updated : undefined);
    next.updated = maxIso(next.published, next.declaredUpdated, stamp);
  }
  else if (visible) next.updated = maxIso(story.updated, run.nowIso, next.published);

  return changed(story, next) ? next : story;
}

/** The bulletin day that contradicts the feed's date of `next`, from the copy merged now or the story before. */
function dateConflictOf(next: Story, before: Story, inc: Incoming): DateConflict | undefined {
  if (next.dateSource !== 'feed') return undefined;
  const bulletin =
    inc.dateSource === 'bulletin' && inc.published && inc.dateBasis && inc.source.kind === 'bulletin'
      ? { iso: inc.published, basis: inc.dateBasis, file: inc.source.file }
      : before.dateSource === 'bulletin' && before.dateBasis && before.sources.find((s) => s.kind === 'bulletin')
        ? { iso: before.published, basis: before.dateBasis, file: (before.sources.find((s) => s.kind === 'bulletin') as { file: string }).file }
        : undefined;
  if (!bulletin || bulletinDateFits(next.published, bulletin.iso)) return undefined;
  // The bulletin's day as written: its midnight in the agency's zone lies within 12 hours of UTC's.
  const day = new Date(Date.parse(bulletin.iso) + 12 * 3600_000).toISOString().slice(0, 10);
  return { day, basis: bulletin.basis, file: bulletin.file };
}

/** The update time a feed declared. A bulletin declares none: its `updated` is an order stamp (orderStamp). */
function declaredUpdated(inc: Incoming): string | undefined {
  return inc.source.kind === 'bulletin' ? undefined : inc.updated;
}

/**
 * A bulletin item's order stamp (normalise.ts: the day's midnight plus seconds, so stories of one day have
 * distinct `updated` in the bulletin's order), while the story is dated by that bulletin day; never past now.
 */
function orderStamp(story: Story, inc: Incoming, run: RunContext): string | undefined {
  if (inc.source.kind !== 'bulletin' || story.dateSource !== 'bulletin' || inc.published !== story.published) return undefined;
  return inc.updated && inc.updated <= run.nowIso ? inc.updated : undefined;
}

function changed(a: Story, b: Story): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return true;
  for (const k of kb) {
    const va = (a as unknown as Record<string, unknown>)[k];
    const vb = (b as unknown as Record<string, unknown>)[k];
    if (va !== vb && JSON.stringify(va) !== JSON.stringify(vb)) return true;
  }
  return false;
}

function newStory(inc: Incoming, id: string, seq: number, run: RunContext): Story {
  const published = inc.published ?? run.nowIso;
  const declared = declaredUpdated(inc);
  return {
    id,
    seq,
    agency: inc.agency,
    title: inc.title,
    ...(inc.link ? { link: inc.link } : {}),
    published,
    updated: maxIso(published, declared, inc.dateSource === 'bulletin' && inc.published && inc.updated && inc.updated <= run.nowIso ? inc.updated : undefined),
    firstSeen: run.nowIso,
    dateSource: inc.published ? inc.dateSource : 'first-seen',
    ...(inc.published && inc.dateSource === 'bulletin' && inc.dateBasis ? { dateBasis: inc.dateBasis } : {}),
    ...(inc.dateFlag && inc.dateSource !== 'feed' ? { dateFlag: inc.dateFlag } : {}),
    ...(declared ? { declaredUpdated: declared } : {}),
    contentHtml: inc.contentHtml,
    summary: inc.summary,
    teaser: inc.teaser,
    categories: [...new Set(inc.categories)],
    ...(inc.language ? { language: inc.language } : {}),
    sources: [inc.source],
    bodyFrom: sourceKey(inc.source),
    history: [],
    keys: [],
  };
}

// ---------------------------------------------------------------------------------------------------------

const isCopy = (s: StorySource) => s.kind !== 'page';
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The story with the copy from source `sk` kept (StoredCopy) and `mergedBy` worked out from all its copies
 * (merge-evidence.ts), so it does not depend on the order they came in. The same object when nothing changes.
 * A story merged before copies were kept (two or more copies, no `copies`) goes on recording each newcomer's
 * `rule`, what joined it when it is new to the story (recordMerge).
 */
function withCopy(story: Story, before: Story, inc: Incoming, sk: string, rule: MergeRule | undefined, run: RunContext): Story {
  const copiesBefore = before.sources.filter(isCopy);
  if (story.sources.filter(isCopy).length < 2) return story;
  let copies = before.copies;
  if (copies === undefined) {
    if (copiesBefore.length !== 1) return rule ? recordMerge(story, before, rule, sk) : story;
    const only = copyOfStory(before, sourceKey(copiesBefore[0]!));
    if (only.source === before.bodyFrom) delete only.text;
    copies = [only];
  }
  // The copy the body came from keeps no text of its own (it is the story's); when the body moves to another
  // copy, the one it came from writes its text out first.
  if (story.bodyFrom !== before.bodyFrom) copies = withBodyText(copies, before.contentHtml);
  const kept = copies.find((c) => c.source === sk);
  const { text, ...bare } = copyOfIncoming(inc, sk, kept?.published ?? run.nowIso);
  const copy: StoredCopy = sk === story.bodyFrom ? bare : { ...bare, text };
  const present = new Set(story.sources.filter(isCopy).map(sourceKey));
  const next: StoredCopy[] = [...copies.filter((c) => c.source !== sk && present.has(c.source)), copy]
    .map((c): StoredCopy => (c.source === story.bodyFrom && c.text !== undefined ? (({ text: _t, ...rest }) => rest)(c) : c))
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  if (before.copies !== undefined && sameJson(next, before.copies)) return story;
  const bodyText = copyText(story.contentHtml);
  const written = next.map((c) => (c.text === undefined ? { ...c, text: bodyText } : c));
  const mergedBy = mergedByOfCopies(written, ownerKey(story.sources), story.agency, (c) => copyMatch(story, asIncoming(c, story.agency), Date.parse(c.published)).rule);
  return { ...story, copies: next, ...(mergedBy.length ? { mergedBy } : {}) };
}

/**
 * The story with `rule` recorded for the copy from source `sk` that just joined it. Every source but the one that
 * names the story (ownerKey) has an entry, so the record does not depend on the order the copies came in: when
 * the new copy names the story, the rule that joined the two goes to the copy that named it before.
 */
function recordMerge(story: Story, before: Story, rule: MergeRule, sk: string): Story {
  const owner = ownerKey(story.sources);
  const entries = (story.mergedBy ?? []).filter((e) => e.source !== sk);
  const source = owner === sk ? ownerKey(before.sources) : sk;
  if (source === owner) return story;
  entries.push({ rule, source });
  entries.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { ...story, mergedBy: entries };
}

/** Where one source's item comes from, without the item's own guid: the feed or the bulletin file. */
const channelOf = (s: StorySource) => (s.kind === 'bulletin' ? `bulletin:${s.file}` : `${s.kind}:${s.url}`);

/**
 * Keys that more than one item of one fetch share name no single item (a CMS stamping one guid on every
 * release, or linking every item to its news page): the chain is rebuilt for those items without them.
 */
function rekeyShared(incoming: readonly Incoming[]): Incoming[] {
  const count = new Map<string, number>();
  const id = (inc: Incoming, k: string) => `${channelOf(inc.source)}\n${k}`;
  for (const inc of incoming) for (const k of new Set(inc.keys)) count.set(id(inc, k), (count.get(id(inc, k)) ?? 0) + 1);
  const isShared = (inc: Incoming, k: string) => (count.get(id(inc, k)) ?? 0) > 1;
  return incoming.map((inc) => {
    // The very same item listed twice (same guid, same link) is still itself.
    if (!inc.keys.some((k) => !k.startsWith('guidlink:') && isShared(inc, k))) return inc;
    if (inc.source.kind === 'bulletin') {
      // Two items of one bulletin under one title: only their text and position tell them apart.
      return { ...inc, keys: inc.keys.filter((k) => !isShared(inc, k)) };
    }
    const src = inc.source;
    const day = inc.dateSource === 'feed' && inc.published ? inc.published.slice(0, 10) : undefined;
    const keys = identityChain({
      agency: inc.agency,
      feedUrl: src.url,
      ...(src.guid !== undefined ? { guid: src.guid } : {}),
      ...(inc.link !== undefined ? { link: inc.link } : {}),
      title: inc.title,
      ...(day ? { day } : {}),
      guidShared: inc.keys.some((k) => k.startsWith('guid:') && isShared(inc, k)),
      linkShared: inc.keys.some((k) => k.startsWith('link:') && isShared(inc, k)),
    }).filter((k) => !k.startsWith('title:') || !isShared(inc, k));
    return { ...inc, keys };
  });
}

/**
 * Applies incoming items (normally one source's batch: one feed fetch or one bulletin file) to the store's
 * stories. Pure: returns a new StoreData and never changes the input; unchanged stories keep their objects.
 *
 * Which story an item belongs to:
 *  1. its identity chain (identity.ts): the first of its upstream keys the alias table maps to a story of
 *     the same agency;
 *  2. else the story of the same agency, dated within a few days, that it most reads as a copy of
 *     (copyEvidence: titles, the start of the text, places and numbers), and that no other item of the same
 *     feed or bulletin already is (a feed never lists one release twice);
 *  3. else a new story, whose id is minted now and never recomputed.
 * Every key of the item is then mapped to the story (a key already mapped keeps its story).
 */
export function mergeIncoming(data: StoreData, incoming: readonly Incoming[], now: Date, opts: MergeOptions = {}): MergeResult {
  let notCompared = 0;
  /** Candidates looked at (skipped or compared): the work the budget bounds. */
  let compared = 0;
  const run: RunContext = { nowIso: now.toISOString(), nowMs: now.getTime() };
  const batch = rekeyShared(incoming);
  const stories = data.stories.slice();
  const ix = deriveIndex(data.stories);
  // From here: building the index of a freshly opened store (~0.5 s at 100,000 stories) is not comparing.
  const compareUntil = opts.compareBudgetMs === undefined ? Infinity : performance.now() + opts.compareBudgetMs;
  const added = new Map<string, string>();
  const aliasOf = (k: string) => added.get(k) ?? lookupAlias(data.aliases, k);
  /** Story id → channels (feed URL, bulletin file) whose items in this batch already are this story. */
  const claimed = new Map<string, Set<string>>();
  const inFeed = new Map<string, string[]>();
  let nextSeq = data.nextSeq;
  const created: string[] = [];
  const updated = new Set<string>();
  let replaced = false;
  const placed: string[] = [];

  /** Whether an item of `channel` in this batch already is story `s`. */
  const isClaimed = (s: Story, channel: string) => claimed.get(s.id)?.has(channel) ?? false;
  /** A story that already has another item (another guid) of the same feed is another release. */
  const otherItemOfFeed = (s: Story, inc: Incoming) =>
    inc.source.kind === 'feed' &&
    inc.source.guid !== undefined &&
    s.sources.some((x) => x.kind === 'feed' && x.url === (inc.source as { url: string }).url && x.guid !== undefined && x.guid !== (inc.source as { guid?: string }).guid);

  /**
   * Stories this batch created, by the channel whose item created them. Every one is claimed by that channel
   * (isClaimed), so an item of the same channel need never look at them: without this list a feed of 10,000 new
   * items compared each with every story made before it in the same fetch (31 s on the serving thread).
   */
  const createdBy = new Map<string, { pos: number; agency: string }[]>();
  const candidates = function* (inc: Incoming, channel: string, lo: string, hi: string): Generator<number> {
    yield* candidatesIn(ix, stories, inc.agency, lo, hi);
    for (const [ch, list] of createdBy) {
      if (ch === channel) continue;
      for (const c of list) {
        const p = stories[c.pos]!.published;
        if (c.agency === inc.agency && p >= lo && p <= hi) yield c.pos;
      }
    }
  };

  for (const inc of batch) {
    const channel = channelOf(inc.source);
    let at = resolveByKeys(
      inc.keys,
      (k) => {
        const id = aliasOf(k);
        const p = id === undefined ? undefined : positionOf(ix, id);
        const s = p === undefined ? undefined : stories[p];
        if (!s || s.id !== id || s.agency !== inc.agency) return undefined;
        // Two items of one fetch never are one release, unless they are the very same item listed twice.
        if (!k.startsWith('guidlink:') && isClaimed(s, channel)) return undefined;
        return p;
      },
      (p) => confirms(stories[p]!, inc),
    );

    let rule: MergeRule | undefined = at === undefined ? undefined : keyRule(inc.keys.find((k) => aliasOf(k) === stories[at!]!.id));
    const overBudget = at === undefined && compareUntil !== Infinity && compared >= COMPARISONS_BEFORE_BUDGET && performance.now() > compareUntil;
    if (overBudget) notCompared++;
    if (at === undefined && !overBudget) {
      const when = inc.published ? Date.parse(inc.published) : run.nowMs;
      const lo = new Date(when - SEARCH_MS).toISOString();
      const hi = new Date(when + SEARCH_MS).toISOString();
      let best = 0;
      for (const p of candidates(inc, channel, lo, hi)) {
        // The clock is read every 1,024 candidates; one item's scan may end early, keeping its best so far.
        if (++compared % 1024 === 0 && compared >= COMPARISONS_BEFORE_BUDGET && performance.now() > compareUntil) break;
        const s = stories[p]!;
        if (isClaimed(s, channel) || otherItemOfFeed(s, inc)) continue;
        const m = copyMatch(s, inc, when);
        if (m.score > best || (m.score === best && m.score > 0 && at !== undefined && s.seq < stories[at]!.seq)) {
          best = m.score;
          at = p;
          rule = m.rule;
        }
      }
    }

    let story: Story;
    if (at === undefined) {
      const published = inc.published ?? run.nowIso;
      // Named for the release's day in its agency's zone (a Brussels bulletin of 9 October is not 8 October's, as
      // its midnight's UTC day would say); ids minted before keep their day: an id is never recomputed.
      const day = inc.day && inc.published ? inc.day : published.slice(0, 10);
      const id = mintId(inc.agency, inc.keys[0] ?? `${channel}:${inc.title}`, day, (x) => positionOf(ix, x) !== undefined);
      story = newStory(inc, id, nextSeq++, run);
      at = stories.push(story) - 1;
      // Found by id at once (a feed listing one item twice); by date, only by other channels until the batch ends.
      ix.extraPos.set(id, at);
      const mine = createdBy.get(channel);
      if (mine) mine.push({ pos: at, agency: inc.agency });
      else createdBy.set(channel, [{ pos: at, agency: inc.agency }]);
      created.push(id);
      replaced = true;
    } else {
      const before = stories[at]!;
      story = applyTo(before, inc, run);
      // Keep the copy's evidence and say why its copies are one story (JSON Feed `_pressroom.merged_by`).
      const sk = sourceKey(inc.source);
      story = withCopy(story, before, inc, sk, before.sources.some((x) => sourceKey(x) === sk) ? undefined : rule, run);
      if (story !== before) {
        if (!created.includes(story.id)) updated.add(story.id);
        if (story.published !== before.published) noteInIndex(ix, story, at, false);
      }
    }

    // Record the item's keys for its story: in the alias table, and in the story (which the store persists).
    const fresh = inc.keys.filter((k) => aliasOf(k) === undefined);
    const own = story.keys ?? [];
    const missing = inc.keys.filter((k) => aliasOf(k) === story.id && !own.includes(k));
    for (const k of fresh) added.set(k, story.id);
    if (fresh.length || missing.length) story = { ...story, keys: [...own, ...new Set([...missing, ...fresh])] };
    if (stories[at] !== story) {
      stories[at] = story;
      replaced = true;
    }
    placed.push(story.id);

    const c = claimed.get(story.id);
    if (c) c.add(channel);
    else claimed.set(story.id, new Set([channel]));
    if (inc.source.kind === 'feed') {
      const list = inFeed.get(inc.source.url);
      if (list) list.push(story.id);
      else inFeed.set(inc.source.url, [story.id]);
    }
  }

  // The batch's new stories join the index as any appended story does, for the batches after this one.
  for (const list of createdBy.values()) for (const c of list) noteInIndex(ix, stories[c.pos]!, c.pos, true);
  // Nothing new: hand back the very same array, so nothing downstream has anything to compare.
  const out = replaced ? stories : data.stories;
  if (replaced) indexes.set(stories, ix);
  let nextInFeed = data.inFeed;
  for (const [url, ids] of inFeed) {
    const sorted = [...new Set(ids)].sort();
    const prev = data.inFeed?.[url];
    if (!prev || prev.length !== sorted.length || prev.some((x, i) => x !== sorted[i])) nextInFeed = { ...nextInFeed, [url]: sorted };
  }
  return {
    data: {
      ...data,
      stories: out,
      aliases: extendAliases(data.aliases, added),
      nextSeq,
      ...(nextInFeed ? { inFeed: nextInFeed } : {}),
    },
    created,
    updated: [...updated],
    ...(notCompared ? { notCompared } : {}),
    placed,
  };
}
