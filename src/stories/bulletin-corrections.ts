// A bulletin read again after an edit: an item whose title or text the author corrected is the same release, and
// must update its story in place (same id, `updated` moves) rather than make a second story beside a withdrawn one.
//
// Across channels the merge asks for strong evidence (copy-evidence.ts): two agencies' wordings of one event are
// easily alike. Within one file, between two versions of it, the bar can be lower: an item of the new version
// that nothing else claims, of the same agency as a story the old version made and the new one no longer carries,
// that keeps half its title's words or most of its text, is that story corrected.
import type { Incoming, StoreData, Story } from '../model.js';
import { lookupAlias } from './alias-table.js';
import { contradict, countriesIn, foldTitle, leadSimilarity, numbersIn, plainLead, prepareLead, titleOverlap } from './text-match.js';

/** Share of the shorter title's content words the corrected one keeps. */
const TITLE_KEEP = 0.5;
/** Share of the text the corrected one keeps (leadSimilarity). */
const TEXT_KEEP = 0.6;

const plain = (html: string) => plainLead(html).replace(/\s+/g, ' ').trim().toLowerCase();

function likeness(story: Story, inc: Incoming): number {
  const ta = foldTitle(story.title);
  const tb = foldTitle(inc.title);
  // As across channels (copy-evidence.ts): titles naming other numbers or countries ("12 suspects" / "7 suspects",
  // "in Spain" / "in Portugal") are another release, the old one withdrawn, never one renamed into the other.
  if (contradict(numbersIn(ta), numbersIn(tb)) || contradict(countriesIn(ta), countriesIn(tb))) return 0;
  const t = titleOverlap(ta, tb);
  const a = plain(story.contentHtml);
  const b = plain(inc.contentHtml);
  let text = a !== '' && a === b ? 1 : 0;
  const la = prepareLead(a);
  const lb = prepareLead(b);
  if (!text && la && lb) text = leadSimilarity(la, lb);
  if (t < TITLE_KEEP && text < TEXT_KEEP) return 0;
  return t + text;
}

/**
 * Returns the batch with each corrected item given, first in its keys, a key that already names its old story,
 * so the merge's identity chain finds that story. Items found by their own keys, and stories they find, are left.
 */
export function linkCorrections(data: StoreData, file: string, incoming: readonly Incoming[]): Incoming[] {
  const before = data.stories.filter((s) => s.sources.some((x) => x.kind === 'bulletin' && x.file === file));
  if (before.length === 0) return [...incoming];
  const found = new Set<string>();
  const open: number[] = [];
  incoming.forEach((inc, i) => {
    const hit = inc.keys.map((k) => lookupAlias(data.aliases, k)).find((id) => id !== undefined);
    if (hit !== undefined) found.add(hit);
    else open.push(i);
  });
  const dropped = before.filter((s) => !found.has(s.id));
  if (open.length === 0 || dropped.length === 0) return [...incoming];
  const pairs: { i: number; story: Story; score: number }[] = [];
  for (const i of open)
    for (const s of dropped) {
      if (s.agency !== incoming[i]!.agency) continue;
      const score = likeness(s, incoming[i]!);
      if (score > 0) pairs.push({ i, story: s, score });
    }
  pairs.sort((a, b) => b.score - a.score || a.i - b.i || a.story.seq - b.story.seq);
  const out = [...incoming];
  const usedItem = new Set<number>();
  const usedStory = new Set<string>();
  for (const p of pairs) {
    if (usedItem.has(p.i) || usedStory.has(p.story.id)) continue;
    const key = (p.story.keys ?? []).find((k) => lookupAlias(data.aliases, k) === p.story.id);
    if (key === undefined) continue;
    usedItem.add(p.i);
    usedStory.add(p.story.id);
    out[p.i] = { ...out[p.i]!, keys: [key, ...out[p.i]!.keys] };
  }
  return out;
}
