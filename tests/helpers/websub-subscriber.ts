// A WebSub subscriber (and webhook receiver) of our own on 127.0.0.1: answers the hub's verification of intent
// (echoing hub.challenge, or refusing) and records every delivery, per callback name; a callback can be told to
// answer deliveries with any status or to hang.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Verification {
  name: string;
  query: URLSearchParams;
  /** The raw query string, to check that the callback's own parameters were kept as they were. */
  rawQuery: string;
  status: number;
}

export interface Delivery {
  name: string;
  at: number;
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Behaviour {
  /** echo: 200 + the challenge; wrong: 200 + another body; refuse: 404; error: 500. */
  verify?: 'echo' | 'wrong' | 'refuse' | 'error';
  /** Status for deliveries (default 200), or 'hang': never answer. */
  deliver?: number | 'hang';
}

export interface Subscriber {
  url: string;
  callback(name: string, query?: string): string;
  behave(name: string, b: Behaviour): void;
  verifications: Verification[];
  deliveries: Delivery[];
  /** Denial notices (hub.mode=denied). */
  denials: Verification[];
  deliveriesTo(name: string): Delivery[];
  waitFor(check: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSubscriber(): Promise<Subscriber> {
  const behaviours = new Map<string, Behaviour>();
  const verifications: Verification[] = [];
  const denials: Verification[] = [];
  const deliveries: Delivery[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const name = decodeURIComponent(u.pathname.replace(/^\/cb\//, ''));
    const b = behaviours.get(name) ?? {};
    const rawQuery = u.search.replace(/^\?/, '');
    if (req.method === 'GET') {
      const q = u.searchParams;
      if (q.get('hub.mode') === 'denied') {
        denials.push({ name, query: q, rawQuery, status: 200 });
        res.writeHead(200).end();
        return;
      }
      const v = b.verify ?? 'echo';
      const status = v === 'refuse' ? 404 : v === 'error' ? 500 : 200;
      verifications.push({ name, query: q, rawQuery, status });
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(v === 'echo' ? (q.get('hub.challenge') ?? '') : v === 'wrong' ? 'not-the-challenge' : '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ name, at: Date.now(), rawQuery, headers: req.headers, body: Buffer.concat(chunks) });
      if (b.deliver === 'hang') return;
      res.writeHead(b.deliver ?? 200).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    callback: (name, query) => `${url}/cb/${encodeURIComponent(name)}${query ? `?${query}` : ''}`,
    behave: (name, b) => void behaviours.set(name, b),
    verifications,
    deliveries,
    denials,
    deliveriesTo: (name) => deliveries.filter((d) => d.name === name),
    async waitFor(check, timeoutMs = 10_000, what = 'condition') {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
