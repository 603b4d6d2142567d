// hub.topic spellings and the canonical topic (the feed's self link) the hub reads them as, or why it refuses.
export const PUBLIC = 'https://press.example.org';

export const TOPICS: Array<{ description: string; input: string; expected: string | RegExp }> = [
  { description: 'a default feed as linked', input: `${PUBLIC}/feeds/all.atom`, expected: `${PUBLIC}/feeds/all.atom` },
  { description: 'host in capitals', input: 'https://PRESS.Example.ORG/feeds/nato.rss', expected: `${PUBLIC}/feeds/nato.rss` },
  { description: 'the default port written out', input: 'https://press.example.org:443/feeds/nato.json', expected: `${PUBLIC}/feeds/nato.json` },
  { description: 'a percent-encoded path', input: `${PUBLIC}/feeds/%6Eato.atom`, expected: `${PUBLIC}/feeds/nato.atom` },
  { description: 'query parameters in another order', input: `${PUBLIC}/feeds/all.atom?since=2024-10-01&q=drugs`, expected: `${PUBLIC}/feeds/all.atom?q=drugs&since=2024-10-01T00%3A00%3A00.000Z` },
  { description: 'the default limit spelled out', input: `${PUBLIC}/feeds/all.atom?limit=50`, expected: `${PUBLIC}/feeds/all.atom` },
  { description: 'an empty query', input: `${PUBLIC}/feeds/all.atom?`, expected: `${PUBLIC}/feeds/all.atom` },
  { description: 'a fragment', input: `${PUBLIC}/feeds/all.atom#x`, expected: `${PUBLIC}/feeds/all.atom` },
  { description: 'another scheme', input: 'http://press.example.org/feeds/all.atom', expected: /not a topic of this hub/ },
  { description: 'another host', input: 'https://evil.example/feeds/all.atom', expected: /not a topic of this hub/ },
  { description: 'another port', input: 'https://press.example.org:8443/feeds/all.atom', expected: /not a topic of this hub/ },
  { description: 'an unknown agency', input: `${PUBLIC}/feeds/frontex.atom`, expected: /no agency "frontex"/ },
  { description: 'an unknown format', input: `${PUBLIC}/feeds/all.xml`, expected: /not a feed of this server/ },
  { description: 'an archive month', input: `${PUBLIC}/feeds/all/archive/2024-10.atom`, expected: /archives never change/ },
  { description: 'the front page', input: `${PUBLIC}/`, expected: /not a feed of this server/ },
  // The feeds ignore parameters they do not know (a reader's utm_*, a cache-buster) and leave them out of the self
  // link, so the hub reads such a topic as the feed it names (issue 18 changed the feeds' 400 to this).
  { description: 'an unknown parameter is dropped, as the feeds drop it', input: `${PUBLIC}/feeds/all.atom?page=2&utm_source=x`, expected: `${PUBLIC}/feeds/all.atom` },
  { description: 'a bad value of a known parameter', input: `${PUBLIC}/feeds/all.atom?since=yesterday`, expected: /since/ },
  { description: 'a bad limit', input: `${PUBLIC}/feeds/all.atom?limit=0`, expected: /limit must be/ },
  { description: 'not a URL', input: 'feeds/all.atom', expected: /not an absolute URL/ },
];
