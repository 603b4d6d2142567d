// What a client sending a new Host on every request costs the serving thread, against one Host: CPU per request
// of the app's handler (no sockets: the handler is called with minimal request and response objects), at 20,000
// stories, and for comparison what one rendering of every default document costs (what each request cost before
// the documents were rendered once for every Host). `node dist/bench/host-bench.js [--requests=10000]`
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createApp } from '../web/app.js';
import { buildPublication } from '../web/publication.js';
import { median, row } from './load.js';
import { BENCH_AGENCIES, syntheticStore } from './synthetic-store.js';

const STORIES = 20_000;
const CONTENT_BYTES = 1_500;
const PUBLISH = { limit: 50, maxAgeSeconds: 900 };
const PATHS = ['/feeds/all.atom', '/feeds/all.rss', '/feeds/all.json', '/', '/feeds.opml', '/feeds/status.atom'];

function fakeRequest(path: string, host: string, accept: string): IncomingMessage {
  return {
    method: 'GET',
    url: path,
    headers: { host, 'accept-encoding': accept },
    rawHeaders: ['Host', host, 'Accept-Encoding', accept],
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as IncomingMessage;
}

function fakeResponse(): ServerResponse & { bytes: number; status: number } {
  const res = {
    bytes: 0,
    status: 0,
    headersSent: false,
    writeHead(status: number) {
      res.status = status;
      return res;
    },
    setHeader() {},
    end(b?: Buffer) {
      res.bytes += b?.length ?? 0;
    },
  };
  return res as unknown as ServerResponse & { bytes: number; status: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '10000' } } });
  const requests = Math.min(100_000, Math.max(100, Number(values.requests) || 10_000));
  const data = syntheticStore(STORIES, CONTENT_BYTES);

  const t0 = performance.now();
  buildPublication(data, BENCH_AGENCIES, 'http://127.0.0.1:8080', PUBLISH);
  const renderMs = performance.now() - t0;

  console.log(`\nHost cycling: ${STORIES.toLocaleString('en')} stories, ${requests.toLocaleString('en')} requests over ${PATHS.length} default documents, CPU of the serving thread`);
  const widths = [34, 10, 14, 12, 12];
  console.log(row(['client', 'renders', 'CPU µs/request', 'MB sent', 'ratio'], widths));
  const results: Record<string, number> = {};
  for (const [label, accept] of [['identity', 'identity'], ['gzip, br', 'gzip, br']] as const) {
    for (const cycling of [false, true]) {
      let renders = 0;
      const web = createApp({ snapshot: () => ({ data, version: 1 }), agencies: BENCH_AGENCIES, publish: PUBLISH, log: console, onPublish: () => void renders++ });
      web.publication(); // rendered at start-up, as main.ts does after each store change
      // Warm: the one Host's documents (and codings) exist, as they would after its first poll.
      for (const p of PATHS) web.handle(fakeRequest(p, 'press.example:8080', accept), fakeResponse());
      const samples: number[] = [];
      let bytes = 0;
      for (let round = 0; round < 3; round++) {
        const c0 = process.cpuUsage();
        for (let i = 0; i < requests; i++) {
          const host = cycling ? `h${round}-${i}.example:${1024 + (i % 60000)}` : 'press.example:8080';
          const res = fakeResponse();
          web.handle(fakeRequest(PATHS[i % PATHS.length]!, host, accept), res);
          if (res.status !== 200) throw new Error(`${host}: ${res.status}`);
          bytes += res.bytes;
        }
        const c = process.cpuUsage(c0);
        samples.push((c.user + c.system) / requests);
      }
      const us = median(samples);
      const key = `${label} ${cycling}`;
      results[key] = us;
      const ratio = cycling ? (us / results[`${label} false`]!).toFixed(2) : '1.00';
      console.log(row([`${cycling ? 'a new Host per request' : 'one Host'}, ${label}`, renders, us.toFixed(1), (bytes / 3 / 1e6).toFixed(0), ratio], widths));
    }
  }
  console.log(`One rendering of every default document (each request's cost with 9+ Hosts before): ${renderMs.toFixed(0)} ms`);
  console.log('Compressing for new Hosts is capped at 10 % of a core; past that, those answers go out uncompressed.');
}

void main();
