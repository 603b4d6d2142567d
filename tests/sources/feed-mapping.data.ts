// What parseFeed must read from each real-shaped fixture of issue 16 (one row per item): fixture, the item's
// title (or index), and the fields it must carry. A field set to `undefined` must be absent.
import type { FeedItem } from '../../src/model.js';

export interface MappingRow {
  description: string;
  fixture: string;
  /** The item: its position in the feed's items (after dropped ones). */
  index: number;
  expected: Partial<FeedItem>;
}

const coast = 'https://coastguard.example.eu/newsroom';
const media = 'https://media.agency.example.eu';

export const MAPPING_ROWS: MappingRow[] = [
  // Raw XHTML elements inside an RSS <description>: written back in document order.
  {
    description: 'raw XHTML description keeps text and elements in order ("submitted by X to Y")',
    fixture: 'raw-xhtml-description.rss',
    index: 0,
    expected: {
      summaryHtml:
        `<table><tr><td><a href="${coast}/joint-patrol-ionian"><img src="https://coastguard.example.eu/media/patrol.jpg" alt="Patrol vessel"></a></td>` +
        `<td> submitted by <a href="https://coastguard.example.eu/people/press-office"> Press Office </a> to <a href="${coast}/operations"> operations </a>` +
        `<br><span><a href="${coast}/joint-patrol-ionian">[link]</a></span></td></tr></table>`,
    },
  },
  {
    description: 'raw XHTML paragraphs, inline markup and a list, in order',
    fixture: 'raw-xhtml-description.rss',
    index: 1,
    expected: {
      summaryHtml:
        '<p>In 2023 the agency coordinated <strong>1,204</strong> search and rescue cases, <em>up 8 %</em> on 2022.</p>' +
        '<p>The full report is <a href="/documents/sar-2023.pdf">available as a PDF</a>; figures by region follow.</p>' +
        '<ul><li>Central Mediterranean: 612</li><li>Aegean: 388</li></ul>',
    },
  },
  {
    description: 'prefixed xhtml: elements lose their prefix',
    fixture: 'raw-xhtml-description.rss',
    index: 2,
    expected: { summaryHtml: '<p>Officers from <b>nine</b> member states trained in Piraeus, with <a href="https://coastguard.example.eu/academy">the academy</a> hosting.</p>' },
  },
  // xml:base at document, entry and element level (RFC 3986 resolution), for links and URLs in content.
  {
    description: 'xhtml content: feed, entry, content and inner div xml:base all apply',
    fixture: 'nested-base.atom',
    index: 0,
    expected: {
      link: 'https://agency.example.eu/press/2024/counterfeit-goods.html',
      contentHtml:
        '<p>Read <a href="https://agency.example.eu/press/2024/media/factsheet.pdf">the factsheet</a> or <a href="https://agency.example.eu/contacts/">contact us</a>.</p>' +
        '<div><img src="https://cdn.example.net/img/seizure.jpg" alt="Seized goods"></div>' +
        '<p>Back to <a href="https://agency.example.eu/press/2024/">the 2024 releases</a>.</p>',
      contentBase: 'https://agency.example.eu/press/2024/media/',
    },
  },
  {
    description: 'escaped HTML content: its xml:base is handed on for the sanitiser',
    fixture: 'nested-base.atom',
    index: 1,
    expected: { link: 'https://other.example.org/section/item-202.html', contentBase: 'https://other.example.org/section/deep/' },
  },
  {
    description: 'RSS: xml:base on <rss>, <channel>, <item> and <description>',
    fixture: 'nested-base.rss',
    index: 0,
    expected: {
      link: 'https://ministry.example.gov/press/2024/10/forensic-laboratory.html',
      contentBase: 'https://ministry.example.gov/press/2024/10/',
      summaryBase: 'https://static.example.gov/releases/',
    },
  },
  // Text only in description-like elements.
  {
    description: 'media:description inside media:group, plain text made HTML',
    fixture: 'media-only.rss',
    index: 0,
    expected: { summaryHtml: '<p>Footage of the action day in the Netherlands &amp; Belgium.</p><p>Investigators dismantled 3 laboratories.</p>', contentHtml: undefined },
  },
  {
    description: 'an empty <description> falls back to itunes:summary (before itunes:subtitle)',
    fixture: 'media-only.rss',
    index: 1,
    expected: { summaryHtml: 'Our analysts discuss the ransomware trends of 2024 <b>and</b> what comes next.' },
  },
  { description: 'dc:description', fixture: 'media-only.rss', index: 2, expected: { summaryHtml: 'Photos of the new headquarters are free to use with credit.' } },
  {
    description: 'an XHTML <body> is the full content',
    fixture: 'media-only.rss',
    index: 3,
    expected: { contentHtml: '<p>The Executive Director said: <q>we will continue</q>.</p><p>More follows.</p>', link: `${media}/statements/7` },
  },
  { description: 'media:description type="html" inside media:content', fixture: 'media-only.rss', index: 4, expected: { summaryHtml: '<p>Seizures rose in <b>Q3</b>.</p>' } },
  { description: 'itunes:subtitle, last', fixture: 'media-only.rss', index: 5, expected: { summaryHtml: 'A two-minute note on the new strategy' } },
  {
    description: 'Atom entry whose only text is media:group/media:description (video channels)',
    fixture: 'media-only.atom',
    index: 0,
    expected: { summaryHtml: 'How 90 countries took on illicit online pharmacies.<br>Seizures worth 65 million euro.', guid: 'yt:video:abc123' },
  },
  // Character references in text fields, escaped twice upstream.
  {
    description: 'double-escaped numeric reference and &amp;amp; in a title, author and category',
    fixture: 'entity-heavy.rss',
    index: 0,
    expected: { title: 'Fines of $3449 for R&D fraud', author: 'Press & Media Office', categories: ['Fraud & tax evasion'] },
  },
  { description: 'double-escaped named references', fixture: 'entity-heavy.rss', index: 1, expected: { title: 'Café owners – and the agency’s "Operation Bean"' } },
  { description: 'references decoded once by XML', fixture: 'entity-heavy.rss', index: 2, expected: { title: '“Operation Moon” – 12 arrests & 3 seizures' } },
  { description: 'references inside CDATA', fixture: 'entity-heavy.rss', index: 3, expected: { title: 'Ministers\' meeting & press conference …' } },
  { description: 'a literal & and < stay as they are', fixture: 'entity-heavy.rss', index: 4, expected: { title: 'AT&T and 5 < 6: literal characters stay' } },
  // guid as the link.
  { description: 'permalink guid (isPermaLink absent) is the link', fixture: 'guid-only.rss', index: 0, expected: { link: 'https://police.example.eu/news/101', guid: 'https://police.example.eu/news/101' } },
  { description: 'permalink guid (isPermaLink="true") is the link', fixture: 'guid-only.rss', index: 1, expected: { link: 'https://police.example.eu/news/102' } },
  { description: 'isPermaLink="false": no link', fixture: 'guid-only.rss', index: 2, expected: { link: undefined, guid: 'https://police.example.eu/news/103' } },
  { description: 'a urn guid is no link', fixture: 'guid-only.rss', index: 3, expected: { link: undefined } },
  { description: 'a bare id guid is no link', fixture: 'guid-only.rss', index: 4, expected: { link: undefined, guid: 'police-2024-104' } },
  { description: 'a <link> wins over the guid', fixture: 'guid-only.rss', index: 5, expected: { link: 'https://police.example.eu/news/106.html' } },
  // Titles are plain text from the start.
  { description: 'Atom type="html" title: markup gone, references decoded', fixture: 'html-titles.atom', index: 0, expected: { title: 'Europol & partners dismantle network' } },
  { description: 'Atom type="html" title in CDATA', fixture: 'html-titles.atom', index: 1, expected: { title: 'Operation Pangea & the medicines market' } },
  { description: 'Atom type="html" title with hostile markup', fixture: 'html-titles.atom', index: 2, expected: { title: 'Warning about phishing' } },
  { description: 'Atom type="text" title keeps < and & as characters', fixture: 'html-titles.atom', index: 3, expected: { title: '5 < 6 & the <b> tag, as text' } },
  { description: 'RSS title with escaped markup', fixture: 'html-titles.rss', index: 0, expected: { title: 'Bold escaped markup in a title' } },
  { description: 'RSS title with markup in CDATA', fixture: 'html-titles.rss', index: 1, expected: { title: 'Italic markup in CDATA' } },
  // Atom 0.3.
  {
    description: 'Atom 0.3: escaped text/html title and content, issued/modified, dc:subject, language',
    fixture: 'atom03.atom',
    index: 0,
    expected: {
      title: 'Opération conjointe & saisies',
      link: 'https://agence.example.fr/actualites/1',
      guid: 'tag:agence.example.fr,2024:1',
      published: '2024-10-09T08:00:00+02:00',
      updated: '2024-10-09T09:00:00Z',
      contentHtml: '<p>Texte <b>complet</b> du communiqué.</p>',
      summaryHtml: 'Résumé court &amp; clair.',
      categories: ['Douanes'],
      language: 'fr',
    },
  },
  { description: 'Atom 0.3: inline application/xhtml+xml content', fixture: 'atom03.atom', index: 1, expected: { title: 'Titre en texte simple', contentHtml: '<p>Contenu <b>XHTML</b> en ligne.</p>' } },
  { description: 'Atom 0.3: base64 content', fixture: 'atom03.atom', index: 2, expected: { contentHtml: '<p>Texte en <b>base64</b>.</p>', published: undefined, updated: '2024-10-07T08:00:00Z' } },
  // Languages.
  { description: 'RSS <language>, case normalised', fixture: 'lang-fr.rss', index: 0, expected: { language: 'fr-BE' } },
  { description: 'an item dc:language (POSIX underscore) beats the channel', fixture: 'lang-fr.rss', index: 1, expected: { language: 'nl-BE' } },
  { description: 'a channel dc:language', fixture: 'lang-dc.rss', index: 0, expected: { language: 'de-DE' } },
  { description: 'Atom feed xml:lang', fixture: 'lang.atom', index: 0, expected: { language: 'en-GB' } },
  { description: 'Atom entry xml:lang', fixture: 'lang.atom', index: 1, expected: { language: 'fr' } },
  { description: 'Atom content xml:lang', fixture: 'lang.atom', index: 2, expected: { language: 'de' } },
  { description: 'xml:lang="" means no language', fixture: 'lang.atom', index: 3, expected: { language: undefined } },
  { description: 'bulletin-era feeds without a declaration have none', fixture: 'guid-only.rss', index: 0, expected: { language: undefined } },
];
