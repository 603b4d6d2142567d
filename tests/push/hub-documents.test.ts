// The hub links in the documents themselves: valid Atom (RFC 4287 RELAX NG), well-formed RSS that feedparser reads,
// JSON Feed 1.1 `hubs`; and no hub on archives.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPublication, renderArchive } from '../../src/web/publication.js';
import { feedparserMany, xmllintMany, xpathString } from '../helpers/feed-tools.js';
import { AGENCIES, sampleStore } from '../helpers/web.js';

const ATOM_RNG = fileURLToPath(new URL('../fixtures/atom.rng', import.meta.url));
const BASE = 'https://press.example.org';
const HUB = `${BASE}/websub`;
const pub = buildPublication(sampleStore(), AGENCIES, BASE, { limit: 20, maxAgeSeconds: 900, hub: HUB }, undefined, new Date('2025-01-15T00:00:00Z'));
const body = (p: string) => pub.docs.get(p)!.body.toString('utf8');

describe('hub links in the documents', () => {
  it('Atom feeds stay valid against the RFC 4287 schema with <link rel="hub">', () => {
    const docs = ['/feeds/all.atom', '/feeds/nato.atom'].map(body);
    expect(xmllintMany(docs, ATOM_RNG)).toEqual(['', '']);
    expect(xpathString(docs[0]!, "/*[local-name()='feed']/*[local-name()='link'][@rel='hub']/@href")).toBe(HUB);
  });

  it('RSS carries <atom:link rel="hub"> beside rel="self", well-formed, and feedparser reads it', () => {
    const rss = body('/feeds/nato.rss');
    expect(xmllintMany([rss])).toEqual(['']);
    expect(rss).toContain(`<atom:link href="${HUB}" rel="hub"/>`);
    expect(rss).toContain(`<atom:link href="${BASE}/feeds/nato.rss" rel="self" type="application/rss+xml"/>`);
    expect(feedparserMany([rss, body('/feeds/all.atom')]).map((i) => i.bozo)).toEqual([false, false]);
  });

  it('JSON Feed 1.1 lists the hub in `hubs`', () => {
    expect((JSON.parse(body('/feeds/europol.json')) as { hubs: unknown }).hubs).toEqual([{ type: 'WebSub', url: HUB }]);
  });

  it('every subscription feed has the Link header, archives have none', () => {
    for (const [p, d] of pub.docs) {
      if (!/^\/feeds\/[^/]+\.(rss|atom|json)$/.test(p) || p === '/feeds/status.atom') continue;
      expect(d.extraHeaders.Link, p).toBe(`<${HUB}>; rel="hub", <${BASE}${p}>; rel="self"`);
    }
    const month = pub.months.get('all')!.months.find((m) => m < pub.month)!;
    const archive = renderArchive(pub, 'all', month)!;
    expect(archive.extraHeaders.Link).toBeUndefined();
    expect(archive.body.toString()).not.toContain('rel="hub"');
  });
});
