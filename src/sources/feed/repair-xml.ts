// Repair before parsing. sax is strict: one bare `&` or one HTML entity rejects the whole document
// (rbren/rss-parser#134, #207). Everything here keeps line breaks so warnings keep lines.
import type { ParseWarning } from '../../model.js';
import { HTML_ENTITIES, isXmlChar } from '../../text/character-references.js';
import { Finder, isJsSpace } from '../scan-text.js';

export interface Repaired {
  text: string;
  warnings: ParseWarning[];
}

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Returns the repaired text and one warning per kind of repair, or why the document is refused. */
export function repairXml(text: string): Repaired | { refused: string } {
  const warnings: ParseWarning[] = [];
  const counts = { amp: 0, entity: 0, unknown: 0, control: 0 };
  const firstLine: Partial<Record<keyof typeof counts, number>> = {};
  const unknownNames = new Set<string>();

  const dtd = removeDoctype(text);
  if ('refused' in dtd) return dtd;
  let out = dtd.text;
  if (dtd.removed) warnings.push({ line: dtd.line, message: 'DOCTYPE without entity declarations removed' });

  // Split into CDATA sections (left alone but for control characters) and the rest (entities repaired).
  // Removing characters never removes a line break, so offsets within a piece give the right line.
  const pieces = splitCdata(out);
  let pieceLine = 1;
  out = pieces
    .map((piece, i) => {
      const note = (kind: keyof typeof counts, offset: number, within: string): void => {
        counts[kind]++;
        firstLine[kind] ??= pieceLine + countNewlines(within.slice(0, offset));
      };
      let result = piece.replace(INVALID_XML_CHARS, (_m: string, offset: number) => {
        note('control', offset, piece);
        return '';
      });
      if (i % 2 === 0) {
        const before = result;
        result = result.replace(
          /&(?:#([0-9]+);|#[xX]([0-9a-fA-F]+);|([A-Za-z][A-Za-z0-9]*);)?/g,
          (match: string, dec: string | undefined, hex: string | undefined, name: string | undefined, offset: number) => {
            if (dec !== undefined || hex !== undefined) {
              const code = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
              if (isXmlChar(code)) return match;
              note('control', offset, before);
              return '';
            }
            if (name !== undefined) {
              if (XML_ENTITIES.has(name)) return match;
              const code = HTML_ENTITIES.get(name);
              if (code !== undefined) {
                note('entity', offset, before);
                return `&#${code};`;
              }
              note('unknown', offset, before);
              unknownNames.add(name);
              return `&amp;${name};`;
            }
            note('amp', offset, before);
            return '&amp;';
          },
        );
      }
      pieceLine += countNewlines(piece);
      return result;
    })
    .join('');

  // One warning per kind of repair, at the line of its first occurrence.
  if (counts.amp) warnings.push({ line: firstLine.amp ?? 0, message: `bare '&' escaped (${counts.amp})` });
  if (counts.entity)
    warnings.push({ line: firstLine.entity ?? 0, message: `HTML named entities made numeric (${counts.entity})` });
  if (counts.unknown)
    warnings.push({
      line: firstLine.unknown ?? 0,
      message: `unknown entities kept as text (${counts.unknown}): ${[...unknownNames].slice(0, 5).map((n) => `&${n};`).join(' ')}`,
    });
  if (counts.control)
    warnings.push({ line: firstLine.control ?? 0, message: `characters not allowed in XML removed (${counts.control})` });

  return { text: protectXhtml(out), warnings };
}

/**
 * What `text.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)` returns (text, CDATA section, text, …), in one pass: once a
 * `<![CDATA[` has no `]]>` after it, no later one has either, and the rest is text.
 */
function splitCdata(text: string): string[] {
  const pieces: string[] = [];
  let pos = 0;
  for (let open = text.indexOf('<![CDATA['); open >= 0; open = text.indexOf('<![CDATA[', pos)) {
    const close = text.indexOf(']]>', open + 9);
    if (close < 0) break;
    pieces.push(text.slice(pos, open), text.slice(open, close + 3));
    pos = close + 3;
  }
  pieces.push(text.slice(pos));
  return pieces;
}

/** C0 controls but tab/LF/CR, U+FFFE/U+FFFF and lone surrogates: never allowed in XML 1.0 (§2.2). */
const INVALID_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A DOCTYPE is never needed to read a feed. One with entity declarations is how billion-laughs bombs and
 * external entities (`<!ENTITY xxe SYSTEM "file:///etc/passwd">`) arrive: the document is refused before any
 * parser sees it. Others (the RSS 0.91 Netscape DTD) are blanked out, keeping their line breaks.
 */
const DOCTYPE_AT = /<!DOCTYPE/iy;

function removeDoctype(text: string): { text: string; removed: boolean; line: number } | { refused: string } {
  // A `<!DOCTYPE html>` inside a CDATA description or a comment is content, not a declaration. One pass: the
  // Finders remember that a `-->` or `]]>` is missing, so a run of unclosed `<!--` is not rescanned each time.
  const comments = new Finder(text, '-->');
  const cdataEnds = new Finder(text, ']]>');
  let out = '';
  let kept = 0;
  let line = 0;
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<!', pos);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const close = comments.find(lt + 4);
      pos = close < 0 ? lt + 1 : close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = cdataEnds.find(lt + 9);
      pos = close < 0 ? lt + 1 : close + 3;
      continue;
    }
    DOCTYPE_AT.lastIndex = lt;
    if (!DOCTYPE_AT.test(text)) {
      pos = lt + 1;
      continue;
    }
    // Find the end of the DOCTYPE: the first `>` outside quotes and outside the `[ ... ]` internal subset.
    let i = lt + '<!DOCTYPE'.length;
    let quote: string | undefined;
    let depth = 0;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[') depth++;
      else if (c === ']') depth = Math.max(0, depth - 1);
      else if (c === '>' && depth === 0) break;
    }
    const doctype = text.slice(lt, i + 1);
    const entity = entityDeclared(doctype);
    if (entity !== undefined) {
      return {
        refused:
          `malformed XML: DOCTYPE declares entities${entity ? ` (${entity})` : ''}; refused: ` +
          'entity expansion and external entities are never processed',
      };
    }
    // Blank it out keeping its line breaks; a second DOCTYPE (not well-formed anyway) is checked the same way.
    if (line === 0) line = 1 + countNewlines(text.slice(0, lt));
    out += text.slice(kept, lt) + '\n'.repeat(countNewlines(doctype));
    kept = pos = i + 1;
  }
  if (line === 0) return { text, removed: false, line: 0 };
  return { text: out + text.slice(kept), removed: true, line };
}

/**
 * Whether a DOCTYPE declares entities, and the name of the first: `''` when `<!ENTITY` has no readable name,
 * undefined when there is no `<!ENTITY`. Read as `/<!ENTITY\s+%?\s*([^\s>]+)/i` reads it, without its
 * backtracking (quadratic on `<!ENTITY` and a long run of spaces).
 */
function entityDeclared(doctype: string): string | undefined {
  const re = /<!ENTITY/gi;
  let found = false;
  for (let m = re.exec(doctype); m; m = re.exec(doctype)) {
    found = true;
    let i = m.index + m[0].length;
    const spaceStart = i;
    while (i < doctype.length && isJsSpace(doctype.charCodeAt(i))) i++;
    if (i === spaceStart) continue;
    const name = (from: number): string => {
      let j = from;
      while (j < doctype.length && doctype[j] !== '>' && !isJsSpace(doctype.charCodeAt(j))) j++;
      return doctype.slice(from, j);
    };
    if (doctype[i] === '%') {
      let k = i + 1;
      while (k < doctype.length && isJsSpace(doctype.charCodeAt(k))) k++;
      const after = name(k);
      // `%?` gives the `%` back when no name follows it: the `%` is then the start of the name.
      return after || name(i);
    }
    const n = name(i);
    if (n) return n;
  }
  return found ? '' : undefined;
}

export function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The inside of an Atom `type="xhtml"` construct is wrapped in CDATA before parsing and read back as markup of its
 * own (atom.ts): XHTML that is not well-formed (a tag left open by a CMS) then costs that construct, never the
 * whole feed.
 */
export function protectXhtml(text: string): string {
  // One pass doing what this did:
  //   text.replace(/<(title|subtitle|summary|content|rights)((?:\s[^>]*?)?\btype\s*=\s*["']xhtml["'][^>]*?)(?<!\/)>([\s\S]*?)<\/\1>/g, …)
  // which rescans to the end of the document from every such start tag whose end tag is missing.
  const gts = new Finder(text, '>');
  const ends = new Map(XHTML_CONSTRUCTS.map((tag) => [tag, new Finder(text, `</${tag}>`)] as const));
  // For the start tag ending at `>` index g: the last `type="xhtml"` in it (start tags nested in attribute
  // values share their `>`, so it is computed once per `>`).
  let typeFor = -1;
  let lastType = -1;
  let out = '';
  let kept = 0;
  let pos = 0;
  for (let lt = text.indexOf('<', pos); lt >= 0; lt = text.indexOf('<', pos)) {
    pos = lt + 1;
    const tag = XHTML_CONSTRUCTS.find((t) => text.startsWith(t, lt + 1));
    if (!tag) continue;
    const nameEnd = lt + 1 + tag.length;
    if (!isJsSpace(text.charCodeAt(nameEnd))) continue;
    const g = gts.find(nameEnd);
    if (g < 0) continue;
    if (typeFor !== g) {
      typeFor = g;
      lastType = -1;
      const re = /\btype\s*=\s*["']xhtml["']/g;
      const region = text.slice(lt, g);
      for (let m = re.exec(region); m; m = re.exec(region)) lastType = lt + m.index;
    }
    if (lastType <= nameEnd || text[g - 1] === '/') continue;
    const close = ends.get(tag)!.find(g + 1);
    if (close < 0) continue;
    const inner = text.slice(g + 1, close);
    out +=
      text.slice(kept, lt) +
      `<${tag}${text.slice(nameEnd, g)} pressroom-xhtml="1"><![CDATA[${inner.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${tag}>`;
    kept = pos = close + tag.length + 3;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

const XHTML_CONSTRUCTS = ['title', 'subtitle', 'summary', 'content', 'rights'];

