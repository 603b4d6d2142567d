// Cleans upstream HTML down to a small allowlist, with absolute http(s)/mailto links, safe to republish in feeds.
import sanitizeHtml from 'sanitize-html';
import { limitNesting } from './limit-nesting.js';
import { stripXmlInvalid } from './xml-chars.js';

const ALLOWED_TAGS = [
  'p', 'br', 'a', 'ul', 'ol', 'li', 'strong', 'b', 'em', 'i', 'blockquote',
  'h2', 'h3', 'h4', 'h5', 'h6', 'img', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'pre', 'code', 'hr', 'sup', 'sub', 'abbr', 'q', 'cite',
];
const ALLOWED_SCHEMES = ['http', 'https', 'mailto'];
// Dropped together with everything inside: their content is code, styling, fallback or markup that
// means nothing as text. Other dropped tags (form, span, div, font…) keep their text: ASP.NET pages
// wrap a whole press release in <form>.
const NON_TEXT_TAGS = [
  'script', 'style', 'noscript', 'xmp', 'iframe', 'object', 'embed', 'svg', 'math', 'template',
  'textarea', 'option', 'select', 'title', 'noembed', 'noframes', 'plaintext', 'head',
];

/** `value` as an absolute http(s)/mailto URL, or undefined when it cannot be resolved or is another scheme. */
function resolveUrl(value: string, baseUrl: string | undefined): string | undefined {
  let url: URL;
  try {
    url = baseUrl === undefined ? new URL(value) : new URL(value, new URL(baseUrl));
  } catch {
    return undefined;
  }
  return ALLOWED_SCHEMES.includes(url.protocol.slice(0, -1)) ? url.href : undefined;
}

function absolutise(attr: string, baseUrl: string | undefined): sanitizeHtml.Transformer {
  return (tagName, attribs) => {
    const { [attr]: value, ...rest } = attribs;
    const resolved = value === undefined ? undefined : resolveUrl(value, baseUrl);
    return { tagName, attribs: resolved === undefined ? rest : { ...rest, [attr]: resolved } };
  };
}

export function sanitiseHtml(html: string, baseUrl?: string): string {
  // Stripping first as well: a NUL inside a tag name (`<scr\0ipt>`) must not hide a script from the allowlist.
  // Nesting capped: sanitize-html costs O(depth) per tag (limit-nesting.ts).
  const clean = sanitizeHtml(limitNesting(stripXmlInvalid(html)), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      abbr: ['title'],
    },
    allowedSchemes: ALLOWED_SCHEMES,
    allowedSchemesByTag: {},
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    allowedStyles: {},
    disallowedTagsMode: 'discard',
    nonTextTags: NON_TEXT_TAGS,
    transformTags: { a: absolutise('href', baseUrl), img: absolutise('src', baseUrl) },
    // A link whose URL was dropped keeps its text; an image without a source is nothing at all.
    exclusiveFilter: (frame) =>
      frame.tag === 'a' && frame.attribs.href === undefined ? 'excludeTag' : frame.tag === 'img' && frame.attribs.src === undefined,
  });
  return stripXmlInvalid(clean);
}
