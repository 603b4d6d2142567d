// Issue 16/19 gaps end to end, with the compiled daemon: a story page served in windows-1252 with no charset
// anywhere has its guess shown on /status and /status.html (its agency, host and the encoding used, never the
// page URL's credentials); a French feed's stories are marked `lang="fr"` on their story pages and in the lists.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { start, type FixtureServer } from '../helpers/fixture-server.js';

const P1 =
  'Les gendarmes de la région Provence-Alpes-Côte d’Azur, appuyés par Europol, ont démantelé un réseau de fraude aux prestations sociales. Quatorze personnes ont été interpellées lors d’opérations coordonnées le 15 octobre à Marseille et à Nice.';
const P2 =
  'Le préjudice est estimé à 3,2 millions d’euros. Les enquêteurs ont saisi des véhicules, des comptes bancaires et l’équivalent de 400 000 € en espèces.';
const P3 = 'L’enquête, ouverte en février, a été conduite sous la direction du parquet de Marseille avec le soutien d’Eurojust.';
// No charset in the HTTP header (served as bare text/html), no <meta charset>: the bytes are windows-1252.
const PAGE = `<!DOCTYPE html>
<html lang="fr"><head><title>Gendarmerie – Opération « Résidence »</title></head>
<body><nav><a href="/">Accueil</a> | <a href="/presse">Presse</a></nav>
<article><h1>Opération « Résidence » : quatorze interpellations</h1>
<p>${P1}</p><p>${P2}</p><p>${P3}</p></article>
<footer>Mentions légales</footer></body></html>`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const item = (title: string, link: string, html: string, guid: string) =>
  `<item><title>${esc(title)}</title><link>${esc(link)}</link><description>${esc(html)}</description><pubDate>${new Date().toUTCString()}</pubDate><guid isPermaLink="false">${guid}</guid></item>`;
const rss = (language: string | undefined, items: string[]) =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><link>https://example.org/</link><description>d</description>${
    language ? `<language>${language}</language>` : ''
  }${items.join('')}</channel></rss>`;

interface Status {
  sources: { key: string; agency?: string; warnings?: string[]; pageWarnings?: string[] }[];
  fulltext: Record<string, { fetches: number; accepted: number }>;
  fulltextCharsetWarnings: Record<string, { agency: string; page: string; source?: string; warning: string; encoding: string; at: string }>;
}

describe('a story page read by a guessed charset, and stories in another language', () => {
  let site: FixtureServer;
  let daemon: Daemon;
  let pageUrl: string;
  let ws: ReturnType<typeof makeWorkspace>;
  const get = async (p: string) => (await fetch(`${daemon.url}${p}`)).text();
  const status = async () => (await (await fetch(`${daemon.url}/status`)).json()) as Status;

  beforeAll(async () => {
    site = await start({ dir: '/nonexistent' });
    site.setFile('residence.html', iconv.encode(PAGE, 'windows-1252'));
    // The page's link carries a credential (an agency's preview token): it must never be shown.
    pageUrl = `${site.url}/residence.html?type=text/html&token=pr3view-s3cret`;
    site.setFile(
      'gendarmerie.rss',
      rss('fr', [
        item('Opération « Résidence » : quatorze interpellations', pageUrl, `<p>${P1}</p>`, 'g1'),
        item('Saisie record de cocaïne au Havre', `${site.url}/havre.html`, `<p>Les douaniers du Havre ont saisi 2,1 tonnes de cocaïne dans un conteneur de bananes.</p><p>${P3}</p>`, 'g2'),
      ]),
    );
    site.setFile('nato.rss', rss(undefined, [item('Allies meet in Brussels', `${site.url}/nato.html`, '<p>NATO Defence Ministers met in Brussels on Thursday.</p>', 'n1')]));
    ws = makeWorkspace(
      {
        gendarmerie: { name: 'Gendarmerie nationale', timezone: 'Europe/Paris', feeds: [{ url: `${site.url}/gendarmerie.rss` }] },
        nato: { name: 'NATO', timezone: 'Europe/Brussels', feeds: [{ url: `${site.url}/nato.rss` }], fulltext: false },
      },
      [],
    );
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1', FULLTEXT_MAX_PER_RUN: '10' });
    // Every link is on the loopback server (no test reaches the internet): the Havre story's page is a 404.
    await waitFor(async () => ((await status()).fulltext.gendarmerie?.fetches ?? 0) >= 2, 30_000, 'the story pages to be fetched');
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await site?.close();
  });

  it('reads the page as windows-1252, completes the story, and says so on /status', async () => {
    const s = await status();
    expect(s.fulltext.gendarmerie?.accepted).toBe(1);
    const host = new URL(site.url).host;
    const w = s.fulltextCharsetWarnings[host];
    expect(w).toMatchObject({ agency: 'gendarmerie', encoding: 'windows-1252', warning: 'not valid UTF-8 and no charset declared: read as windows-1252', source: `feed:${site.url}/gendarmerie.rss` });
    expect(w!.page).toContain(`${host}/residence.html`);
    // The feed's row says it too, beside the feed's own warnings.
    const row = s.sources.find((x) => x.agency === 'gendarmerie')!;
    expect(row.pageWarnings).toEqual([expect.stringMatching(new RegExp(`^page ${host.replace(/\./g, '\\.')} \\(.*residence\\.html.*\\): not valid UTF-8 and no charset declared: read as windows-1252$`))]);
    expect(s.sources.find((x) => x.agency === 'nato')!.pageWarnings).toBeUndefined();
    const html = await get('/status.html');
    expect(html).toContain(`warning: page ${host}`);
    expect(html).toContain('read as windows-1252');
    // `pressroom status` (the operator's CLI) lists it under the feed too.
    const cli = await runCli(['status'], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir });
    expect(cli.stdout).toMatch(new RegExp(`gendarmerie\\.rss: ok;.*\\n  warning: page ${host.replace(/\./g, '\\.')} \\(.*residence\\.html.*\\): not valid UTF-8 and no charset declared: read as windows-1252\\n`));
    for (const doc of [JSON.stringify(s), html, cli.stdout]) expect(doc).not.toContain('pr3view-s3cret');
    // `fulltext --explain` says so as well.
    const explained = await runCli(['fulltext', '--explain', pageUrl, '--teaser', P1], { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, FETCH_ALLOW_HOSTS: '127.0.0.1' });
    expect(explained.stdout).toContain('\ncharset: not valid UTF-8 and no charset declared: read as windows-1252\n');
    expect(explained.stdout).toContain('verdict: accepted');
    // And the text is the page's, its accents intact.
    const feed = JSON.parse(await get('/feeds/gendarmerie.json')) as { items: { title: string; content_html: string; language?: string }[] };
    const story = feed.items.find((i) => i.title.startsWith('Opération'))!;
    expect(story.content_html).toContain('l’équivalent de 400 000 € en espèces');
    expect(story.content_html).not.toContain('\uFFFD');
  });

  it('marks the French stories lang="fr" on their pages and in the lists, and leaves the English ones alone', async () => {
    const feed = JSON.parse(await get('/feeds/gendarmerie.json')) as { items: { id: string; title: string; language?: string }[] };
    expect(feed.items.map((i) => i.language)).toEqual(['fr', 'fr']);
    const havre = feed.items.find((i) => i.title.startsWith('Saisie'))!;
    const page = await get(`/stories/${havre.id}`);
    expect(page).toMatch(/<html lang="en">/);
    expect(page).toContain('<h1 lang="fr">Saisie record de cocaïne au Havre</h1>');
    expect(page).toMatch(/<article lang="fr">/);
    const nato = (JSON.parse(await get('/feeds/nato.json')) as { items: { id: string }[] }).items[0]!;
    const english = await get(`/stories/${nato.id}`);
    expect(english).toMatch(/<article>/);
    expect(english).not.toMatch(/<h1 lang=/);
    for (const list of ['/news/all', '/news/gendarmerie', '/']) {
      const html = await get(list);
      const items = [...html.matchAll(/<li( lang="[^"]*")?><h[23]><a [^>]*>([^<]*)<\/a>/g)].map((m) => [m[2], m[1] ?? '']);
      expect(items, list).toContainEqual(['Saisie record de cocaïne au Havre', ' lang="fr"']);
      if (list !== '/news/gendarmerie') expect(items, list).toContainEqual(['Allies meet in Brussels', '']);
      // The item's own line (agency, day, mark) stays in the site's language.
      expect(html, list).toMatch(/<li lang="fr">[\s\S]*?<p class="meta" lang="en">Gendarmerie nationale/);
    }
  });
});
