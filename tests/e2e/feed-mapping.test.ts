// Issue 16 end to end: agencies' feeds nobody here wrote (a windows-1252 feed with no charset, raw XHTML
// descriptions, nested xml:base, media-only items, twice-escaped titles, guid-only items, HTML titles, Atom 0.3,
// language-declaring feeds) fetched from a loopback server by the real daemon, and its published feeds checked.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedparserMany, xmllintMany } from '../helpers/feed-tools.js';
import { makeWorkspace, ROOT, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const ATOM_RNG = path.join(ROOT, 'tests/fixtures/atom.rng');

/** Agency id → its one feed (a fixture file). */
const FEEDS: Record<string, string> = {
  pj: 'legacy-no-charset.rss',
  coastguard: 'raw-xhtml-description.rss',
  bases: 'nested-base.atom',
  ministry: 'nested-base.rss',
  media: 'media-only.rss',
  customs: 'entity-heavy.rss',
  police: 'guid-only.rss',
  titles: 'html-titles.atom',
  agence: 'atom03.atom',
  federal: 'lang-fr.rss',
  multi: 'lang.atom',
};

interface JsonItem {
  id: string;
  url: string;
  title: string;
  content_html?: string;
  content_text?: string;
  language?: string;
}
interface JsonDoc {
  language?: string;
  items: JsonItem[];
}
interface Status {
  sources: { key: string; kind: string; agency?: string; errorCode?: string; errorMessage?: string; warnings?: string[]; itemsLastFetch?: number }[];
}

describe('feeds nobody here wrote, through the real fetch path', () => {
  let fx: FixtureServer;
  let daemon: Daemon;
  const docs = new Map<string, string>();
  const json = (agency: string) => JSON.parse(docs.get(`${agency}.json`)!) as JsonDoc;
  const item = (agency: string, title: string | RegExp) => {
    const found = json(agency).items.find((i) => (typeof title === 'string' ? i.title === title : title.test(i.title)));
    if (!found) throw new Error(`${agency}: no item ${String(title)} among ${json(agency).items.map((i) => i.title).join(' | ')}`);
    return found;
  };

  beforeAll(async () => {
    fx = await start();
    const agencies = Object.fromEntries(
      Object.entries(FEEDS).map(([id, file]) => [id, { id, name: id[0]!.toUpperCase() + id.slice(1), timezone: 'UTC', feeds: [{ url: `${fx.url}/${file}` }] }]),
    );
    const ws = makeWorkspace(agencies, []);
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    await waitFor(
      async () => {
        const s = (await (await fetch(`${daemon.url}/status`)).json()) as Status;
        const feeds = s.sources.filter((x) => x.kind === 'feed');
        return feeds.length === Object.keys(FEEDS).length && feeds.every((x) => x.itemsLastFetch !== undefined || x.errorCode);
      },
      60_000,
      'every feed to be fetched once',
    );
    for (const id of [...Object.keys(FEEDS), 'all'])
      for (const fmt of ['rss', 'atom', 'json']) docs.set(`${id}.${fmt}`, await (await fetch(`${daemon.url}/feeds/${id}.${fmt}`)).text());
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    await fx?.close();
  });

  it('fetches every feed without an error', async () => {
    const s = (await (await fetch(`${daemon.url}/status`)).json()) as Status;
    const failing = s.sources.filter((x) => x.kind === 'feed' && x.errorCode).map((x) => `${x.key}: ${x.errorMessage}`);
    expect(failing).toEqual([]);
  });

  it('reads a windows-1252 feed with no declared charset, and says so in /status', async () => {
    const s = (await (await fetch(`${daemon.url}/status`)).json()) as Status;
    const pj = s.sources.find((x) => x.agency === 'pj');
    expect(pj?.warnings).toContain('not valid UTF-8 and no charset declared: read as windows-1252');
    const story = item('pj', /^Operação “Simulações”/);
    expect(story.title).toBe('Operação “Simulações”: 12 detidos em São Paulo e Lisboa');
    expect(story.content_html).toContain('simulações de contratos');
    expect(story.content_html).toContain('3,5 milhões de €');
    expect(docs.get('pj.json')).not.toContain('\uFFFD');
    const html = await (await fetch(`${daemon.url}/status.html`)).text();
    expect(html).toContain('read as windows-1252');
  });

  it('keeps raw XHTML descriptions in document order', () => {
    const story = item('coastguard', 'Joint patrol rescues 41 people in the Ionian Sea');
    const text = (story.content_html ?? '').replace(/<[^>]*>/g, '').replace(/\s+/g, ' ');
    expect(text).toContain('submitted by Press Office to operations');
    expect(item('coastguard', 'Annual search and rescue statistics published').content_html).toMatch(
      /^<p>In 2023 the agency coordinated <strong>1,204<\/strong> search and rescue cases, <em>up 8 %<\/em> on 2022.<\/p><p>The full report is <a href="https:\/\/coastguard.example.eu\/documents\/sar-2023.pdf">/,
    );
  });

  it('resolves links and URLs in content against xml:base at every level', () => {
    const a = item('bases', 'Cross-border operation against counterfeit goods');
    expect(a.url).toBe('https://agency.example.eu/press/2024/counterfeit-goods.html');
    expect(a.content_html).toContain('href="https://agency.example.eu/press/2024/media/factsheet.pdf"');
    expect(a.content_html).toContain('src="https://cdn.example.net/img/seizure.jpg"');
    expect(item('bases', 'Escaped HTML content under an entry base').content_html).toContain('href="https://other.example.org/section/deep/page.html"');
    const m = item('ministry', 'Minister opens new forensic laboratory');
    expect(m.url).toBe('https://ministry.example.gov/press/2024/10/forensic-laboratory.html');
    expect(m.content_html).toContain('href="https://ministry.example.gov/press/labs/"');
  });

  it('publishes the text of items that only have media, podcast, Dublin Core or XHTML-body text', () => {
    expect(item('media', 'Video: dismantling a drug laboratory').content_html).toContain('Investigators dismantled 3 laboratories.');
    expect(item('media', 'Podcast episode 12: cybercrime trends').content_html).toContain('ransomware trends of 2024');
    expect(item('media', 'Photo release: new headquarters').content_html).toContain('free to use with credit');
    expect(item('media', 'Statement in full').content_html).toContain('<q>we will continue</q>');
    expect(json('media').items).toHaveLength(6);
  });

  it('decodes every character reference in titles, and takes a permalink guid as the link', () => {
    expect(json('customs').items.map((i) => i.title)).toEqual(
      expect.arrayContaining(['Fines of $3449 for R&D fraud', 'Café owners – and the agency’s "Operation Bean"', "Ministers' meeting & press conference …"]),
    );
    expect(item('police', 'Permalink guid, isPermaLink absent (the default is true)').url).toBe('https://police.example.eu/news/101');
    // No upstream link: the story's own page on this server.
    expect(item('police', 'URL guid declared not a permalink').url).toMatch(new RegExp(`^${daemon.url}/stories/`));
  });

  it('publishes titles as plain text in every format, escaped for each', () => {
    const plain = ['Europol & partners dismantle network', 'Operation Pangea & the medicines market', 'Warning about phishing', '5 < 6 & the <b> tag, as text'];
    expect(json('titles').items.map((i) => i.title)).toEqual(plain);
    const [rss, atom] = feedparserMany([docs.get('titles.rss')!, docs.get('titles.atom')!]);
    expect(rss?.titles).toEqual(plain);
    expect(atom?.titles).toEqual(plain);
    expect(docs.get('titles.atom')).toContain('<title type="text">5 &lt; 6 &amp; the &lt;b&gt; tag, as text</title>');
    // RSS: character data with hexadecimal references (RSS Best Practices Profile), never CDATA a reader could run.
    expect(docs.get('titles.rss')).toContain('<title>5 &#x3C; 6 &#x26; the &#x3C;b&#x3E; tag, as text</title>');
    expect(docs.get('titles.rss')).not.toMatch(/<title><!\[CDATA\[/);
    for (const fmt of ['rss', 'atom', 'json']) expect(docs.get(`titles.${fmt}`)).not.toMatch(/onerror|<script|&lt;script/);
  });

  it('reads Atom 0.3 titles, links, ids, dates and text', () => {
    const a = item('agence', 'Opération conjointe & saisies');
    expect(a.url).toBe('https://agence.example.fr/actualites/1');
    expect(a.content_html).toBe('<p>Texte <b>complet</b> du communiqué.</p>');
    expect(JSON.parse(docs.get('agence.json')!).items[0]).toMatchObject({ date_published: '2024-10-09T06:00:00.000Z', date_modified: '2024-10-09T09:00:00.000Z' });
    expect(item('agence', 'Contenu en base64').content_html).toBe('<p>Texte en <b>base64</b>.</p>');
  });

  it('publishes the declared language: per item, and per document when the feed has one', () => {
    expect(json('pj').language).toBe('pt-PT');
    expect(item('pj', /^Operação/).language).toBe('pt-PT');
    expect(docs.get('pj.rss')).toContain('<language>pt-PT</language>');
    expect(docs.get('pj.atom')).toMatch(/<feed [^>]*xml:lang="pt-PT"/);
    // Several languages: each entry says its own, the document claims none.
    const multi = json('multi');
    expect(multi.language).toBeUndefined();
    expect(Object.fromEntries(multi.items.map((i) => [i.title, i.language]))).toEqual({
      'English release': 'en-GB',
      'Communiqué en français': 'fr',
      Mitteilung: 'de',
      'No language': undefined,
    });
    expect(docs.get('multi.rss')).not.toContain('<language>');
    expect(docs.get('multi.atom')).not.toMatch(/<feed [^>]*xml:lang=/);
    expect(docs.get('multi.atom')).toMatch(/<entry xml:lang="fr">\s*<id>[^<]*<\/id>\s*<title type="text">Communiqué en français<\/title>/);
    expect(item('federal', 'Oprollen van een drugsnetwerk').language).toBe('nl-BE');
  });

  it('every document is well-formed, valid Atom where Atom, and read by feedparser without complaint', () => {
    const xml = [...docs].filter(([k]) => !k.endsWith('.json'));
    const errors = xmllintMany(xml.map(([, body]) => body));
    expect(Object.fromEntries(xml.map(([k], i) => [k, errors[i]]).filter(([, e]) => e))).toEqual({});
    const atom = xml.filter(([k]) => k.endsWith('.atom'));
    const rng = xmllintMany(atom.map(([, body]) => body), ATOM_RNG);
    expect(Object.fromEntries(atom.map(([k], i) => [k, rng[i]]).filter(([, e]) => e))).toEqual({});
    const infos = feedparserMany(xml.map(([, body]) => body));
    expect(xml.filter((_, i) => infos[i]?.bozo).map(([k], i) => `${k}: ${infos[i]?.bozoException}`)).toEqual([]);
  });
});
