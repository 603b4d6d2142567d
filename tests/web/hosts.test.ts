// The Host header over HTTP: every Host gets its own links from one rendering, bad ones get a short 400, and
// X-Forwarded-* counts only from a peer TRUST_PROXY names.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, sampleStore, serveApp, type TestServer } from '../helpers/web.js';

const PATHS = [
  '/feeds/all.atom', '/feeds/nato.rss', '/feeds/europol.json', '/feeds/status.atom', '/', '/feeds.opml',
  '/feeds/all.atom?q=cyber', '/feeds/nato.json?category=Drugs', '/feeds/all/archive/2024-07.atom',
  '/stories/tag%3Apressroom%2C2024-06-01%3Anato%2F0000',
];

let s: TestServer;
const errors: unknown[] = [];
beforeAll(async () => {
  s = await serveApp(sampleStore(), { log: { warn: () => {}, error: (obj) => void errors.push(obj) } });
});
afterAll(() => s.close());

describe('one rendering, every Host', () => {
  it.each([
    { host: 'localhost:8080', origin: 'http://localhost:8080' },
    { host: '127.0.0.1:41234', origin: 'http://127.0.0.1:41234' },
    { host: '[::1]:3000', origin: 'http://[::1]:3000' },
    { host: 'Press.Example.org', origin: 'http://press.example.org' },
    { host: '127.1:80', origin: 'http://127.0.0.1' },
  ])('Host $host gets exactly the bytes rendered for $origin', async ({ host, origin }) => {
    const direct = await serveApp(sampleStore(), { publicUrl: origin });
    try {
      for (const path of PATHS) {
        const spliced = await rawRequest(s.url, path, { headers: { Host: host } });
        const rendered = await rawRequest(direct.url, path);
        expect(spliced.status, path).toBe(200);
        expect(spliced.body, path).toBe(rendered.body);
        expect(Number(spliced.headers['content-length']), path).toBe(spliced.raw.length);
        expect(spliced.body, path).not.toMatch(/\.invalid/);
      }
    } finally {
      await direct.close();
    }
  });

  it('each origin has its own strong ETag, the same in every process, and revalidates', async () => {
    const other = await serveApp(sampleStore()); // another process's placeholder
    try {
      const a = await rawRequest(s.url, '/feeds/all.atom', { headers: { Host: 'a.example' } });
      const b = await rawRequest(s.url, '/feeds/all.atom', { headers: { Host: 'b.example' } });
      expect(a.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(a.headers.etag).not.toBe(b.headers.etag);
      expect((await rawRequest(other.url, '/feeds/all.atom', { headers: { Host: 'a.example' } })).headers.etag).toBe(a.headers.etag);
      const again = await rawRequest(s.url, '/feeds/all.atom', { headers: { Host: 'a.example', 'If-None-Match': a.headers.etag! } });
      expect(again.status).toBe(304);
      expect((await rawRequest(s.url, '/feeds/all.atom', { headers: { Host: 'b.example', 'If-None-Match': a.headers.etag! } })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('compressed answers for a new Host decode to the same bytes', async () => {
    for (const coding of ['gzip', 'br']) {
      const r = await rawRequest(s.url, '/feeds/all.rss', { headers: { Host: `${coding}.example`, 'Accept-Encoding': coding } });
      const plain = await rawRequest(s.url, '/feeds/all.rss', { headers: { Host: `${coding}.example` } });
      expect(r.body).toBe(plain.body);
      expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    }
  });

  it('10,000 distinct Host values cost one rendering, like one Host', async () => {
    const own = await serveApp(sampleStore());
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const { port } = new URL(own.url);
    const get = (host: string, path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, agent, headers: { Host: host } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const N = 10_000;
      const paths = ['/feeds/all.atom', '/feeds/nato.rss', '/', '/feeds/all.atom?q=cyber', '/feeds/all/archive/2024-07.atom'];
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < N; i = next++) {
          const host = `h${i}.example:${1024 + (i % 60000)}`;
          const r = await get(host, paths[i % paths.length]!);
          if (r.status !== 200 || !r.body.includes(`http://${host}/`)) throw new Error(`${host}: ${r.status}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      expect(own.renders()).toBe(1);
      own.setData(sampleStore());
      await get('x.example', '/feeds/all.atom');
      expect(own.renders()).toBe(2);
    } finally {
      agent.destroy();
      await own.close();
    }
  }, 60_000);
});

/** One request written byte for byte, for headers node:http's client would not send. */
function rawSocket(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => c.write(head));
    let out = '';
    c.setEncoding('utf8');
    c.on('data', (d: string) => (out += d));
    c.on('end', () => resolve(out));
    c.on('error', reject);
  });
}

describe('bad Host values', () => {
  it.each(['a:99999', '[::1]:99999', 'localhost:0', 'localhost:65536', '[::1', '[zz]', '[::1]x', 'user@example.org', '::1'])(
    'Host %s → 400 with a short reason, nothing logged',
    async (host) => {
      for (const path of ['/feeds/all.atom', '/', '/stories/x', '/status.html', '/feeds/all.atom?q=x']) {
        const r = await rawRequest(s.url, path, { headers: { Host: host } });
        expect(r.status, path).toBe(400);
        expect(r.headers['content-type'], path).toBe('text/plain; charset=utf-8');
        expect(r.body, path).toMatch(/^bad request: .*Host.*\n$/);
        expect(r.body.length, path).toBeLessThan(120);
      }
      expect(errors).toEqual([]);
    },
  );

  it('two Host headers → 400', async () => {
    const { port } = new URL(s.url);
    const out = await rawSocket(Number(port), 'GET /feeds/all.atom HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect(out).toContain('more than one Host header');
    expect(errors).toEqual([]);
  });
});

describe('TRUST_PROXY', () => {
  it('a trusted peer decides scheme and host with X-Forwarded-Proto / X-Forwarded-Host (first value)', async () => {
    const own = await serveApp(sampleStore(), { trustProxy: ['loopback'] });
    try {
      const r = await rawRequest(own.url, '/feeds/all.atom', { headers: { 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-Host': 'press.example.org, inner' } });
      expect(r.body).toContain('href="https://press.example.org/feeds/all.atom"');
      const proto = await rawRequest(own.url, '/feeds/all.atom', { headers: { Host: 'news.example', 'X-Forwarded-Proto': 'https' } });
      expect(proto.body).toContain('href="https://news.example/feeds/all.atom"');
      expect((await rawRequest(own.url, '/', { headers: { 'X-Forwarded-Host': 'a:99999' } })).status).toBe(400);
      expect((await rawRequest(own.url, '/', { headers: { 'X-Forwarded-Host': 'a:99999' } })).body).toMatch(/X-Forwarded-Host/);
    } finally {
      await own.close();
    }
  });

  it('a peer outside the list is not believed', async () => {
    const own = await serveApp(sampleStore(), { trustProxy: ['10.0.0.0/8', '::1'] });
    try {
      const r = await rawRequest(own.url, '/feeds/all.atom', { headers: { Host: 'news.example', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'evil.example' } });
      expect(r.body).toContain('href="http://news.example/feeds/all.atom"');
      expect(r.body).not.toContain('evil.example');
    } finally {
      await own.close();
    }
  });
});
