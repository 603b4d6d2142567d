// Discovery: the front page with its autodiscovery links, the OPML list parsed back, and the story pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortStories } from '../../src/web/publication.js';
import { xmllintOk, xpathString } from '../helpers/feed-tools.js';
import { makeStory, rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

let s: TestServer;
const data = sampleStore();
data.stories.push(
  makeStory({
    id: 'tag:pressroom,2024-10-30:europol/hostile',
    seq: 900,
    agency: 'europol',
    title: 'Europol <b>raids</b> & “arrests”',
    published: '2024-10-31T08:00:00.000Z',
    updated: '2024-10-31T12:30:00.000Z',
    contentHtml: '<p>Sanitised <em>body</em> with <a href="https://www.europol.europa.eu/x">a link</a>.</p>',
    link: 'https://www.europol.europa.eu/media-press/newsroom/news/raids',
    sources: [
      { kind: 'feed', url: 'https://www.europol.europa.eu/cms/api/rss/news', guid: 'raids-1' },
      { kind: 'bulletin', file: 'bulletin-2024-10-31.txt', line: 4 },
    ],
  }),
);
const sorted = sortStories(data.stories);

beforeAll(async () => {
  s = await serveApp(data);
});
afterAll(() => s.close());

/** Attributes of every `<link …>` tag of an HTML page. */
function linkTags(html: string): Record<string, string>[] {
  return [...html.matchAll(/<link ([^>]*)>/g)].map((m) => Object.fromEntries([...m[1]!.matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!.replace(/&#38;/g, '&')])));
}

describe('GET /', () => {
  it('is a small HTML page for phones, with no script', async () => {
    const r = await rawRequest(s.url, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(r.body).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(r.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(r.body).not.toMatch(/<script/i);
    expect(r.body).toContain(`<a href="${s.url}/feeds.opml">`);
    expect(r.body).toContain('<link rel="outline" type="text/x-opml"');
  });

  it('has an autodiscovery link for every feed in every format, each resolving to that feed', async () => {
    const html = (await rawRequest(s.url, '/')).body;
    const alternates = linkTags(html).filter((l) => l.rel === 'alternate');
    expect(alternates).toHaveLength(5 * 3 + 1);
    for (const l of alternates) {
      expect(l.title, l.href).toBeTruthy();
      const r = await rawRequest(s.url, l.href!.slice(s.url.length));
      expect(r.status, l.href).toBe(200);
      expect(r.headers['content-type'], l.href).toBe(`${l.type}; charset=utf-8`);
    }
  });

  // Issue 19: the site's own feed links lead to a subscribe page that says what a feed address is for (a feed
  // opened in a browser is raw XML); the feeds stay in the autodiscovery links, and the archive link is the HTML
  // month page that mirrors the Atom archive.
  it('lists every agency with its list, archive, subscribe page and newest stories, escaped', async () => {
    const html = (await rawRequest(s.url, '/')).body;
    const body = html.slice(html.indexOf('<body>'));
    for (const id of ['all', 'nato', 'europol', 'eurojust', 'frontex']) {
      expect(html).toContain(`<section id="${id}">`);
      for (const f of ['atom', 'rss', 'json']) expect(html).toContain(`<link rel="alternate" type="${f === 'json' ? 'application/feed+json' : `application/${f}+xml`}" title="`);
      expect(body).not.toContain(`href="${s.url}/feeds/${id}.atom"`);
      expect(body).toContain(`href="${s.url}/subscribe/${id}"`);
      expect(body).toContain(`href="${s.url}/news/${id}"`);
      expect(html).toContain(`href="${s.url}/news/${id}/archive/2024-10"`);
    }
    expect(html).toContain('Europol &#60;b&#62;raids&#60;/b&#62; &#38; “arrests”');
    expect(html).not.toContain('<b>raids</b>');
    const newestNato = sorted.find((x) => x.agency === 'nato')!;
    expect(html).toContain(`href="${s.url}/stories/${encodeURIComponent(newestNato.id).replace(/&/g, '&#38;')}"`);
  });
});

describe('GET /feeds.opml', () => {
  it('is OPML 2.0 with one outline per feed that a reader can import', async () => {
    const r = await rawRequest(s.url, '/feeds.opml');
    expect(r.headers['content-type']).toBe('text/x-opml; charset=utf-8');
    expect(xmllintOk(r.body).errors).toBe('');
    expect(xpathString(r.body, '/opml/@version')).toBe('2.0');
    expect(xpathString(r.body, 'count(/opml/body/outline)')).toBe('5');
    expect(xpathString(r.body, 'count(/opml/body/outline[@type="rss"][@text][@xmlUrl][@htmlUrl])')).toBe('5');
    expect(xpathString(r.body, '/opml/head/dateModified')).toMatch(/GMT$/);
    for (let i = 1; i <= 5; i++) {
      const url = xpathString(r.body, `/opml/body/outline[${i}]/@xmlUrl`);
      const feed = await rawRequest(s.url, url.slice(s.url.length));
      expect(feed.status, url).toBe(200);
      expect(feed.headers['content-type'], url).toBe('application/atom+xml; charset=utf-8');
      expect(xpathString(feed.body, '/*/*[local-name()="title"]')).toContain(xpathString(r.body, `/opml/body/outline[${i}]/@text`).replace(' (Pressroom)', ''));
    }
  });
});

describe('GET /stories/<id>', () => {
  const path = `/stories/${encodeURIComponent('tag:pressroom,2024-10-30:europol/hostile')}`;

  it('shows the sanitised content, dates, agency and every source', async () => {
    const r = await rawRequest(s.url, path);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['last-modified']).toBe('Thu, 31 Oct 2024 12:30:00 GMT');
    const html = r.body;
    expect(html).toContain('<h1>Europol &lt;b&gt;raids&lt;/b&gt; &amp; “arrests”</h1>');
    expect(html).toContain('<article><p>Sanitised <em>body</em> with <a href="https://www.europol.europa.eu/x">a link</a>.</p></article>');
    expect(html).toContain('<time datetime="2024-10-31T08:00:00.000Z">31 October 2024, 08:00 UTC</time>');
    expect(html).toContain('updated <time datetime="2024-10-31T12:30:00.000Z">');
    expect(html).toContain(`<a href="${s.url}/#europol">Europol</a>`);
    expect(html).toContain('href="https://www.europol.europa.eu/media-press/newsroom/news/raids"');
    expect(html).toContain('<a href="https://www.europol.europa.eu/cms/api/rss/news">');
    expect(html).toContain('<code>bulletin-2024-10-31.txt</code>, line 4');
  });

  it('answers conditional requests', async () => {
    const r = await rawRequest(s.url, path);
    expect((await rawRequest(s.url, path, { headers: { 'If-None-Match': r.headers.etag! } })).status).toBe(304);
  });

  it('every story link on the front page leads to a story page', async () => {
    const html = (await rawRequest(s.url, '/')).body;
    const links = [...html.matchAll(/href="([^"]*\/stories\/[^"]*)"/g)].map((m) => m[1]!.replace(/&#38;/g, '&'));
    expect(links.length).toBeGreaterThan(10);
    for (const l of new Set(links)) expect((await rawRequest(s.url, l.slice(s.url.length))).status, l).toBe(200);
  });
});
