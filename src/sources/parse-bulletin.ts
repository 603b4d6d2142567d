// Parses a plain-text bulletin digest into its items, exactly as written; renders their blocks as HTML.
import type { Block, BulletinItem, ParseWarning } from '../model.js';

export interface ParsedBulletin {
  items: BulletinItem[];
  warnings: ParseWarning[];
  /** The text above the first item (a digest's heading, often with its date), when there is any. */
  header?: string;
}

// Bulletins are hand-pasted from agency web pages and mail clients: they carry C0/C1 controls, NULs,
// stray BOMs and the odd broken surrogate. None of these is text; XML could not carry most of them.
// A surrogate pair is matched whole and kept; a surrogate left over is alone and goes. No lookaround,
// so a 20 MB file is one quick scan.
const JUNK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF\uFFFE\uFFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g;
const keepPairs = (m: string) => (m.length === 2 ? m : '');
// Windows (CRLF), old Mac (CR) and Unix (LF) endings, mixed freely within one file.
const LINE_BREAK = /\r\n|\r|\n/;
// JS \s covers NBSP, U+2000–U+200A, U+202F, U+3000 and U+FEFF; U+200B (zero-width space) is added.
const SPACES = /[\s\u200B]+/g;
const NOT_SPACE = /[^\s\u200B]/;
// "1. Understanding…" or "2) Mitigate…"; at most 3 digits so a line opening with a year stays a paragraph.
const ORDERED = /^(\d{1,3})[.)]\s+/;
// Only these two bullets: a line opening with `-` or `*` is as likely a dash or a footnote.
const BULLETS = ['•', '·'];
// The line that names an item's agency, as people write it: `Source: NATO`, `Sources: NATO`, `SOURCE : NATO`,
// `source:NATO`, a full-width colon, or a dash between spaces (`Source – NATO`, `Source - NATO`, `Source—NATO`).
// A dash must touch a space, so a paragraph opening with "Source-code audits…" stays a paragraph.
const H = '[\\t\\v\\f \\u00A0\\u1680\\u2000-\\u200B\\u202F\\u205F\\u3000]';
const SOURCE_LABEL = `sources?${H}*(?:[:\\uFF1A]|${H}[-\\u2013\\u2014]+|[-\\u2013\\u2014]+(?=${H}))`;
const SOURCE_LINE = new RegExp(`^${H}*${SOURCE_LABEL}`, 'i');
// The documented form. The others also open lines of a release's own text ("Sources: Eurostat, OECD" under its
// last paragraph), so they start an item only under a title: a line of its own that does not end a sentence.
const PLAIN_SOURCE_LINE = new RegExp(`^${H}*source:`, 'i');
const SENTENCE_END = /[.:;,]$/;
// The same, anywhere in the text (one scan of a whole file).
const ANY_SOURCE_LINE = new RegExp(`^${H}*${SOURCE_LABEL}`, 'im');
// NUL and other C0 controls, or U+FFFD left by a decoder that met bytes that are not UTF-8.
const UNREADABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/;

/** Share of unreadable characters above which a file is taken for binary (a PDF or image dropped in). */
const BINARY_RATIO = 0.1;

export function parseBulletin(text: string): ParsedBulletin {
  if (looksBinary(text)) {
    return { items: [], warnings: [{ line: 0, message: 'not a text bulletin', error: true }] };
  }
  const clean = text.replace(JUNK, keepPairs);
  if (isBlank(clean)) {
    return { items: [], warnings: [{ line: 0, message: 'empty bulletin', error: true }] };
  }
  const warnings: ParseWarning[] = [];
  const noItems: ParseWarning = { line: 0, message: 'no items found: no line starts with "Source:" under a title', error: true };
  // One scan first, so a huge file without a single Source line is never split into millions of lines.
  if (!ANY_SOURCE_LINE.test(clean)) return { items: [], warnings: [noItems] };

  const lines = clean.split(LINE_BREAK);
  const { starts, badSourceLines } = findItemStarts(lines, warnings);
  if (starts.length === 0) return { items: [], warnings: [...warnings, noItems] };

  const firstTitle = starts[0]?.titleIndex ?? 0;
  const before = lines.slice(0, firstTitle).findIndex((l, i) => !isBlank(l) && !badSourceLines.has(i));
  if (before >= 0) {
    // A digest's heading ("PRESS DIGEST – 9 October 2024") is expected there; a paragraph of prose may be a first
    // release whose Source: line is missing, and nothing of it reaches a story. A warning, not an error: a
    // digest's introduction has the same shape, and an error refuses the file at POST /bulletins.
    const lost = paragraphs(lines, 0, firstTitle, badSourceLines).find((p) => readsAsRelease(p.lines.join(' ')));
    if (lost) warnings.push({ line: before + 1, message: `the text above the first item (lines ${before + 1}–${firstTitle}) reads like a release with no "Source:" line; it was not read` });
    else warnings.push({ line: before + 1, message: 'text before first item ignored' });
  }

  const items: BulletinItem[] = [];
  starts.forEach((start, n) => {
    const end = starts[n + 1]?.titleIndex ?? lines.length;
    if (start.agencyName === '') {
      warnings.push({ line: start.sourceIndex + 1, message: '"Source:" names no agency; item skipped', error: true });
      return;
    }
    const bodyLines = lines.slice(start.sourceIndex + 1, end).filter((_, i) => !badSourceLines.has(start.sourceIndex + 1 + i));
    const blocks = parseBlocks(bodyLines);
    warnings.push(...missedBoundaries(lines, start.sourceIndex + 1, end, badSourceLines));
    items.push({
      kind: 'bulletin',
      line: start.titleIndex + 1,
      title: collapse(lines[start.titleIndex] ?? ''),
      agencyName: start.agencyName,
      blocks,
      teaser: isTeaser(blocks),
    });
  });
  const header = lines.slice(0, firstTitle).filter((l, i) => !isBlank(l) && !badSourceLines.has(i)).join('\n');
  return header ? { items, warnings, header } : { items, warnings };
}

type ListBlock = Extract<Block, { kind: 'ul' | 'ol' }>;

interface ItemStart {
  titleIndex: number;
  sourceIndex: number;
  agencyName: string;
}

/** An item starts at a `Source:` line whose nearest non-blank line above is its title (not another Source line). */
function findItemStarts(lines: string[], warnings: ParseWarning[]) {
  const starts: ItemStart[] = [];
  const badSourceLines = new Set<number>();
  let lastNonBlank = -1;
  let lastWasSource = false;
  lines.forEach((line, i) => {
    if (isBlank(line)) return;
    let agency = sourceAgency(line);
    if (agency !== undefined && lastNonBlank >= 0 && !lastWasSource && !PLAIN_SOURCE_LINE.test(line)) {
      const title = collapse(lines[lastNonBlank] ?? '');
      const alone = lastNonBlank === 0 || isBlank(lines[lastNonBlank - 1] ?? '');
      if (!alone || SENTENCE_END.test(title)) {
        warnings.push({ line: i + 1, message: `"${collapse(line).slice(0, 80)}" is not under a title, so it starts no item (read as text)` });
        agency = undefined;
      }
    }
    if (agency !== undefined) {
      if (lastNonBlank < 0 || lastWasSource) {
        badSourceLines.add(i);
        warnings.push({ line: i + 1, message: `"Source:" line with no title above: ${collapse(line)}`, error: true });
      } else {
        starts.push({ titleIndex: lastNonBlank, sourceIndex: i, agencyName: agency });
      }
    }
    lastNonBlank = i;
    lastWasSource = agency !== undefined;
  });
  return { starts, badSourceLines };
}

/** The agency of a `Source:` line (any variant above, any indentation), else undefined. */
function sourceAgency(line: string): string | undefined {
  const m = SOURCE_LINE.exec(line);
  // "Source: – NATO", "Source:: NATO": the separator written twice.
  return m ? collapse(line.slice(m[0].length)).replace(/^[-\u2013\u2014:\uFF1A]+\s*/, '') : undefined;
}

// A title is a short line that does not end a sentence or introduce what follows ("For more information:").
const TITLE_END = /[\p{L}\p{N}"'’”)\]]$/u;
const TITLE_START = /^[\p{Lu}\p{N}"'‘“]/u;
/** What follows a missed title reads as a release: a paragraph of at least this many characters, with a full stop. */
const RELEASE_CHARS = 150;

function titleLike(text: string): boolean {
  const words = text.split(' ').length;
  return words >= 3 && words <= 25 && text.length <= 200 && TITLE_START.test(text) && TITLE_END.test(text) && !listMarker(text);
}

/**
 * An item whose `Source:` line is missing is read as the end of the item above it. Its trace: after at least one
 * paragraph of the body, a lone title-like line between blank lines, then a long paragraph of prose. Each such
 * place is reported (the text is kept where it is: a subheading inside a release has the same shape).
 */
function missedBoundaries(lines: string[], from: number, to: number, skip: Set<number>): ParseWarning[] {
  const paras = paragraphs(lines, from, to, skip);
  const out: ParseWarning[] = [];
  for (let k = 1; k + 1 < paras.length; k++) {
    const title = paras[k]!;
    if (title.lines.length !== 1 || !titleLike(title.lines[0]!) || !readsAsRelease(paras[k + 1]!.lines.join(' '))) continue;
    out.push({
      line: title.at + 1,
      message: `"${title.lines[0]!.slice(0, 80)}" looks like the title of another release with no "Source:" line under it; its text was read as part of the item above`,
    });
  }
  return out;
}

/** A paragraph of prose: long, with a sentence's end in it. */
function readsAsRelease(text: string): boolean {
  return text.length >= RELEASE_CHARS && /[.!?…]/.test(text);
}

/** Runs of non-blank lines in lines[from, to), each with its first line's index; `skip` lines count as blank. */
function paragraphs(lines: string[], from: number, to: number, skip: Set<number>): { at: number; lines: string[] }[] {
  const paras: { at: number; lines: string[] }[] = [];
  let current: { at: number; lines: string[] } | undefined;
  for (let i = from; i < to; i++) {
    const line = lines[i] ?? '';
    if (skip.has(i) || isBlank(line)) {
      current = undefined;
      continue;
    }
    if (!current) paras.push((current = { at: i, lines: [] }));
    current.lines.push(collapse(line));
  }
  return paras;
}

/**
 * Blank lines separate paragraphs; wrapped lines of a paragraph join with a space. Bullet and numbered
 * lines make lists; a plain line right under a list item continues it (the wrapped tail of that item).
 */
function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: ListBlock | undefined;
  let inList = false; // the previous line was a list item or its continuation
  const flushPara = () => {
    if (para.length > 0) blocks.push({ kind: 'p', text: para.join(' ') });
    para = [];
  };
  for (const raw of lines) {
    if (isBlank(raw)) {
      flushPara();
      inList = false;
      continue;
    }
    const text = collapse(raw);
    const marker = listMarker(text);
    if (marker) {
      flushPara();
      // Lists of the same kind split only by blank lines are one list ("loose" list).
      const last = blocks[blocks.length - 1];
      const current = last && last === list && list.kind === marker.kind ? list : { kind: marker.kind, items: [] as string[] };
      if (current !== list) blocks.push(current);
      list = current;
      if (marker.text !== '') current.items.push(marker.text);
      inList = true;
    } else if (inList && list && list.items.length > 0) {
      const at = list.items.length - 1;
      list.items[at] = `${list.items[at] ?? ''} ${text}`;
    } else {
      para.push(text);
      list = undefined;
      inList = false;
    }
  }
  flushPara();
  return blocks.filter((b) => b.kind === 'p' || b.items.length > 0);
}

function listMarker(text: string): { kind: 'ul' | 'ol'; text: string } | undefined {
  const first = text.charAt(0);
  if (BULLETS.includes(first)) return { kind: 'ul', text: text.slice(1).trim() };
  const m = ORDERED.exec(text);
  if (m) return { kind: 'ol', text: text.slice(m[0].length) };
  return undefined;
}

/** A teaser is cut short by the agency's digest: its last words end in an ellipsis. */
function isTeaser(blocks: Block[]): boolean {
  const last = blocks[blocks.length - 1];
  if (!last) return false;
  const text = last.kind === 'p' ? last.text : (last.items[last.items.length - 1] ?? '');
  return text.endsWith('…') || text.endsWith('...');
}

/** More than BINARY_RATIO NULs, other controls or U+FFFD: a PDF, image or UTF-16 file read as UTF-8. */
function looksBinary(text: string): boolean {
  const limit = text.length * BINARY_RATIO;
  const unreadable = new RegExp(UNREADABLE.source, 'g');
  let count = 0;
  while (unreadable.exec(text)) if (++count > limit) return true;
  return false;
}

function isBlank(line: string): boolean {
  return !NOT_SPACE.test(line);
}

function collapse(s: string): string {
  return s.replace(SPACES, ' ').trim();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function renderBlocks(blocks: Block[]): string {
  return blocks
    .map((b) =>
      b.kind === 'p'
        ? `<p>${escapeHtml(b.text)}</p>`
        : `<${b.kind}>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${b.kind}>`,
    )
    .join('\n');
}
