// Whether a teaser is the opening of an article: the evidence that a page is the release the teaser began.
//
// The teaser's words must start the article's body text (after at most a heading, a date or dateline line, a lead
// image and its caption) and run on word for word, stepping over captions, credits, inline media and subheadings
// between its paragraphs; and the article must go on past it. Text elsewhere on the page proves nothing: another
// release's page quotes ours whole under "Related news".
import type { Block } from './article-blocks.js';

/** Blocks before the opening that may be stepped over: a heading, a date, a dateline, a lead image and caption. */
const MAX_LEADING_BLOCKS = 6;
/** A text block this short (letters and digits) before the opening is a date, a byline or a kicker. */
const MAX_LEADING_TEXT = 120;
/** The page's first paragraph may open with a dateline the teaser lacks ("Brussels, 9 October 2024 – "). */
const MAX_DATELINE = 80;
/** A short text block inside the teaser's span that does not continue it: a caption written as a paragraph. */
const MAX_SKIPPED_TEXT = 200;
const MAX_SKIPS = 4;
/** The article must run on past the teaser by at least this many letters and digits. */
export const MIN_MORE = 40;

export type OpeningMatch =
  | { found: true; /** The block the teaser's text starts in. */ start: number; /** Blocks stepped over. */ skipped: Block[]; /** Letters and digits after it. */ more: number }
  | { found: false };

export function matchOpening(blocks: readonly Block[], evidences: readonly string[]): OpeningMatch {
  let best: OpeningMatch = { found: false };
  for (let i = 0; i < blocks.length && i <= MAX_LEADING_BLOCKS; i++) {
    const b = blocks[i]!;
    if (b.kind !== 'media') {
      for (const ev of evidences) {
        if (ev === '') continue;
        const offsets = [0];
        const at = b.compact.indexOf(ev.slice(0, 30));
        if (at > 0 && at <= MAX_DATELINE) offsets.push(at);
        for (const off of offsets) {
          const m = matchFrom(blocks, i, off, ev);
          if (m.found && (!best.found || m.more > best.more)) best = m;
        }
      }
      if (best.found) return best;
    }
    // Past this block only when it could be a heading, a date line or a lead image before the opening.
    if (b.kind === 'text' && b.compact.length > MAX_LEADING_TEXT) break;
  }
  return best;
}

function matchFrom(blocks: readonly Block[], start: number, offset: number, evidence: string): OpeningMatch {
  let rest = evidence;
  let pos = offset;
  const skipped: Block[] = blocks.slice(0, start);
  let skips = 0;
  for (let j = start; j < blocks.length; j++) {
    const b = blocks[j]!;
    const text = pos ? b.compact.slice(pos) : b.compact;
    pos = 0;
    const continues = b.kind !== 'media' && text.length > 0 && (text.length >= rest.length ? text.startsWith(rest) : rest.startsWith(text));
    if (continues) {
      if (text.length >= rest.length) return { found: true, start, skipped, more: text.length - rest.length + after(blocks, j + 1) };
      rest = rest.slice(text.length);
      continue;
    }
    if (j === start) return { found: false };
    // Captions, credits, media and subheadings between the teaser's paragraphs are not its text.
    const skippable = b.kind !== 'text' || b.compact.length <= MAX_SKIPPED_TEXT;
    if (!skippable || ++skips > MAX_SKIPS) return { found: false };
    skipped.push(b);
  }
  return { found: false };
}

function after(blocks: readonly Block[], from: number): number {
  let n = 0;
  for (let j = from; j < blocks.length; j++) if (blocks[j]!.kind !== 'media') n += blocks[j]!.compact.length;
  return n;
}
