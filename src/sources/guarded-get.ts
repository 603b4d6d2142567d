// One HTTP(S) GET whose connection is checked after DNS, at connect time: the SSRF guard of fetch-feed.
//
// Why node:http and not the global fetch: Node 20's fetch takes a connect-time hook only through a `dispatcher`
// from the separate undici package, whose current major no longer supports Node 20, and mixing an installed
// undici with the one bundled in Node is a known source of breakage. node:http/https take a `lookup` function
// that net.connect calls right before connecting, so the address we check is the address the socket goes to
// (no window for DNS rebinding between a check and the connect). net.connect skips `lookup` for IP literals,
// so those are checked here before the request. The price: decompression (node:zlib) and the time limit
// are ours; both are small. Each request gets its own connection (`agent: false`): a pooled socket, opened
// under one source's policy, must never be reused under another's.
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { classifyAddress, hostAddress, type AddressClass } from './address-class.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS: every address of a host name (dns.lookup, i.e. getaddrinfo and /etc/hosts, by default). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

/** May a socket to `address`, resolved from `hostname`, be opened? */
export type ConnectPolicy = (hostname: string, address: string) => boolean;

export const systemResolve: Resolve = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) reject(err);
      else resolve(addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })));
    });
  });

/** A connection the policy refused: the request was never sent. */
export class RefusedAddressError extends Error {
  readonly code = 'EREFUSEDADDRESS';
  readonly addressClass: AddressClass | undefined;
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, outside public address space`);
    this.name = 'RefusedAddressError';
    this.addressClass = classifyAddress(address);
  }
}

export interface GetOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  resolve: Resolve;
  allow: ConnectPolicy;
  /** GET by default; the push deliveries (src/push/) POST a body through the same guard. */
  method?: 'GET' | 'POST';
  body?: Buffer;
}

/** Sends the request and resolves with the response head; the body is `response`, not yet read. */
export function guardedGet(url: URL, opts: GetOptions): Promise<{ request: http.ClientRequest; response: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const literal = hostAddress(url.hostname);
    if (literal !== undefined && !opts.allow(url.hostname, literal)) {
      reject(new RefusedAddressError(url.hostname, literal));
      return;
    }
    // Node calls lookup with { all: true } when it may try several addresses (autoSelectFamily, the default
    // since Node 20), and without it otherwise: answer both. One refused address refuses the host, so that a
    // name cannot mix a public and a private record and let the connection race pick.
    const lookup: LookupFunction = (hostname, options, callback) => {
      opts.resolve(hostname).then(
        (all) => {
          const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
          const refused = wanted.find((a) => !opts.allow(hostname, a.address));
          if (refused) return callback(new RefusedAddressError(hostname, refused.address), '', 0);
          const first = wanted[0];
          if (!first) {
            const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
            return callback(e, '', 0);
          }
          if (options.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
          else callback(null, first.address, first.family);
        },
        (e: NodeJS.ErrnoException) => callback(e, '', 0),
      );
    };
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false, lookup, signal: opts.signal });
    request.once('response', (response) => resolve({ request, response }));
    request.once('error', reject);
    request.end(opts.body);
  });
}
