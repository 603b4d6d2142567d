// Why a story's copies are one story (JSON Feed `_pressroom.merged_by`), as a function of the set of copies: the
// same answer whichever copy came first. Each copy's evidence is kept (StoredCopy); every pair of copies is
// compared on its own (shared upstream keys, then title and text as copy-evidence.ts compares them), and the
// copies are joined to the one that names the story by the strongest evidence first: a maximum spanning tree,
// grown from the owner, each copy credited with the rule of the edge that reached it.
import type { DateSource, Incoming, MergedBy, MergeRule, Story, StoredCopy } from '../model.js';
import { copyMatch } from './copy-evidence.js';
import { OPENING_MAX_CHARS } from './opening-text.js';
import { plainLead } from './text-match.js';

/**
 * Strongest first: an upstream key the copies share, then the comparison rules in the order merge.ts tries
 * them (README "Merging copies of one release").
 */
export const RULE_ORDER: readonly MergeRule[] = [
  'same-guid',
  'same-link',
  'same-title-and-day',
  'same-bulletin-item',
  'same-key',
  'same-title',
  'retitled-same-text',
  'similar-title',
  'edited-text',
  'same-title-far',
  'reworded-title-same-text',
  'opening-text',
];
const strength = (r: MergeRule) => RULE_ORDER.indexOf(r);

/** Plain text kept per copy: one more than the opening-text rule reads, so it still knows a text that goes on. */
export const COPY_TEXT_CHARS = OPENING_MAX_CHARS + 1;

/** The rule a shared upstream key stands for (identity.ts's prefixes). */
export function keyRule(key: string | undefined): MergeRule {
  if (key?.startsWith('guidlink:') || key?.startsWith('guid:')) return 'same-guid';
  if (key?.startsWith('link:')) return 'same-link';
  if (key?.startsWith('title:')) return 'same-title-and-day';
  if (key?.startsWith('bulletin:')) return 'same-bulletin-item';
  return 'same-key';
}

/** A body's text as a copy keeps it. */
export const copyText = (html: string) => (html ? plainLead(html, COPY_TEXT_CHARS) : '');

/**
 * The copies with the text of the one the story's body came from written out: for when the body is about to
 * come from elsewhere (a fuller copy, the story's own page).
 */
export function withBodyText(copies: readonly StoredCopy[], bodyHtml: string): StoredCopy[] {
  return copies.map((c) => (c.text === undefined ? { ...c, text: copyText(bodyHtml) } : c));
}

/** An incoming copy as kept. */
export function copyOfIncoming(inc: Incoming, source: string, firstSeen: string): StoredCopy {
  return copyRecord(source, inc.title, inc.published ?? firstSeen, inc.dateSource, inc.summary, inc.contentHtml, inc.keys);
}

/** A story of one copy, as that copy. */
export function copyOfStory(story: Story, source: string): StoredCopy {
  return copyRecord(source, story.title, story.published, story.dateSource, story.summary, story.contentHtml, story.keys ?? []);
}

function copyRecord(source: string, title: string, published: string, dateSource: DateSource, summary: string, html: string, keys: readonly string[]): StoredCopy {
  return { source, title, published, dateSource, summary, text: copyText(html), keys: [...new Set(keys)].sort() };
}

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A kept copy in the shape copy-evidence.ts compares (a story of that copy alone, or an incoming item). */
function asStory(c: StoredCopy, agency: string): Story {
  // Copies reach here with their text written out (merge.ts): '' stands for a copy without a body.
  c = { ...c, text: c.text ?? '' };
  return { id: '', seq: 0, agency, title: c.title, published: c.published, updated: c.published, firstSeen: c.published, dateSource: c.dateSource, contentHtml: c.text ? `<p>${escapeText(c.text)}</p>` : '', summary: c.summary, teaser: false, categories: [], sources: [], bodyFrom: c.source, history: [] };
}
export function asIncoming(c: StoredCopy, agency: string): Incoming {
  const s = asStory(c, agency);
  return { agency, title: s.title, published: c.published, dateSource: c.dateSource, contentHtml: s.contentHtml, summary: c.summary, teaser: false, categories: [], source: { kind: 'bulletin', file: c.source, line: 0 }, keys: c.keys };
}

/** The strongest evidence two copies give on their own, either way round; undefined when they give none. */
export function pairRule(a: StoredCopy, b: StoredCopy, agency: string): MergeRule | undefined {
  let best: MergeRule | undefined;
  const keep = (r: MergeRule | undefined) => {
    if (r !== undefined && (best === undefined || strength(r) < strength(best))) best = r;
  };
  const bKeys = new Set(b.keys);
  for (const k of a.keys) if (bKeys.has(k)) keep(keyRule(k));
  if (best !== undefined && strength(best) < strength('same-title')) return best;
  keep(copyMatch(asStory(a, agency), asIncoming(b, agency), Date.parse(b.published)).rule);
  keep(copyMatch(asStory(b, agency), asIncoming(a, agency), Date.parse(a.published)).rule);
  return best;
}

/**
 * `mergedBy` of a story from its copies: every copy but the owner's, with the rule that joins it. Grown from
 * the owner by the strongest edge to a copy not yet reached (ties: the smaller source key), so it depends on
 * the set of copies only. A copy that no other copy alone gives evidence
 * for (it matched what the others made together) is credited with what `together` says of it: the rule the
 * story as it now stands (a function of its copies, merge.ts) finds for it, else `same-key`.
 */
export function mergedByOfCopies(copies: readonly StoredCopy[], owner: string, agency: string, together: (copy: StoredCopy) => MergeRule | undefined): MergedBy[] {
  const sorted = [...copies].sort((x, y) => (x.source < y.source ? -1 : x.source > y.source ? 1 : 0));
  const root = sorted.find((c) => c.source === owner) ?? sorted[0];
  if (!root) return [];
  const rules = new Map<string, MergeRule | undefined>();
  const edge = (x: StoredCopy, y: StoredCopy) => {
    const k = x.source < y.source ? `${x.source}\n${y.source}` : `${y.source}\n${x.source}`;
    if (!rules.has(k)) rules.set(k, pairRule(x, y, agency));
    return rules.get(k);
  };
  const reached = [root];
  let left = sorted.filter((c) => c !== root);
  const out: MergedBy[] = [];
  while (left.length) {
    let best: { copy: StoredCopy; rule: MergeRule } | undefined;
    for (const y of left)
      for (const x of reached) {
        const r = edge(x, y);
        if (r !== undefined && (best === undefined || strength(r) < strength(best.rule))) best = { copy: y, rule: r };
      }
    if (!best) {
      // Evidence only against the copies together.
      for (const y of left) out.push({ rule: together(y) ?? 'same-key', source: y.source });
      break;
    }
    out.push({ rule: best.rule, source: best.copy.source });
    reached.push(best.copy);
    left = left.filter((c) => c !== best!.copy);
  }
  return out.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
