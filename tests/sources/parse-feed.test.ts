// parseFeed on real-shaped fixture feeds: formats, fields, repairs, per-item validation and hostile XML.
import { readFileSync } from 'node:fs';
import Parser from 'rss-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/model.js';
import { decodeBody } from '../../src/sources/decode-body.js';
import { looksLikeHtml, parseFeed, type ParseFeedResult } from '../../src/sources/parse-feed.js';
import { cpuTimed } from '../helpers/cpu-time.js';
import { FIXTURE_FEEDS_DIR } from '../helpers/fixture-server.js';

const BULLETIN = new URL('../fixtures/bulletins/bulletin-2024-10-09.txt', import.meta.url);

function fixture(name: string): string {
  return decodeBody(readFileSync(FIXTURE_FEEDS_DIR + name));
}

async function parseOk(name: string, feedUrl = `https://feeds.example.org/rss/${name}`): Promise<Extract<ParseFeedResult, { ok: true }>> {
  const r = await parseFeed(fixture(name), feedUrl);
  if (!r.ok) throw new Error(`${name}: ${r.code}: ${r.message}`);
  return r;
}

function text(html: string | undefined): string {
  return (html ?? '').replace(/<[^>]*>/g, '');
}

/** Titles and bodies of the seed bulletin, by agency (the bulletin parser is a teammate's; this is enough here). */
function bulletinItems(agency: string): { title: string; body: string }[] {
  const blocks = readFileSync(BULLETIN, 'utf8').split(/\n\s*\n/);
  const out: { title: string; body: string }[] = [];
  blocks.forEach((block, i) => {
    if (block.trim() === `Source: ${agency}`) out.push({ title: blocks[i - 1]?.trim() ?? '', body: blocks[i + 1]?.trim() ?? '' });
  });
  return out;
}

describe('agency feeds', () => {
  it('NATO: RSS 2.0 with the bulletin releases, NATO dates kept raw, no guid', async () => {
    const r = await parseOk('nato.rss', 'https://www.nato.int/cps/rss/en/natohq/rssFeed.xsl/rssFeed.xml');
    expect(r.title).toBe('NATO - News');
    expect(r.link).toBe('https://www.nato.int/cps/en/natohq/news.htm');
    expect(r.items).toHaveLength(7);
    expect(r.warnings).toEqual([]);
    const titles = r.items.map((i) => i.title);
    const inBulletin = bulletinItems('NATO');
    expect(inBulletin).toHaveLength(5);
    // Agencies retitle between channels: all but one bulletin title appear verbatim.
    expect(inBulletin.filter((b) => titles.includes(b.title))).toHaveLength(4);
    expect(titles).toContain('Director General of the NATO International Military Staff visits Azerbaijan');
    for (const item of r.items) {
      expect(item.link).toMatch(/^https:\/\/www\.nato\.int\/cps\/en\/natohq\/news_229\d{3}\.htm$/);
      expect(item.published).toMatch(/^\d\d Oct\. 2024 \d\d:\d\d:00 GMT$/);
      expect(item.guid).toBeUndefined();
    }
    expect(r.items[1]).toMatchObject({ title: 'NATO Acting Deputy Secretary General to visit Finland', published: '09 Oct. 2024 11:30:00 GMT' });
  });

  it('Europol: full bodies in content:encoded that start with the bulletin teasers', async () => {
    const r = await parseOk('europol.rss', 'https://www.europol.europa.eu/cms/api/rss/news');
    expect(r.items).toHaveLength(5);
    const teasers = bulletinItems('Europol');
    expect(teasers).toHaveLength(4);
    for (const t of teasers) {
      const item = r.items.find((i) => i.title === t.title);
      expect(item, t.title).toBeDefined();
      // The bulletin joined paragraphs without a space and cut the text with an ellipsis.
      expect(text(item?.contentHtml).startsWith(t.body.replace(/(…|\.\.\.)$/, ''))).toBe(true);
      expect(item?.link).toMatch(/^https:\/\/www\.europol\.europa\.eu\/media-press\/newsroom\/news\//);
      expect(item?.author).toBe('Europol');
    }
    expect(r.items[0]).toMatchObject({
      guid: '4521 at https://www.europol.europa.eu',
      published: 'Tue, 08 Oct 2024 11:00:00 +0200',
      categories: ['Drug trafficking', 'Synthetic drugs'],
    });
    expect(r.items[0]?.summaryHtml).toMatch(/^Europol worked closely/);
  });

  it('Eurojust: relative links resolved against the xml:base of <rss>', async () => {
    const r = await parseOk('eurojust.rss', 'https://www.eurojust.europa.eu/rss/press-releases.xml');
    expect(r.items).toHaveLength(3);
    const [release] = bulletinItems('Eurojust');
    expect(r.items[0]?.title).toBe(release?.title);
    expect(r.items[0]?.link).toBe(
      'https://www.eurojust.europa.eu/news/four-arrests-and-nine-companies-seized-anti-mafia-operation-italy-and-brazil',
    );
    expect(text(r.items[0]?.summaryHtml).startsWith(release?.body ?? '-')).toBe(true);
    expect(r.items[0]?.summaryHtml).toContain('<li>Brazil: Federal Prosecutor’s Office of Rio Grande do Norte</li>');
  });
});

describe('formats', () => {
  it('RSS 1.0 (RDF): rdf:about as guid, dc:date, dc:creator, dc:subject, content:encoded', async () => {
    const r = await parseOk('rss1-rdf.rdf');
    expect(r.title).toBe('Agency news (RSS 1.0)');
    expect(r.items).toEqual<FeedItem[]>([
      {
        kind: 'feed',
        guid: 'https://agency.example.eu/news/rdf-1',
        link: 'https://agency.example.eu/news/rdf-1',
        title: 'Operation against online fraud networks',
        published: '2024-10-09T10:00:00+02:00',
        contentHtml: '<p>Full text of the <em>operation</em>.</p>',
        summaryHtml: 'Short description of the operation.',
        author: 'Press Office',
        categories: ['Fraud', 'Cybercrime'],
      },
      {
        kind: 'feed',
        guid: 'https://agency.example.eu/news/rdf-2',
        link: 'https://agency.example.eu/news/rdf-2',
        title: 'Annual report published',
        published: '2024-10-07',
        categories: [],
      },
    ]);
  });

  it('RSS 0.91 with the Netscape DOCTYPE and HTML entities', async () => {
    const r = await parseOk('rss091.rss');
    expect(r.items[0]).toMatchObject({
      title: 'Ministers meet in Brussels — joint statement', // &nbsp; in a title becomes a plain space
      summaryHtml: 'Ministers issued a joint statement – full text online.',
    });
    expect(r.warnings.map((w) => w.message)).toContain('DOCTYPE without entity declarations removed');
  });

  it('writes raw (unescaped) HTML elements in a description back as markup', async () => {
    const xml =
      '<rss version="2.0"><channel><item><title>t</title>' +
      '<description><p class="a">Hello <b>bold</b></p><img src="/x.png"/></description></item></channel></rss>';
    const r = await parseFeed(xml, 'https://ex.org/');
    expect(r.ok && r.items[0]?.summaryHtml).toBe('<p class="a">Hello <b>bold</b></p><img src="/x.png">');
  });

  it('an empty channel or feed is a feed with no items', async () => {
    for (const xml of ['<rss version="2.0"><channel/></rss>', '<feed xmlns="http://www.w3.org/2005/Atom"/>']) {
      expect(await parseFeed(xml, 'https://ex.org/')).toEqual({ ok: true, items: [], warnings: [] });
    }
  });

  it('RSS without a version attribute is read as RSS 2.0', async () => {
    const r = await parseFeed('<rss><channel><item><title>x</title><link>/a</link></item></channel></rss>', 'https://ex.org/f.xml');
    expect(r).toMatchObject({ ok: true, items: [{ title: 'x', link: 'https://ex.org/a' }] });
  });

  describe('Atom with xhtml, html and text constructs and xml:base', () => {
    let r: Extract<ParseFeedResult, { ok: true }>;
    let xhtml: FeedItem | undefined, html: FeedItem | undefined, plain: FeedItem | undefined, script: FeedItem | undefined;
    beforeAll(async () => {
      r = await parseOk('atom-xhtml.atom', 'https://agency.example.eu/feeds/press.atom');
      [xhtml, html, plain, script] = r.items;
    });

    it('flattens an xhtml feed title and resolves the feed link against the feed xml:base', () => {
      expect(r.title).toBe('Agency press releases');
      expect(r.link).toBe('https://agency.example.eu/press/');
    });

    it('resolves an entry link against entry xml:base inside feed xml:base, picking rel=alternate', () => {
      expect(xhtml?.link).toBe('https://agency.example.eu/press/2024/joint-action-day.html');
      expect(html?.link).toBe('https://agency.example.eu/news/record-seizure');
      expect(plain?.link).toBe('https://other.example.org/absolute');
    });

    it('flattens xhtml and html titles to text, keeps text titles as they are', () => {
      expect(xhtml?.title).toBe('Joint action day against cyber fraud');
      expect(html?.title).toBe('Record seizure of counterfeit medicines & doping');
      expect(plain?.title).toBe('Plain text title with a <tag> in it');
    });

    it('keeps xhtml content as HTML without the wrapping div, in document order, links resolved against xml:base', () => {
      // ../contacts.html inside <entry xml:base="2024/"> inside <feed xml:base="https://agency.example.eu/press/">.
      expect(xhtml?.contentHtml).toBe(
        '<p>Investigators from <strong>12 countries</strong> took part in the action day.</p>' +
          '<p>See <a href="https://agency.example.eu/press/contacts.html">press contacts</a> &amp; more.</p>',
      );
    });

    it('keeps html content as is and HTML-escapes text content and summaries', () => {
      expect(html?.contentHtml).toBe('<p>Customs authorities seized <b>3 tonnes</b> of counterfeit medicines.</p>');
      expect(plain?.contentHtml).toBe('Line one &lt; line two &amp; &quot;quoted&quot;');
      expect(xhtml?.summaryHtml).toBe('Investigators from 12 countries &amp; two agencies: 5 arrests &lt;so far&gt;.');
    });

    it('keeps ids, raw dates, every author and category labels (term when no label)', () => {
      expect(xhtml).toMatchObject({
        guid: 'tag:agency.example.eu,2024:press/101',
        published: '2024-10-09T10:00:00+02:00',
        updated: '2024-10-09T11:30:00+02:00',
        author: 'Press Office, Cybercrime Centre',
        categories: ['Cybercrime', 'fraud'],
      });
      expect(plain?.published).toBeUndefined();
      expect(plain?.updated).toBe('2024-10-07T08:00:00Z');
    });

    it('drops a javascript: link with a warning but keeps the entry', () => {
      expect(script?.link).toBeUndefined();
      expect(script?.title).toBe('Entry whose only link is a script');
      expect(r.warnings).toContainEqual({ line: 37, message: 'item #4: link "javascript:alert(1)" dropped: cannot be made absolute' });
    });
  });

  it('applies a relative xml:base once, against the feed URL', async () => {
    const xml =
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="press/"><title>t</title>' +
      '<entry xml:base="2024/"><title>e</title><link href="a.html"/></entry></feed>';
    const r = await parseFeed(xml, 'https://agency.example.eu/feeds/atom.xml');
    expect(r).toMatchObject({ ok: true, items: [{ link: 'https://agency.example.eu/feeds/press/2024/a.html' }] });
  });

  it('an unparsable Atom <published> costs nothing: the date is kept raw, the feed parses', async () => {
    // rss-parser alone rejects this whole feed ("Invalid time value").
    await expect(new Parser().parseString(fixture('atom-bad-date.atom'))).rejects.toThrow(/Invalid time value/);
    const r = await parseOk('atom-bad-date.atom');
    expect(r.items.map((i) => [i.title, i.published, i.updated])).toEqual([
      ['Entry with a good date', '2024-10-09T10:00:00Z', '2024-10-09T10:00:00Z'],
      ['Entry with an unparsable date', 'next Tuesday, after lunch', 'not a date either'],
      ['Entry whose link has no href', '2024-10-07', undefined],
    ]);
    expect(r.items[2]?.link).toBe('https://agency.example.eu/news/3');
  });
});

describe('missing and repeated fields', () => {
  it('keeps items missing guid, link or date; drops only items with nothing to show, naming them', async () => {
    const r = await parseOk('missing-fields.rss', 'https://agency.example.eu/rss/news.xml');
    expect(r.items).toEqual<FeedItem[]>([
      { kind: 'feed', link: 'https://agency.example.eu/news/no-guid', title: 'No guid, no date', categories: [] },
      { kind: 'feed', guid: 'agency-2024-0042', title: 'No link: only a guid', published: 'Wed, 09 Oct 2024 08:00:00 +0200', categories: [] },
      {
        kind: 'feed',
        link: 'https://agency.example.eu/news/relative-only', // relative link resolved against the feed URL
        summaryHtml: '<p>No title, only a description and a relative link.</p>',
        categories: [],
      },
      { kind: 'feed', title: 'Link that is not a URL', categories: [] },
    ]);
    expect(r.warnings).toEqual([
      { line: 20, message: 'item #4: dropped: no title, link or content' },
      { line: 24, message: 'item #5: dropped: no title, link or content' },
      { line: 29, message: 'item #6: link "http://[not a host" dropped: cannot be made absolute' },
    ]);
  });

  it('drops empty or text-only entries without losing the feed', async () => {
    const r = await parseFeed('<feed><entry/><entry>text</entry><entry><title>kept</title></entry></feed>', 'https://ex.org/');
    expect(r).toEqual({
      ok: true,
      items: [{ kind: 'feed', title: 'kept', categories: [] }],
      warnings: [
        { line: 1, message: 'item #1: dropped: no title, link or content' },
        { line: 1, message: 'item #2: dropped: no title, link or content' },
      ],
    });
  });

  it('drops a relative link when there is no usable base', async () => {
    const r = await parseFeed('<rss version="2.0"><channel><item><title>t</title><link>/a</link></item></channel></rss>', 'not a url');
    expect(r).toMatchObject({ ok: true, items: [{ title: 't' }] });
    expect(r.ok && r.items[0]?.link).toBeUndefined();
    expect(r.ok && r.warnings[0]?.message).toBe('item #1: link "/a" dropped: cannot be made absolute');
  });

  it('keeps both items of a duplicated guid and says so (identity decides later)', async () => {
    const r = await parseOk('duplicate-guids.rss');
    expect(r.items.map((i) => [i.guid, i.link])).toEqual([
      ['press-release', 'https://agency.example.eu/news/first'],
      ['press-release', 'https://agency.example.eu/news/second'],
      ['https://agency.example.eu/news/third', 'https://agency.example.eu/news/third'],
    ]);
    expect(r.warnings).toEqual([{ line: 13, message: 'item #2: guid "press-release" repeats item #1; both kept' }]);
  });

  it.each([
    { title: 'Zone abbreviation', published: 'Mon, 7 Oct 2024 14:00:00 CEST' },
    { title: 'NATO style', published: '09 Oct. 2024 11:30:00 GMT' },
    { title: 'Date only', published: '2024-10-07' },
    { title: 'Dublin Core date only', published: '2024-10-06T09:00:00+02:00' },
    { title: 'Garbage date', published: 'sometime last week' },
  ])('keeps the odd date "$published" raw for normalise', async ({ title, published }) => {
    const r = await parseOk('odd-dates.rss');
    expect(r.items.find((i) => i.title === title)?.published).toBe(published);
  });
});

describe('repairs before parsing', () => {
  it('escapes bare & and converts HTML entities instead of rejecting the feed', async () => {
    // rss-parser alone rejects the whole feed on the first bare '&'.
    await expect(new Parser().parseString(fixture('bare-ampersand.rss'))).rejects.toThrow();
    const r = await parseOk('bare-ampersand.rss');
    expect(r.title).toBe('Europol & Eurojust joint news');
    expect(r.link).toBe('https://agency.example.eu/news?lang=en&section=press');
    expect(r.items[0]?.title).toBe('AT&T and R&D: Europol & partners meet');
    expect(r.items[0]?.link).toBe('https://agency.example.eu/news/item?id=7&lang=en');
    expect(r.items[0]?.summaryHtml).toBe(
      'Ministers\u00a0met — “a step forward” – said the Director’s office … €5\u00a0million, © ® ™ café & é ’ &unknownentity;',
    );
    expect(r.items[1]?.summaryHtml).toBe('<p>Q&A: &nbsp; stays as written</p>'); // CDATA untouched
    expect(r.warnings).toEqual([
      { line: 4, message: "bare '&' escaped (6)" },
      { line: 10, message: 'HTML named entities made numeric (13)' },
      { line: 10, message: 'unknown entities kept as text (1): &unknownentity;' },
    ]);
  });

  it('removes control characters, raw or as character references, CDATA included', async () => {
    const raw = fixture('control-char.rss');
    expect(raw).toMatch(/[\u0001\u000b\u000c]/);
    const r = await parseOk('control-char.rss');
    expect(r.items.map((i) => i.title)).toEqual(['Verticaltab and start-of-heading', 'Character reference to a control: done']);
    expect(r.items[0]?.summaryHtml).toBe('<p>Formfeed inside CDATA</p>');
    expect(JSON.stringify(r)).not.toMatch(/\\u000[0-8bc]|\\u001/);
    expect(r.warnings).toEqual([{ line: 8, message: 'characters not allowed in XML removed (5)' }]);
  });

  it('decodes ISO-8859-1 declared only in the XML declaration (0xE9 é, 0x92 ’)', async () => {
    const bytes = readFileSync(FIXTURE_FEEDS_DIR + 'latin1-decl.rss');
    expect(bytes.includes(0xe9) && bytes.includes(0x92)).toBe(true);
    const r = await parseOk('latin1-decl.rss');
    expect(r.title).toBe('Actualités de l’agence');
    expect(r.items[0]?.title).toBe('Opération conjointe : l’agence soutient la Gendarmerie');
    expect(r.items[0]?.summaryHtml).toBe('Coopération policière “renforcée” – coût 5 €');
  });

  it('reads UTF-8 with a BOM, whether or not the BOM was already stripped', async () => {
    const bytes = readFileSync(FIXTURE_FEEDS_DIR + 'utf8-bom.rss');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const withBom = await parseFeed(bytes.toString('utf8'), 'https://ex.org/');
    const decoded = await parseFeed(decodeBody(bytes), 'https://ex.org/');
    for (const r of [withBom, decoded]) expect(r).toMatchObject({ ok: true, items: [{ title: 'Coopération policière – “BOM” test' }] });
  });
});

describe('hostile and broken documents', () => {
  it('never expands a billion-laughs entity bomb, and returns at once with bounded memory', async () => {
    const xml = fixture('entity-bomb.rss');
    const heapBefore = process.memoryUsage().heapUsed;
    const { value: r, cpuMs } = await cpuTimed(() => parseFeed(xml, 'https://ex.org/'));
    expect(r).toMatchObject({ ok: false, code: 'malformed' });
    expect(!r.ok && r.message).toMatch(/DOCTYPE declares entities \(lol\)/);
    expect(cpuMs).toBeLessThan(5_000); // an expanding bomb never returns; a refused one returns at once (CPU time: load stretches wall time)
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(20 * 1024 * 1024);
    expect(JSON.stringify(r)).not.toContain('lollol');
  });

  it('never reads an external entity (file:///etc/passwd)', async () => {
    const r = await parseFeed(fixture('xxe.rss'), 'https://ex.org/');
    expect(r).toMatchObject({ ok: false, code: 'malformed' });
    expect(!r.ok && r.message).toMatch(/DOCTYPE declares entities \(xxe\)/);
    expect(JSON.stringify(r)).not.toMatch(/root:|\/bin\/(ba)?sh/);
  });

  it('ignores an external DTD reference (nothing fetched or read) and parses the feed', async () => {
    const xml =
      '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "file:///etc/passwd">\n' +
      '<rss version="2.0"><channel><item><title>t</title><link>https://ex.org/a</link></item></channel></rss>';
    const r = await parseFeed(xml, 'https://ex.org/');
    expect(r).toMatchObject({ ok: true, items: [{ title: 't' }] });
    expect(JSON.stringify(r)).not.toMatch(/root:/);
  });

  it('defence in depth: sax under rss-parser does not expand the bomb or read the file either', async () => {
    const { cpuMs } = await cpuTimed(async () => {
      await expect(new Parser().parseString(fixture('entity-bomb.rss'))).rejects.toThrow(/Invalid character entity/);
      await expect(new Parser().parseString(fixture('xxe.rss'))).rejects.toThrow(/Invalid character entity/);
    });
    expect(cpuMs).toBeLessThan(5_000);
  });

  it('leaves a `<!DOCTYPE html>` inside CDATA content alone', async () => {
    const xml =
      '<rss version="2.0"><channel><item><title>t</title><link>https://ex.org/a</link>' +
      '<description><![CDATA[<!DOCTYPE html><p>x</p>]]></description></item></channel></rss>';
    const r = await parseFeed(xml, 'https://ex.org/');
    expect(r).toMatchObject({ ok: true, items: [{ summaryHtml: '<!DOCTYPE html><p>x</p>' }] });
  });

  it('reports malformed XML with the parser message', async () => {
    const r = await parseFeed(fixture('malformed.xml'), 'https://ex.org/');
    expect(r).toEqual({ ok: false, code: 'malformed', message: 'malformed XML: Unexpected close tag, Line: 5, Column: 33, Char: >' });
  });

  it.each([
    { name: 'empty', xml: '', code: 'malformed' },
    { name: 'whitespace', xml: '  \n ', code: 'malformed' },
    { name: 'plain text', xml: 'Service temporarily unavailable', code: 'malformed' },
    { name: 'JSON', xml: '{"items": []}', code: 'malformed' },
    { name: '<rss> without a channel', xml: '<rss version="2.0"/>', code: 'malformed' },
  ])('rejects $name as $code', async ({ xml, code }) => {
    expect(await parseFeed(xml, 'https://ex.org/')).toMatchObject({ ok: false, code });
  });

  it('recognises an HTML page served as a feed', async () => {
    expect(await parseFeed(fixture('html-page.html'), 'https://ex.org/')).toEqual({
      ok: false,
      code: 'not-a-feed',
      message: 'not a feed: an HTML page',
    });
  });

  it('recognises XML that is not a feed', async () => {
    expect(await parseFeed(fixture('sitemap.xml'), 'https://ex.org/')).toEqual({
      ok: false,
      code: 'not-a-feed',
      message: 'not a feed: XML whose root is <urlset>, not RSS or Atom',
    });
  });

  it.each([
    { input: '<!DOCTYPE html><html><body></body></html>', expected: true },
    { input: '\n  <html lang="en"><head>', expected: true },
    { input: '<?xml version="1.0"?><rss version="2.0"><channel><description><![CDATA[<html>]]>', expected: false },
    { input: '<feed xmlns="http://www.w3.org/2005/Atom"><content type="html">&lt;html&gt;</content>', expected: false },
    { input: '<rdf:RDF><item><description>see <html> tag</description>', expected: false },
  ])('looksLikeHtml($input) is $expected', ({ input, expected }) => {
    expect(looksLikeHtml(input)).toBe(expected);
  });
});

describe('size', () => {
  it('parses a 2,000-item feed quickly', async () => {
    const item = (i: number): string =>
      `<item><title>Item ${i} &amp; more</title><link>https://ex.org/${i}</link><guid>g${i}</guid>` +
      `<pubDate>Wed, 09 Oct 2024 10:00:00 +0200</pubDate><description><![CDATA[<p>${'text '.repeat(150)}</p>]]></description></item>\n`;
    const xml = `<rss version="2.0"><channel><title>big</title>\n${Array.from({ length: 2000 }, (_, i) => item(i)).join('')}</channel></rss>`;
    const { value: r, cpuMs } = await cpuTimed(() => parseFeed(xml, 'https://ex.org/'));
    expect(r.ok && r.items).toHaveLength(2000);
    expect(cpuMs).toBeLessThan(20_000); // a hang guard, in CPU time (load stretches wall time); speed is the bench's job
  });
});
