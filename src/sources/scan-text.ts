// Linear-time building blocks for scanning upstream text: a substring search that remembers what it found.
//
// Why: a regular expression such as `<!--[\s\S]*?-->` searches to the end of the document from every `<!--` it
// meets when the `-->` is missing, so a body of 400 KB of `<!--` costs ~10^11 steps. Every scan of upstream
// text in sources/ and stories/ moves left to right and asks a Finder where the next terminator is; a Finder
// answers each question in O(1) amortised when the questions move forward.

/**
 * `text.indexOf(needle, from)` that remembers its last answer. When `needle` is missing after position p it
 * is missing after every q ≥ p, and when the next one after p is at h it is also the next one after every q in
 * [p, h]: so calls with positions that never move backwards cost one pass over `text` in all.
 */
export class Finder {
  private missFrom = Number.POSITIVE_INFINITY;
  private hitFrom = -1;
  private hitAt = -1;

  constructor(
    private readonly text: string,
    private readonly needle: string,
  ) {}

  /** Index of the first `needle` at or after `from`, or -1. */
  find(from: number): number {
    if (from >= this.missFrom) return -1;
    if (from >= this.hitFrom && from <= this.hitAt) return this.hitAt;
    const at = this.text.indexOf(this.needle, from);
    if (at < 0) this.missFrom = from;
    else {
      this.hitFrom = from;
      this.hitAt = at;
    }
    return at;
  }
}

/**
 * What `text.replace(/<[^>]*>/g, replacement)` returns, in one pass: the regex retries from every `<` when
 * no `>` follows, this stops at the first such `<` (none after it can close either).
 */
export function replaceTags(text: string, replacement: string): string {
  let out = '';
  let pos = 0;
  for (let lt = text.indexOf('<'); lt >= 0; lt = text.indexOf('<', pos)) {
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) break;
    out += text.slice(pos, lt) + replacement;
    pos = gt + 1;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

/**
 * What `text.replace(/<!--[\s\S]*?-->/g, '')` returns, in one pass: a `<!--` without a `-->` after it is
 * left as text, as the regex leaves it.
 */
export function removeComments(text: string): string {
  let out = '';
  let pos = 0;
  for (let open = text.indexOf('<!--'); open >= 0; open = text.indexOf('<!--', pos)) {
    const close = text.indexOf('-->', open + 4);
    if (close < 0) break;
    out += text.slice(pos, open);
    pos = close + 3;
  }
  return pos === 0 ? text : out + text.slice(pos);
}

/** JavaScript's `\s`: the WhiteSpace and LineTerminator code points, as `String.prototype.trim` strips them. */
export function isJsSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
