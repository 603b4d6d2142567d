// A hand-built store and the web app on a loopback port: fast, deterministic tests of every endpoint in-process.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { SCHEMA_VERSION, type SourceState, type StoreData, type Story } from '../../src/model.js';
import { createApp, type Web, type WebDeps } from '../../src/web/app.js';
import type { AgencyInfo } from '../../src/web/publication.js';

export const AGENCIES: AgencyInfo[] = [
  { id: 'nato', name: 'NATO', homepage: 'https://www.nato.int/' },
  { id: 'europol', name: 'Europol', homepage: 'https://www.europol.europa.eu/' },
  { id: 'eurojust', name: 'Eurojust' },
];

const DAY = 86_400_000;

export function makeStory(over: Partial<Story> & Pick<Story, 'id' | 'seq' | 'agency' | 'title' | 'published'>): Story {
  return {
    updated: over.published,
    firstSeen: over.published,
    dateSource: 'feed',
    contentHtml: `<p>${over.title}: body.</p>`,
    summary: `${over.title}: body.`,
    teaser: false,
    categories: [],
    sources: [{ kind: 'feed', url: `https://example.org/${over.agency}.rss`, guid: over.id }],
    bodyFrom: `feed:https://example.org/${over.agency}.rss`,
    history: [],
    ...over,
  };
}

/**
 * 80 stories from June to October 2024, none in August, across NATO, Europol, Eurojust and Frontex (a bulletin
 * agency), with categories, a hostile title, an updated story, and failing, recovered and moved sources.
 */
export const SAMPLE_STORIES = 80;

export function sampleStore(): StoreData {
  const stories: Story[] = [];
  const agencies = ['nato', 'europol', 'eurojust', 'frontex'];
  const start = Date.parse('2024-06-03T09:00:00Z');
  let seq = 1;
  for (let i = 0; i < SAMPLE_STORIES; i++) {
    // Two stories every three days, skipping August entirely: the archive chain must jump July → September.
    let t = start + Math.floor(i * 1.5) * DAY + (i % 2) * 3_600_000;
    if (t >= Date.parse('2024-08-01T00:00:00Z')) t += 31 * DAY;
    const agency = agencies[i % 4]!;
    const published = new Date(t).toISOString();
    stories.push(
      makeStory({
        id: `tag:pressroom,2024-06-01:${agency}/${String(i).padStart(4, '0')}`,
        seq: seq++,
        agency,
        title: i === 7 ? 'Cyber <defence> & “resilience” 🚀 ]]> exercise' : `${agency} release ${i}${i % 5 === 0 ? ' on cyber crime' : ''}`,
        published,
        updated: i === 3 ? new Date(t + 2 * DAY).toISOString() : published,
        firstSeen: new Date(t + 600_000).toISOString(),
        categories: i % 3 === 0 ? ['Drugs'] : i % 3 === 1 ? ['Cybercrime', 'Operations'] : [],
        ...(i % 6 === 0 ? {} : { link: `https://example.org/${agency}/press/${i}` }),
        ...(agency === 'frontex' ? { sources: [{ kind: 'bulletin' as const, file: 'bulletin-2024-10-09.txt', line: 10 + i }], dateSource: 'bulletin' as const } : {}),
      }),
    );
  }
  const sources: Record<string, SourceState> = {
    'feed:https://example.org/nato.rss': {
      kind: 'feed', key: 'https://example.org/nato.rss', agency: 'nato', consecutiveFailures: 3,
      lastAttempt: '2024-10-20T10:00:00.000Z', lastSuccess: '2024-10-19T08:00:00.000Z', failingSince: '2024-10-19T08:15:00.000Z',
      lastStatus: 503, errorCode: 'http-503', errorMessage: 'HTTP 503 Service Unavailable', nextAttempt: '2024-10-20T11:00:00.000Z',
    },
    'feed:https://example.org/europol.rss': {
      kind: 'feed', key: 'https://example.org/europol.rss', agency: 'europol', consecutiveFailures: 0,
      lastAttempt: '2024-10-20T10:00:00.000Z', lastSuccess: '2024-10-20T10:00:00.000Z', lastStatus: 200,
      recovered: { since: '2024-10-18T00:00:00.000Z', at: '2024-10-18T06:00:00.000Z', failures: 4, errorCode: 'timeout', errorMessage: 'no answer in 20 s' },
    },
    'feed:https://example.org/eurojust.rss': {
      kind: 'feed', key: 'https://example.org/eurojust.rss', agency: 'eurojust', consecutiveFailures: 0,
      lastAttempt: '2024-10-20T10:00:00.000Z', lastSuccess: '2024-10-20T10:00:00.000Z', lastStatus: 200,
      movedTo: 'https://example.org/eurojust-new.rss', movedSince: '2024-10-10T12:00:00.000Z',
    },
    'bulletin:bulletin-2024-10-09.txt': {
      kind: 'bulletin', key: 'bulletin-2024-10-09.txt', consecutiveFailures: 0, lastAttempt: '2024-10-20T10:00:00.000Z', lastSuccess: '2024-10-09T10:00:00.000Z',
    },
  };
  return {
    schema: SCHEMA_VERSION,
    nextSeq: seq,
    stories,
    aliases: {},
    sources,
    discoveredAgencies: { frontex: { id: 'frontex', name: 'Frontex' } },
  };
}

export interface TestServer {
  url: string;
  web: Web;
  /** Replaces the store contents (a new version, as after an ingest). */
  setData(data: StoreData): void;
  renders: () => number;
  close(): Promise<void>;
}

export async function serveApp(data: StoreData, over: Partial<WebDeps> = {}): Promise<TestServer> {
  let current = { data, version: 1 };
  let renders = 0;
  const web = createApp({
    snapshot: () => current,
    agencies: AGENCIES,
    publish: { limit: 50, maxAgeSeconds: 900 },
    log: { warn: () => {}, error: (obj, msg) => console.error(msg, obj) },
    onPublish: () => void renders++,
    ...over,
  });
  const server: Server = createServer((req, res) => web.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    web,
    setData: (d) => void (current = { data: d, version: current.version + 1 }),
    renders: () => renders,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent (still compressed if Content-Encoding says so). */
  raw: Buffer;
  /** The body decoded from its Content-Encoding, as text. */
  body: string;
}

/**
 * One HTTP request with exactly the given headers (fetch would add Accept-Encoding and decompress silently).
 * `path` may be anything, malformed percent-encoding included; `host: null` sends no Host header at all.
 */
export function rawRequest(base: string, path: string, opts: { method?: string; headers?: Record<string, string | null> } = {}): Promise<RawResponse> {
  const u = new URL(base);
  const headers: Record<string, string> = {};
  let setHost = true;
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (k.toLowerCase() === 'host') setHost = false;
    if (v !== null) headers[k] = v;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers, setHost, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const ce = res.headers['content-encoding'];
          const decoded = ce === 'gzip' ? gunzipSync(raw) : ce === 'br' ? brotliDecompressSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body: decoded.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Atom entry ids as written (`&amp;` read back). */
export const atomIds = (xml: string): string[] => [...xml.matchAll(/<entry>\s*<id>([^<]*)<\/id>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

/** Every `<link rel=… href=…/>` directly under the Atom feed element, as rel → href. */
export function feedLinks(xml: string): Record<string, string> {
  const entry = xml.search(/<entry[\s>]/);
  const head = xml.slice(0, entry < 0 ? xml.length : entry);
  return Object.fromEntries([...head.matchAll(/<link rel="([^"]+)" type="[^"]*" href="([^"]+)"\/>/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
}
