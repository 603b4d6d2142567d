// Caps how deep upstream HTML nests before sanitize-html and html-to-text see it: both cost O(depth) per tag.
//
// Measured here (Node 20): 1 MB of `<b>` (333,000 unclosed elements) takes sanitize-html ~56 s, 1 MB of nested
// `<table><tr><td>` ~19 s, and html-to-text throws "Maximum call stack size exceeded" from 100 KB of `<div>` on.
// htmlparser2 keeps its open elements in an array it `unshift`s, and both libraries walk that depth again. A
// press release nests a few dozen elements at most; past MAX_NESTING the start tags are dropped (their text is
// kept), so every later tag costs at most MAX_NESTING steps and the whole body stays linear.
//
// The model follows htmlparser2's: void elements never open, the start tags that close an open `<p>`, `<li>`,
// `<td>`… close them (its openImpliesClose table), an end tag closes up to the nearest open element of its name,
// and script/style/title/textarea/xmp hold raw text. Where it is wrong it can only count too deep, never too
// shallow, and only drops start tags, never text; the sanitiser still decides what is safe.
import { Finder } from '../sources/scan-text.js';

export const MAX_NESTING = 256;

const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const IMPLIES_CLOSE: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    tr: ['tr', 'th', 'td'], th: ['th'], td: ['thead', 'th', 'td'], body: ['head', 'link', 'script'], li: ['li'],
    p: P, h1: P, h2: P, h3: P, h4: P, h5: P, h6: P,
    select: FORM, input: FORM, output: FORM, button: FORM, datalist: FORM, textarea: FORM,
    option: ['option'], optgroup: ['optgroup', 'option'], dd: ['dd', 'dt'], dt: ['dd', 'dt'],
    address: P, article: P, aside: P, blockquote: P, details: P, div: P, dl: P, fieldset: P, figcaption: P,
    figure: P, footer: P, form: P, header: P, hr: P, main: P, nav: P, ol: P, pre: P, section: P, table: P, ul: P,
    rt: ['rt', 'rp'], rp: ['rt', 'rp'], tbody: ['thead', 'tbody'], tfoot: ['thead', 'tbody'],
  }).map(([k, v]) => [k, new Set(v)]),
);
const VOID = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);

const isNameStart = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
// htmlparser2 ends a tag name at white space, `/` or `>`.
const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const endsName = (c: number) => c === 0x2f || c === 0x3e || isSpace(c);

/** `html` with start tags nested deeper than `maxDepth` removed; the very same string when none is. */
export function limitNesting(html: string, maxDepth = MAX_NESTING): string {
  if (html.length < maxDepth * 3) return html; // too short to nest that deep ("<b>" is three characters)
  const commentEnds = new Finder(html, '-->');
  const gts = new Finder(html, '>');
  const quotes = { '"': new Finder(html, '"'), "'": new Finder(html, "'") };
  const rawEnds = new Map<string, RegExp>();
  const rawMissFrom = new Map<string, number>();
  const stack: string[] = [];
  const open = new Map<string, number>(); // how many of each name the stack holds
  const push = (n: string) => {
    stack.push(n);
    open.set(n, (open.get(n) ?? 0) + 1);
  };
  const pop = () => {
    const n = stack.pop()!;
    open.set(n, open.get(n)! - 1);
    return n;
  };
  let out = '';
  let kept = 0;
  let pos = 0;
  const n = html.length;
  while (pos < n) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    pos = lt + 1;
    const c = html.charCodeAt(lt + 1);
    if (c === 0x21 /* ! */) {
      if (html.startsWith('<!--', lt)) {
        const close = commentEnds.find(lt + 4);
        if (close < 0) break; // the rest is a comment
        pos = close + 3;
      } else {
        const gt = gts.find(lt + 2);
        if (gt < 0) break;
        pos = gt + 1;
      }
      continue;
    }
    if (c === 0x3f /* ? */) {
      const gt = gts.find(lt + 2);
      if (gt < 0) break;
      pos = gt + 1;
      continue;
    }
    const closing = c === 0x2f;
    const nameAt = closing ? lt + 2 : lt + 1;
    if (!isNameStart(html.charCodeAt(nameAt))) continue;
    let i = nameAt + 1;
    while (i < n && !endsName(html.charCodeAt(i))) i++;
    const name = html.slice(nameAt, i).toLowerCase();
    // The end of the tag: the first `>` outside a quoted attribute value.
    let end = -1;
    while (i < n) {
      const ch = html[i];
      if (ch === '>') {
        end = i;
        break;
      }
      if (ch === '=' && !closing) {
        // An attribute value: `="…"`, `= '…'` (white space allowed before the quote) or unquoted.
        let j = i + 1;
        while (j < n && isSpace(html.charCodeAt(j))) j++;
        const q = html[j];
        if (q === '"' || q === "'") {
          const close = quotes[q].find(j + 1);
          if (close < 0) break;
          i = close + 1;
        } else i = j;
        continue;
      }
      i++;
    }
    if (end < 0) break; // an unfinished tag at the end of the text
    pos = end + 1;
    if (closing) {
      if ((open.get(name) ?? 0) > 0) while (pop() !== name);
      continue;
    }
    // The open elements this start tag closes, as htmlparser2 closes them (only if the tag is kept).
    const implied = IMPLIES_CLOSE.get(name);
    let closes = 0;
    if (implied) while (closes < stack.length && implied.has(stack[stack.length - 1 - closes]!)) closes++;
    if (!VOID.has(name) && stack.length - closes >= maxDepth) {
      out += html.slice(kept, lt);
      kept = pos;
      continue;
    }
    for (; closes > 0; closes--) pop();
    if (VOID.has(name)) continue;
    push(name);
    if (RAW_TEXT.has(name)) {
      // Raw text up to `</name`, any case; remembered when missing, as a Finder does.
      if ((rawMissFrom.get(name) ?? Infinity) <= pos) break;
      let re = rawEnds.get(name);
      if (!re) rawEnds.set(name, (re = new RegExp(`</${name}`, 'gi')));
      re.lastIndex = pos;
      const m = re.exec(html);
      if (!m) {
        rawMissFrom.set(name, pos);
        break;
      }
      pos = m.index;
    }
  }
  return kept === 0 ? html : out + html.slice(kept);
}
