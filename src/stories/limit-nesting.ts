// Caps how deep upstream HTML nests before sanitize-html and html-to-text see it: both cost O(depth) per tag.
//
// Measured here (Node 20): 1 MB of `<b>` (333,000 unclosed elements) takes sanitize-html ~56 s, 1 MB of nested
// `<table><tr><td>` ~19 s, and html-to-text throws "Maximum call stack size exceeded" from 100 KB of `<div>` on.
// htmlparser2 (under both) keeps its open elements in an array it `unshift`s, and both libraries walk that depth
// again. A press release nests a few dozen elements at most; past MAX_NESTING the start tags are dropped (their
// text is kept), so every later tag costs at most MAX_NESTING steps and the whole body stays linear.
//
// The tags are read by htmlparser2's own Tokenizer (linear; the same 10.x copy sanitize-html and html-to-text
// parse with), so comments, raw text (`<script>`, `<title>`…) and quoted `>` split the text exactly as they will.
// The open elements are followed as its Parser follows them: void elements never open, start tags close the
// open `<p>`, `<li>`, `<td>`… they imply (its openImpliesClose table), an end tag closes up to the nearest open
// element of its name, and `/>` closes only inside `<svg>`/`<math>`.
import { Tokenizer } from 'htmlparser2';

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

const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);

/** `html` with start tags nested deeper than `maxDepth` removed; the very same string when none is. */
export function limitNesting(html: string, maxDepth = MAX_NESTING): string {
  if (html.length < maxDepth * 3) return html; // too short to nest that deep ("<b>" is three characters)
  const stack: string[] = []; // innermost last
  const open = new Map<string, number>(); // how many of each name the stack holds
  const foreign: boolean[] = [false]; // innermost last, as htmlparser2's foreignContext
  const pop = () => {
    const n = stack.pop()!;
    open.set(n, open.get(n)! - 1);
    return n;
  };
  const drops: number[] = []; // [start, end) pairs of dropped start tags
  let tag = '';
  let tagStart = -1;
  let dropping = false;
  const endTag = (end: number) => {
    if (dropping) drops.push(tagStart, end + 1);
    dropping = false;
    tag = '';
  };
  const noop = () => {};
  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: true },
    {
      onopentagname(start, end) {
        const name = html.slice(start, end).toLowerCase();
        tag = name;
        tagStart = start - 1;
        // The open elements this start tag closes, as the Parser closes them (only if the tag is kept).
        const implied = IMPLIES_CLOSE.get(name);
        let closes = 0;
        if (implied) while (closes < stack.length && implied.has(stack[stack.length - 1 - closes]!)) closes++;
        const isVoid = VOID.has(name);
        // A raw-text element is never dropped: without its start tag its text would be read as markup. It holds
        // no tags, so it nests at most one deeper than the cap.
        if (!isVoid && !RAW_TEXT.has(name) && stack.length - closes >= maxDepth) {
          dropping = true;
          return;
        }
        for (; closes > 0; closes--) pop();
        if (isVoid) return;
        stack.push(name);
        open.set(name, (open.get(name) ?? 0) + 1);
        if (FOREIGN.has(name)) foreign.push(true);
        else if (INTEGRATION.has(name)) foreign.push(false);
      },
      onopentagend: endTag,
      onselfclosingtag(end) {
        // Inside svg/math `<x/>` closes itself; elsewhere the slash means nothing.
        if (!dropping && foreign[foreign.length - 1] && stack[stack.length - 1] === tag) pop();
        endTag(end);
      },
      onclosetag(start, end) {
        const name = html.slice(start, end).toLowerCase();
        if (FOREIGN.has(name) || INTEGRATION.has(name)) {
          if (foreign.length > 1) foreign.pop();
        }
        if (!VOID.has(name) && (open.get(name) ?? 0) > 0) while (pop() !== name);
      },
      onattribdata: noop,
      onattribentity: noop,
      onattribend: noop,
      onattribname: noop,
      oncdata: noop,
      oncomment: noop,
      ondeclaration: noop,
      onend: noop,
      onprocessinginstruction: noop,
      ontext: noop,
      ontextentity: noop,
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  if (drops.length === 0) return html;
  // Each dropped tag becomes an empty comment, so the text on either side cannot join into a new tag (`<<b>a>`).
  let out = '';
  let kept = 0;
  for (let i = 0; i < drops.length; i += 2) {
    out += `${html.slice(kept, drops[i])}<!---->`;
    kept = drops[i + 1]!;
  }
  return out + html.slice(kept);
}
