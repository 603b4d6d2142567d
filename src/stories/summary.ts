// Turns an HTML body into a short plain-text summary for feed entries and listings.
import { compile } from 'html-to-text';
import { limitNesting } from './limit-nesting.js';
import { stripXmlInvalid } from './xml-chars.js';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

// html-to-text writes for terminals by default: "[http://…]" after links, alt text for images,
// UPPERCASE headings and table headers, " * " before list items. A summary wants only the words.
const OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'ul', options: { itemPrefix: ' ' } },
    ...HEADINGS,
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

/** Compiled once: html-to-text's convert() rebuilds its selector tables on every call (most of its cost). */
const toText = compile(OPTIONS);

export function htmlToSummary(html: string, maxChars = 500): string {
  // Nesting capped: html-to-text recurses once per level ("Maximum call stack size exceeded" past a few
  // thousand) and its parser costs O(depth) per tag (limit-nesting.ts).
  const text = stripXmlInvalid(toText(limitNesting(html))).replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return text;
  if (maxChars <= 1) return maxChars === 1 ? '…' : '';
  // Keep room for the ellipsis; never cut a surrogate pair in half.
  let cut = maxChars - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  // Back up to the last space when there is one (a single giant word is cut where it must be).
  const space = text.lastIndexOf(' ', cut);
  if (space > 0) cut = space;
  return `${text.slice(0, cut).trimEnd()}…`;
}
