// Adversarial upstream text, 1–10 MB each: every scan in sources/ and stories/ must finish (wide bounds on the CPU
// time spent, not wall time, which a loaded CI machine stretches several-fold: these guard against hangs and
// quadratic scans, the ratios are in `npm run bench`) and give the right answer.
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { parseBulletin } from '../../src/sources/parse-bulletin.js';
import { parseFeed } from '../../src/sources/parse-feed.js';
import { parseDate } from '../../src/stories/dates.js';
import { limitNesting, MAX_NESTING } from '../../src/stories/limit-nesting.js';
import { feedItemToIncoming, MAX_BODY_CHARS, MAX_TITLE_CHARS } from '../../src/stories/normalise.js';
import { sanitiseHtml } from '../../src/stories/sanitise-html.js';
import { htmlToSummary } from '../../src/stories/summary.js';
import { foldText, foldTitle, plainLead, titleSimilarity } from '../../src/stories/text-match.js';
import { cpuTimed } from '../helpers/cpu-time.js';

const MB = 1024 * 1024;
const BOUND_MS = 5000;
const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);
const timed = async <T>(f: () => T | Promise<T>): Promise<T> => {
  const { value, cpuMs } = await cpuTimed(f);
  expect(cpuMs).toBeLessThan(BOUND_MS);
  return value;
};
const rss = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>${items}</channel></rss>`;
const ctx = { agency: 'europol', feedUrl: 'https://www.europol.europa.eu/rss', timeZone: 'UTC', now: new Date('2024-10-10T00:00:00Z') };

describe('parseFeed on hostile documents', () => {
  it.each([
    { description: 'a run of unclosed <!--', xml: rss(rep('<!--', 2 * MB)), message: /^malformed XML/ },
    { description: 'a run of unclosed <![CDATA[', xml: rss(rep('<![CDATA[', 2 * MB)), message: /^malformed XML/ },
    { description: 'a run of unclosed <?', xml: rss(rep('<?', 2 * MB)), message: /^malformed XML/ },
    { description: 'unclosed <? before the root', xml: rep('<?x ', 2 * MB) + '<rss>', message: /^malformed XML/ },
    { description: 'a run of <!DOCTYPE (once recursive, one frame each)', xml: rep('<!DOCTYPE a>', 2 * MB) + rss(''), message: /^malformed XML/ },
    { description: 'an unclosed DOCTYPE', xml: '<!DOCTYPE rss [' + rep('"x" ', 2 * MB), message: /^malformed XML/ },
    { description: '<!ENTITY then a long run of spaces and no name', xml: `<!DOCTYPE a [<!ENTITY${rep(' ', 2 * MB)}>]>` + rss(''), message: /DOCTYPE declares entities; refused/ },
    { description: 'a run of bare &', xml: rss(`<item><title>${rep('&', 2 * MB)}</title></item>`), ok: true },
    { description: 'a run of &#9999…', xml: rss(`<item><title>${rep('&#9', 2 * MB)}</title></item>`), ok: true },
    { description: 'a run of unclosed xhtml titles', xml: `<feed xmlns="http://www.w3.org/2005/Atom">${rep('<title type="xhtml">', 2 * MB)}`, message: /^malformed XML/ },
    { description: 'xhtml start tags nested in one tag', xml: `<feed xmlns="http://www.w3.org/2005/Atom"><title a="${rep('<title type="xhtml" ', 2 * MB)}">`, message: /^malformed XML/ },
    { description: 'a run of <item without >', xml: rss(rep('<item ', 2 * MB)), message: /^malformed XML/ },
    { description: 'a run of < without >', xml: rss(rep('<', 2 * MB)), message: /^malformed XML/ },
  ])('$description', async ({ xml, message, ok }) => {
    const r = await timed(() => parseFeed(xml, 'https://example.org/feed'));
    if (ok) expect(r.ok).toBe(true);
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(message!);
    }
  });

  it('reads a feed whose Atom html title is 2 MB of unclosed comments and tags', async () => {
    const title = `${rep('&lt;!--', MB)}${rep('&lt;', MB)}`;
    const r = await timed(() => parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title type="html">${title}</title></entry></feed>`, 'https://example.org/'));
    expect(r.ok && r.items[0]?.title?.startsWith('<!--<!--')).toBe(true);
  });

  it('reads an xhtml title of 2 MB nested spans', async () => {
    const r = await timed(() =>
      parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${rep('<b>', 30_000)}deep${rep('</b>', 30_000)}</div></title></entry></feed>`, 'https://example.org/'),
    );
    expect(r.ok).toBe(true);
  });
});

describe('normalising hostile items', () => {
  const item = (contentHtml?: string, summaryHtml?: string, title = 'A title') =>
    feedItemToIncoming({ kind: 'feed', title, categories: [], ...(contentHtml ? { contentHtml } : {}), ...(summaryHtml ? { summaryHtml } : {}) }, 0, ctx);

  it.each([
    { description: '"..." then 1 MB of white space then a letter (the teaser regex, ~30 min before)', html: `<p>Cut...${rep(' ', 1_000_000)}x</p>`, teaser: false },
    { description: '"..." then 1 MB of white space', html: `<p>Cut...${rep(' ', MB)}</p>${rep('\n', MB)}`, teaser: true },
    { description: '"…" then runs of </p> and spaces', html: `<p>Cut…${rep('</p> ', MB)}`, teaser: false },
  ])('teaser: $description', async ({ html, teaser }) => {
    const r = await timed(() => item(undefined, html));
    expect(r.incoming?.teaser).toBe(teaser);
  });

  it.each([
    { description: '1 MB of unclosed <b>', html: rep('<b>', MB) },
    { description: '1 MB of nested <table><tr><td>', html: rep('<table><tr><td>x', MB) },
    { description: '1 MB of <ul><li> (html-to-text overflowed its stack)', html: rep('<ul><li>', MB) },
    { description: '<b> then 1 MB of unmatched </i>', html: rep('<b>', MB / 2) + rep('</i>', MB / 2) },
    { description: '1 MB of <!--', html: rep('<!--', MB) },
    { description: '1 MB of <a with no >', html: rep('<a ', MB) },
    { description: '1 MB of &', html: rep('&', MB) },
  ])('body: $description', async ({ html }) => {
    const r = await timed(() => item(html));
    expect(r.incoming?.title).toBe('A title');
  });

  it('cuts a 10 MB body to MAX_BODY_CHARS, with a warning', async () => {
    const r = await timed(() => item(`<p>${rep('word ', 10 * MB)}</p>`));
    expect(r.incoming?.contentHtml.length).toBeLessThanOrEqual(MAX_BODY_CHARS + 16);
    expect(r.warnings.map((w) => w.message)).toContain(`item 1: content of ${10 * MB + 7} characters cut to ${MAX_BODY_CHARS}`);
  });

  it('names an untitled item from a deep body', async () => {
    const r = await timed(() => item(rep('<div>', 1_000_000) + 'Operation Deep', undefined, ''));
    expect(r.incoming?.title).toBe('Operation Deep');
  });

  it('a 2 MB title without spaces, and a 1 MB date', async () => {
    const r = await timed(() =>
      feedItemToIncoming({ kind: 'feed', title: rep('x', 2 * MB), published: rep(' (', MB), categories: [rep('c', MB)] }, 0, ctx),
    );
    // Cut to MAX_TITLE_CHARS with an ellipsis (tests/stories/titles.test.ts has the rules), with a warning.
    expect(r.incoming?.title).toBe(`${rep('x', MAX_TITLE_CHARS)}…`);
    expect(r.warnings.map((w) => w.message)).toContain(`item 1: title of ${2 * MB} characters cut to ${MAX_TITLE_CHARS + 1}`);
    expect(r.incoming?.dateFlag).toBe('unparseable');
  });
});

describe('text functions on hostile strings', () => {
  it.each([
    { description: 'parseDate: 1 MB of spaces', f: () => parseDate(`${rep(' ', MB)}x`), expected: undefined },
    { description: 'parseDate: 1 MB of "("', f: () => parseDate(rep('(', MB)), expected: undefined },
    { description: 'parseDate: a date then 1 MB of "(CEST)"', f: () => parseDate(`Mon, 07 Oct 2024 10:00:00 +0200${rep(' (CEST)', MB)}`), expected: undefined },
    { description: 'foldTitle: 2 MB of punctuation', f: () => foldTitle(rep('a!', 2 * MB)).length, expected: 2 * MB - 1 },
    { description: 'foldText: "..." then 1 MB of spaces then a letter', f: () => foldText(`a...${rep(' ', MB)}b`), expected: 'a b' },
    { description: 'titleSimilarity: two 1 MB titles differing at the end', f: () => titleSimilarity(rep('ab', MB), `${rep('ab', MB - 1)}x`), expected: 1 },
    { description: 'titleSimilarity: two different 1 MB titles', f: () => titleSimilarity(rep('ab', MB), rep('cd', MB)), expected: 0 },
    { description: 'plainLead: 1 MB of <', f: () => plainLead(rep('<', MB)).length, expected: 1500 },
    { description: 'htmlToSummary: 1 MB of nested <div>', f: () => htmlToSummary(`${rep('<div>', MB)}x`), expected: 'x' },
    { description: 'sanitiseHtml: 1 MB of <svg><path/>', f: () => sanitiseHtml(rep('<svg><path/>', MB)), expected: '' },
  ] as { description: string; f: () => unknown; expected: unknown }[])('$description', async ({ f, expected }) => {
    expect(await timed(f)).toBe(expected);
  });
});

describe('parseBulletin on hostile text', () => {
  it.each([
    { description: '1 MB of spaces in a body line', text: `Title\nSource: NATO\n${rep(' ', MB)}x`, items: 1 },
    { description: '1 MB of zero-width spaces', text: `Title\nSource: NATO\n${rep('\u200B', MB)}x`, items: 1 },
    { description: '1 MB of "1. "', text: `Title\nSource: NATO\n${rep('1. ', MB)}`, items: 1 },
    { description: '2 MB of Source: lines', text: rep('Source: x\n', 2 * MB), items: 0 },
    { description: '2 MB of CR line breaks', text: `Title\nSource: NATO\n${rep('a\r', 2 * MB)}`, items: 1 },
    { description: '2 MB of lone surrogates', text: `Title\nSource: NATO\n${rep('\uD800', 2 * MB)}x`, items: 1 },
    { description: '1 MB of "..." ending every line', text: `Title\nSource: NATO\n${rep('a...\n', MB)}`, items: 1 },
  ])('$description', async ({ text, items }) => {
    const r = await timed(() => parseBulletin(text));
    expect(r.items).toHaveLength(items);
  });
});

describe('limitNesting', () => {
  const depthFor = (html: string) => {
    let d = 0;
    let max = 0;
    const p = new Parser({ onopentag: () => void (max = Math.max(max, ++d)), onclosetag: () => void d-- });
    p.write(html);
    p.end();
    return max;
  };
  it('leaves a press release as it is', () => {
    const html = `<div><p>Lead <b>bold</b></p><p>Two<p>Three<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><td>3</table></div>`.repeat(200);
    expect(limitNesting(html)).toBe(html);
  });
  it('caps what htmlparser2 nests, whatever the tags (random soup)', () => {
    const parts = ['<b>', '</b>', '<p>', '</p>', '<div>', '<td>', '<tr>', '<table>', '<li>', '<ul>', '<script>', '</script>', '<title>', '</title>', '<br>', '<b/>', '<img src=">">', '<i a = "b>">', '</i>', '<svg>', '<path/>', '</svg>', '<select>', '<option>', '<textarea>', '<!--', '-->', '<!-->', '<', '>', 'x', '"', '<xmp>', '<dd>', '<tbody>', '<form>', '<button>'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let k = 0; k < 3000; k++) {
      const s = Array.from({ length: 20 + (next() % 200) }, () => parts[next() % parts.length]).join('');
      const cap = 1 + (next() % 4);
      expect(depthFor(limitNesting(s, cap)), s).toBeLessThanOrEqual(cap + 1);
    }
  });
  it(`keeps ${MAX_NESTING} levels of a deep body and its text`, () => {
    const out = limitNesting(`${rep('<b>', 3 * 10_000)}text`);
    expect(depthFor(out)).toBe(MAX_NESTING);
    expect(out.endsWith('text')).toBe(true);
  });
});
