// An extracted article (or a teaser) as the reader sees it: a list of blocks, each a paragraph, a heading or a
// piece of media (an image, its caption, a credit), with the page furniture that extractors leave at the start
// and end of an article ("Related news", "Share", "Tags:", a contacts banner) trimmed off.
//
// Comparing a teaser with a page goes block by block (opening-match.ts): a caption between two paragraphs is
// its own block and can be stepped over, where in the element's textContent it would sit inside the evidence.
import { compactFold } from '../text/compact-fold.js';

export type BlockKind = 'text' | 'heading' | 'media';

export interface Block {
  kind: BlockKind;
  /** The text as read, white space folded. */
  text: string;
  /** compactFold(text): letters and digits only. */
  compact: string;
  /** The nodes that hold it (an element, or a run of inline nodes in a container): what trimming removes. */
  nodes: Node[];
  /** Share of its letters that are link text (a list of related links is ~1). */
  linkShare: number;
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'SELECT', 'BUTTON', 'HEAD', 'TITLE']);
const HEADINGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);
const MEDIA = new Set(['FIGURE', 'FIGCAPTION', 'PICTURE', 'VIDEO', 'AUDIO', 'IFRAME', 'IMG', 'SVG', 'OBJECT', 'EMBED', 'CANVAS']);
/** Elements that start a new block; every other element is inline and its text joins the current block. */
const BLOCKS = new Set([
  'P', 'LI', 'DT', 'DD', 'TD', 'TH', 'PRE', 'ADDRESS', 'SUMMARY', 'CAPTION', 'HR', 'BLOCKQUOTE',
  'DIV', 'SECTION', 'ARTICLE', 'MAIN', 'HEADER', 'FOOTER', 'ASIDE', 'NAV', 'UL', 'OL', 'DL', 'TABLE', 'THEAD',
  'TBODY', 'TFOOT', 'TR', 'FORM', 'FIELDSET', 'DETAILS', 'CENTER', 'BODY', 'HTML',
]);
// CMSs mark captions and credits by class where they do not use <figcaption>: "caption", "image-credit",
// "photo-copyright", "media-credit", Drupal's "field--name-field-caption".
const MEDIA_CLASS = /(?:^|[\s_-])(?:caption|credits?|copyright|photo-?info|image-?source|wp-caption-text)(?:$|[\s_-])/i;

/** An element node's tag, upper case (linkedom and browsers agree on HTML elements). */
const tagOf = (n: Node) => (n as Element).tagName?.toUpperCase() ?? '';

/** The blocks of `root`, in document order. Empty blocks are left out. Linear in the size of the tree. */
export function blocksOf(root: Element): Block[] {
  const out: Block[] = [];
  let run: Node[] = [];
  let runText = '';
  let runLink = 0;
  const push = (kind: BlockKind, text: string, nodes: Node[], link: number) => {
    const folded = text.replace(/\s+/g, ' ').trim();
    const compact = compactFold(folded);
    if (compact === '' && kind !== 'media') return;
    out.push({ kind, text: folded, compact, nodes, linkShare: compact.length ? Math.min(1, link / compact.length) : 0 });
  };
  const flush = () => {
    if (run.length) push('text', runText, run, runLink);
    run = [];
    runText = '';
    runLink = 0;
  };
  // Iterative, so a deeply nested page cannot exhaust the stack; `exit` marks where a block element ends.
  const stack: { node: Node; exit?: true }[] = [...[...root.childNodes].reverse().map((node) => ({ node }))];
  while (stack.length) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      flush();
      continue;
    }
    if (node.nodeType === 3) {
      const text = node.textContent ?? '';
      if (text.trim() === '' && run.length === 0) continue;
      run.push(node);
      runText += text;
      continue;
    }
    if (node.nodeType !== 1) continue;
    const tag = tagOf(node);
    const el = node as Element;
    if (SKIP.has(tag)) continue;
    if (tag === 'BR') {
      runText += ' ';
      continue;
    }
    if (MEDIA.has(tag) || MEDIA_CLASS.test(el.getAttribute('class') ?? '')) {
      flush();
      push('media', el.textContent ?? '', [el], 0);
      continue;
    }
    if (HEADINGS.has(tag)) {
      flush();
      push('heading', el.textContent ?? '', [el], linkText(el));
      continue;
    }
    if (BLOCKS.has(tag)) {
      flush();
      // A leaf block (a paragraph, a list item) is removed as a whole when its text is trimmed.
      stack.push({ node: el, exit: true });
      // One copy of the list: linkedom builds `childNodes` afresh on every access (an index loop over it is quadratic).
      const kids = [...el.childNodes];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]! });
      continue;
    }
    // Inline: its text joins the run; the element itself is what trimming removes.
    run.push(el);
    const text = el.textContent ?? '';
    runText += text;
    runLink += tag === 'A' ? compactFold(text).length : el.firstElementChild ? linkText(el) : 0;
  }
  flush();
  return out.map(collapseToOwner);
}

/** A run that is all of one block element's content is held by that element (so trimming removes it whole). */
function collapseToOwner(b: Block): Block {
  const first = b.nodes[0];
  const parent = first?.parentNode as Element | null;
  if (!parent || b.kind !== 'text' || !BLOCKS.has(tagOf(parent))) return b;
  const held = new Set(b.nodes);
  const own = [...parent.childNodes].filter((n) => n.nodeType === 1 || (n.textContent ?? '').trim() !== '');
  return own.length > 0 && own.every((n) => held.has(n)) && parent.nodeType === 1 && tagOf(parent) !== 'BODY' ? { ...b, nodes: [parent] } : b;
}

function linkText(el: Element): number {
  let n = 0;
  for (const a of el.querySelectorAll('a')) n += compactFold(a.textContent ?? '').length;
  return n;
}

// Headings (or a paragraph standing as one) that open page furniture, not the release: everything from them
// to the end of an extract is another part of the page. In the agencies' own languages where they publish.
const FURNITURE_HEADING = new RegExp(
  '^(?:' +
    [
      'related(?: news| articles?| items?| content| links| releases| press releases| stories| topics| documents| publications| pages)?',
      'more news', 'more on this topic', 'more from [\\p{L} ]{1,40}', 'latest news', 'other news', 'top stories', 'news in brief', 'see also', 'read also',
      'also of interest', 'you may also (?:like|be interested in)', 'recommended(?: for you)?', 'most read',
      'share(?: this)?(?: page| article| story| news| release)?', 'share on \\p{L}+', 'print(?: this page)?', 'tags?', 'keywords', 'topics',
      'categor(?:y|ies)', 'follow us(?: on \\p{L}+)?', '(?:media|press|further) contacts?', 'contacts?', 'contact us',
      'for (?:more|further) information(?: please contact)?', 'media enquiries', 'press enquiries', 'subscribe(?: to [\\p{L} ]{1,40})?', 'newsletter',
      'downloads?', 'attachments?', 'back to (?:top|news|the list|list)', 'sign up(?: for [\\p{L} ]{1,40})?',
      'ähnliche (?:nachrichten|artikel)', 'verwandte (?:nachrichten|artikel|themen)', 'weitere (?:nachrichten|meldungen|artikel)', 'teilen', 'schlagworte',
      'à lire aussi', 'lire aussi', 'actualités liées', 'articles liés', 'sur le même sujet', 'partager', 'mots[- ]clés',
      'noticias relacionadas', 'artículos relacionados', 'compartir', 'etiquetas', 'notizie correlate', 'articoli correlati', 'condividi',
      'gerelateerd(?: nieuws)?', 'delen', 'notícias relacionadas', 'partilhar', 'compartilhar',
    ].join('|') +
    ')\\s*:?$',
  'iu',
);
/** A single line of furniture: "Tags: drugs, Latvia", "Share: Facebook X LinkedIn", "Media contact: +32 …". */
const FURNITURE_LINE = /^(?:tags?|keywords|topics|categor(?:y|ies)|share(?: this)?|share on|follow us|(?:media|press) (?:contacts?|enquiries)|schlagworte|mots[- ]clés|etiquetas)\s*:/iu;

/** Whether a block opens page furniture (its heading) or is a line of it. */
export function isFurniture(b: Block): 'heading' | 'line' | undefined {
  if (b.kind === 'media' || b.text.length > 120) return undefined;
  const t = b.text.replace(/^[\s#>»›|·•-]+|[\s»›|·•→]+$/gu, '');
  if (FURNITURE_HEADING.test(t)) return 'heading';
  if (FURNITURE_LINE.test(t)) return 'line';
  return undefined;
}

export interface Trimmed {
  blocks: Block[];
  /** What was cut, for `fulltext --explain`: the first words of each furniture block and how much followed. */
  cut: string[];
}

/**
 * Furniture trimmed from an article's blocks (and removed from the DOM, so the HTML kept matches): lines of it
 * anywhere at the start and end, and from a furniture heading after the article's first paragraph to the end.
 * A furniture heading before it (a "Related news" box the extractor put first) goes with the links under it.
 */
export function trimFurniture(blocks: readonly Block[]): Trimmed {
  const cut: string[] = [];
  const keep = blocks.slice();
  // The start: lines of furniture, and a heading of it with the link lists under it.
  let i = 0;
  while (i < keep.length && keep[i]!.kind !== 'media') {
    const f = isFurniture(keep[i]!);
    if (!f) break;
    let j = i + 1;
    if (f === 'heading') while (j < keep.length && keep[j]!.kind === 'text' && keep[j]!.linkShare >= 0.8) j++;
    cut.push(describe(keep.slice(i, j)));
    i = j;
  }
  const head = keep.splice(0, i);
  // The end: from the first furniture heading that follows some text of the article.
  const firstText = keep.findIndex((b) => b.kind === 'text' && !isFurniture(b));
  let end = keep.length;
  for (let k = firstText + 1; firstText >= 0 && k < keep.length; k++) {
    if (isFurniture(keep[k]!) === 'heading') {
      end = k;
      break;
    }
  }
  const tail = keep.splice(end);
  if (tail.length) cut.push(describe(tail));
  // Lines of furniture left at the end ("Tags: …" under the last paragraph).
  while (keep.length && isFurniture(keep[keep.length - 1]!) === 'line') {
    const b = keep.pop()!;
    tail.unshift(b);
    cut.push(describe([b]));
  }
  for (const b of [...head, ...tail]) for (const n of b.nodes) (n as ChildNode).remove?.();
  return { blocks: keep, cut };
}

const describe = (bs: readonly Block[]) => {
  const first = bs[0]!.text;
  const words = first.length > 60 ? `${first.slice(0, 60)}…` : first;
  return bs.length > 1 ? `"${words}" and ${bs.length - 1} block(s) after it` : `"${words}"`;
};
