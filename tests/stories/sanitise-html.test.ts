// Tests sanitiseHtml against classic XSS vectors and URL resolution, plus stripXmlInvalid and htmlToSummary.
import { describe, expect, it } from 'vitest';
import { sanitiseHtml } from '../../src/stories/sanitise-html.js';
import { htmlToSummary } from '../../src/stories/summary.js';
import { stripXmlInvalid } from '../../src/stories/xml-chars.js';

const BASE = 'https://example.org/news/a.html';

// None of these vectors carries the forbidden strings in its plain text, so any hit is a live attribute or tag.
const FORBIDDEN = [/<script/i, /\bon\w+\s*=/i, /javascript:/i, /vbscript:/i, /data:/i, /<(iframe|object|embed|form|meta|base|svg|math|style|xmp|noscript|input)/i];

const vectors = [
  { description: 'img onerror', input: '<img src=x onerror=alert(1)>' },
  { description: 'tab entity inside the scheme', input: '<a href="java&#x09;script:alert(1)">x</a>' },
  { description: 'newline inside the scheme', input: '<a href="java\nscript:alert(1)">x</a>' },
  { description: 'mixed-case scheme', input: '<a href="JaVaScRiPt:alert(1)">x</a>' },
  { description: 'leading space and entity-encoded scheme', input: '<a href=" &#106;avascript:alert(1)">x</a>' },
  { description: 'vbscript', input: '<a href="vbscript:msgbox(1)">x</a>' },
  { description: 'svg animate onbegin', input: '<svg><animate onbegin=alert(1) attributeName=x dur=1s>' },
  { description: 'svg xlink:href', input: '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>' },
  { description: 'math/style mXSS', input: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>' },
  { description: 'xmp raw text', input: '<xmp><img src=x onerror=alert(1)></xmp>' },
  { description: 'noscript mXSS', input: '<noscript><p title="</noscript><img src=x onerror=alert(1)>">' },
  { description: 'style element url()', input: '<style>p{background:url("javascript:alert(1)")}</style><p>s</p>' },
  { description: 'style attribute url()', input: '<p style="background:url(javascript:alert(1))">s</p>' },
  { description: 'data: link', input: '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>' },
  { description: 'data: image', input: '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">' },
  { description: 'iframe src', input: '<iframe src="javascript:alert(1)"></iframe>' },
  { description: 'iframe srcdoc', input: '<iframe srcdoc="<script>alert(1)</script>"></iframe>' },
  { description: 'object and embed', input: '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">' },
  { description: 'form action and formaction', input: '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button><input onfocus=alert(1) autofocus></form>' },
  { description: 'meta refresh', input: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' },
  { description: 'base href', input: '<base href="javascript:alert(1)//"><a href="x">x</a>' },
  { description: 'script, even with a NUL in its name', input: '<script>alert(1)</script><scr\u0000ipt>alert(1)</script>' },
  { description: 'event handler on an allowed tag', input: '<a href="https://ok.example/" onclick="alert(1)">ok</a>' },
  { description: 'event handler on a dropped tag', input: '<div onmouseover="alert(1)">hover</div>' },
  { description: 'srcset', input: '<img src="https://x.example/a.png" srcset="javascript:alert(1) 1x">' },
  { description: 'comment', input: '<!--<img src=x onerror=alert(1)>-->' },
  { description: 'template', input: '<template><script>alert(1)</script></template>' },
];

describe('sanitiseHtml', () => {
  it.each(vectors)('neutralises $description', ({ input }) => {
    for (const base of [BASE, undefined]) {
      const out = sanitiseHtml(input, base);
      for (const bad of FORBIDDEN) expect(out).not.toMatch(bad);
    }
  });

  it.each([
    {
      description: 'relative links and images made absolute',
      input: '<a href="/x">r</a><a href="#top">t</a><a href="../up.html">u</a><img src="i.png" alt="i">',
      baseUrl: BASE,
      expected: '<a href="https://example.org/x">r</a><a href="https://example.org/news/a.html#top">t</a><a href="https://example.org/up.html">u</a><img alt="i" src="https://example.org/news/i.png" />',
    },
    {
      description: 'relative links dropped without a base (the text stays), images dropped',
      input: '<a href="/x">r</a> <img src="i.png" alt="i">',
      baseUrl: undefined,
      expected: 'r ',
    },
    {
      description: 'protocol-relative resolved against the base, dropped without one',
      input: '<a href="//cdn.example/a">c</a>',
      baseUrl: BASE,
      expected: '<a href="https://cdn.example/a">c</a>',
    },
    { description: 'protocol-relative without base', input: '<a href="//cdn.example/a">c</a>', baseUrl: undefined, expected: 'c' },
    {
      description: 'absolute http(s) and mailto kept',
      input: '<a href="mailto:press@example.org">m</a><a href="HTTP://Example.com/A">h</a>',
      baseUrl: undefined,
      expected: '<a href="mailto:press@example.org">m</a><a href="http://example.com/A">h</a>',
    },
    { description: 'an unusable base counts as none', input: '<a href="/x">r</a>', baseUrl: 'not a url', expected: 'r' },
    {
      description: 'a quote in an allowed attribute stays inside it',
      input: `<a title='" onmouseover=alert(1) x="' href="https://ok.example/">t</a>`,
      baseUrl: undefined,
      expected: '<a title="&quot; onmouseover=alert(1) x=&quot;" href="https://ok.example/">t</a>',
    },
    {
      description: 'only allowlisted attributes survive',
      input: '<table><tr><td colspan="2" style="x" class="y">c</td></tr></table><abbr title="North Atlantic" id="n">NATO</abbr>',
      baseUrl: undefined,
      expected: '<table><tr><td colspan="2">c</td></tr></table><abbr title="North Atlantic">NATO</abbr>',
    },
    {
      description: 'form and div dropped, their text kept',
      input: '<form action="/x"><div><p>Body text</p></div></form>',
      baseUrl: BASE,
      expected: '<p>Body text</p>',
    },
    {
      description: 'control characters, raw or as references, removed',
      input: '<p>a&#1;b\u0000c\u0008d\uFFFEe\uFFFFf\uD800g\uDC00h \uD83D\uDE00</p>',
      baseUrl: undefined,
      expected: '<p>abcdefgh \uD83D\uDE00</p>',
    },
  ])('$description', ({ input, baseUrl, expected }) => {
    expect(sanitiseHtml(input, baseUrl)).toBe(expected);
  });
});

describe('stripXmlInvalid', () => {
  it.each([
    { description: 'plain text untouched', input: 'Héllo – “world” \uD83D\uDE00', expected: 'Héllo – “world” \uD83D\uDE00' },
    { description: 'tab, LF and CR kept', input: 'a\tb\nc\rd', expected: 'a\tb\nc\rd' },
    { description: 'C0 controls removed', input: 'a\u0000b\u0001c\u000Bd\u000Ce\u001Ff', expected: 'abcdef' },
    { description: 'U+FFFE and U+FFFF removed', input: 'a\uFFFEb\uFFFFc', expected: 'abc' },
    { description: 'lone surrogates removed', input: '\uDC00a\uD800b\uD83D', expected: 'ab' },
  ])('$description', ({ input, expected }) => {
    expect(stripXmlInvalid(input)).toBe(expected);
  });
});

describe('htmlToSummary', () => {
  it.each([
    {
      description: 'text only: no link targets, no image text, headings as written',
      input: '<h2>Title</h2><p>Hello <a href="http://x.example/">link</a> <img src="a.png" alt="pic"> world</p>',
      maxChars: 500,
      expected: 'Title Hello link world',
    },
    { description: 'whitespace collapsed', input: '<p>a\n\n  b</p><ul><li>one</li><li>two</li></ul>', maxChars: 500, expected: 'a b one two' },
    { description: 'entities decoded', input: '<p>Tom &amp; Jerry&nbsp;&lt;3</p>', maxChars: 500, expected: 'Tom & Jerry <3' },
    { description: 'exactly maxChars is not cut', input: '<p>one two</p>', maxChars: 7, expected: 'one two' },
    { description: 'cut at a word boundary with …', input: '<p>one two three four</p>', maxChars: 12, expected: 'one two…' },
    { description: 'one long word cut where it must be', input: '<p>abcdefghijklmnop</p>', maxChars: 5, expected: 'abcd…' },
    { description: 'a surrogate pair is never split', input: '<p>abc\uD83D\uDE00def</p>', maxChars: 5, expected: 'abc…' },
    { description: 'empty', input: '', maxChars: 500, expected: '' },
  ])('$description', ({ input, maxChars, expected }) => {
    expect(htmlToSummary(input, maxChars)).toBe(expected);
  });

  it('defaults to 500 characters', () => {
    const out = htmlToSummary(`<p>${'word '.repeat(300)}</p>`);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.endsWith('word…')).toBe(true);
  });
});
