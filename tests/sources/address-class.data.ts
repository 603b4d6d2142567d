// Hosts an upstream may redirect to, in the spellings WHATWG URL accepts, and the class each must get.
import type { AddressClass } from '../../src/sources/address-class.js';

export interface UrlCase {
  description: string;
  url: string;
  /** undefined: a DNS name, judged only after it resolves. */
  expected: AddressClass | undefined;
}

export const URL_CASES: UrlCase[] = [
  { description: 'loopback, dotted', url: 'http://127.0.0.1/', expected: 'loopback' },
  { description: 'loopback, decimal integer', url: 'http://2130706433/', expected: 'loopback' },
  { description: 'loopback, short form', url: 'http://127.1/', expected: 'loopback' },
  { description: 'loopback, hex integer', url: 'http://0x7f000001/', expected: 'loopback' },
  { description: 'loopback, hex and short', url: 'http://0x7f.1/', expected: 'loopback' },
  { description: 'loopback, octal parts', url: 'http://0177.0.0.1/', expected: 'loopback' },
  { description: 'loopback, octal integer', url: 'http://017700000001/', expected: 'loopback' },
  { description: 'loopback, other than .1', url: 'http://127.255.10.3:8080/x', expected: 'loopback' },
  { description: 'loopback, trailing dot', url: 'http://127.0.0.1./', expected: 'loopback' },
  { description: 'unspecified 0.0.0.0', url: 'http://0.0.0.0/', expected: 'unspecified' },
  { description: 'unspecified, as "0"', url: 'http://0/', expected: 'unspecified' },
  { description: 'RFC 1918 10/8', url: 'http://10.1.2.3/', expected: 'private' },
  { description: 'RFC 1918 172.16/12 low', url: 'http://172.16.0.1/', expected: 'private' },
  { description: 'RFC 1918 172.16/12 high', url: 'http://172.31.255.255/', expected: 'private' },
  { description: 'just outside 172.16/12', url: 'http://172.32.0.1/', expected: 'public' },
  { description: 'RFC 1918 192.168/16', url: 'http://192.168.1.1/', expected: 'private' },
  { description: 'RFC 1918, decimal', url: 'http://3232235777/', expected: 'private' },
  { description: 'cloud metadata', url: 'http://169.254.169.254/latest/meta-data/', expected: 'link-local' },
  { description: 'cloud metadata, hex', url: 'http://0xa9fea9fe/', expected: 'link-local' },
  { description: 'CGNAT 100.64/10', url: 'http://100.64.0.1/', expected: 'cgnat' },
  { description: 'CGNAT upper end', url: 'http://100.127.255.254/', expected: 'cgnat' },
  { description: 'just outside CGNAT', url: 'http://100.128.0.1/', expected: 'public' },
  { description: 'multicast', url: 'http://224.0.0.1/', expected: 'multicast' },
  { description: 'broadcast', url: 'http://255.255.255.255/', expected: 'reserved' },
  { description: 'documentation TEST-NET-3', url: 'http://203.0.113.7/', expected: 'reserved' },
  { description: 'benchmarking 198.18/15', url: 'http://198.19.1.1/', expected: 'reserved' },
  { description: 'public IPv4', url: 'http://93.184.215.14/', expected: 'public' },
  { description: 'public IPv4, decimal', url: 'http://134744072/', expected: 'public' },
  { description: 'IPv6 loopback', url: 'http://[::1]/', expected: 'loopback' },
  { description: 'IPv6 loopback, long form', url: 'http://[0:0:0:0:0:0:0:1]/', expected: 'loopback' },
  { description: 'IPv6 unspecified', url: 'http://[::]/', expected: 'unspecified' },
  { description: 'IPv4-mapped loopback, dotted', url: 'http://[::ffff:127.0.0.1]/', expected: 'loopback' },
  { description: 'IPv4-mapped loopback, hex', url: 'http://[::ffff:7f00:1]/', expected: 'loopback' },
  { description: 'IPv4-mapped metadata', url: 'http://[::ffff:169.254.169.254]/', expected: 'link-local' },
  { description: 'IPv4-mapped RFC 1918', url: 'http://[0:0:0:0:0:ffff:a00:1]/', expected: 'private' },
  { description: 'IPv4-mapped public', url: 'http://[::ffff:8.8.8.8]/', expected: 'public' },
  { description: 'IPv4-compatible (deprecated)', url: 'http://[::127.0.0.1]/', expected: 'reserved' },
  { description: 'NAT64 of loopback', url: 'http://[64:ff9b::127.0.0.1]/', expected: 'loopback' },
  { description: 'NAT64 of metadata', url: 'http://[64:ff9b::a9fe:a9fe]/', expected: 'link-local' },
  { description: 'NAT64 of a public address', url: 'http://[64:ff9b::808:808]/', expected: 'public' },
  { description: '6to4 of loopback', url: 'http://[2002:7f00:1::]/', expected: 'loopback' },
  { description: '6to4 of RFC 1918', url: 'http://[2002:c0a8:101::1]/', expected: 'private' },
  { description: 'unique-local fc00::/7 (fd)', url: 'http://[fd12:3456:789a::1]/', expected: 'unique-local' },
  { description: 'unique-local fc00::/7 (fc)', url: 'http://[fc00::1]/', expected: 'unique-local' },
  { description: 'link-local fe80::/10', url: 'http://[fe80::1]/', expected: 'link-local' },
  { description: 'link-local fe80::/10, upper', url: 'http://[febf::1]/', expected: 'link-local' },
  { description: 'site-local fec0::/10', url: 'http://[fec0::1]/', expected: 'private' },
  { description: 'IPv6 multicast', url: 'http://[ff02::1]/', expected: 'multicast' },
  { description: 'IPv6 documentation', url: 'http://[2001:db8::1]/', expected: 'reserved' },
  { description: 'Teredo', url: 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', expected: 'reserved' },
  { description: 'discard prefix', url: 'http://[100::1]/', expected: 'reserved' },
  { description: 'public IPv6', url: 'http://[2606:4700:4700::1111]/', expected: 'public' },
  { description: 'public IPv6, upper case', url: 'http://[2A00:1450:4001:81D::200E]/', expected: 'public' },
  { description: 'a DNS name', url: 'http://localhost/', expected: undefined },
  { description: 'a DNS name that looks like an address', url: 'http://127.0.0.1.nip.io/', expected: undefined },
];

export interface AllowCase {
  description: string;
  entries: string[];
  hostname: string;
  address: string;
  expected: boolean;
}

export const ALLOW_CASES: AllowCase[] = [
  { description: 'host name, exact', entries: ['feeds.intranet'], hostname: 'feeds.intranet', address: '10.0.0.5', expected: true },
  { description: 'host name, case and trailing dot', entries: ['Feeds.Intranet'], hostname: 'feeds.intranet.', address: '10.0.0.5', expected: true },
  { description: 'host name is not a suffix match', entries: ['intranet'], hostname: 'feeds.intranet', address: '10.0.0.5', expected: false },
  { description: 'IPv4 address', entries: ['10.0.0.5'], hostname: 'feeds.intranet', address: '10.0.0.5', expected: true },
  { description: 'IPv4 CIDR, inside', entries: ['10.0.0.0/8'], hostname: 'x', address: '10.200.3.4', expected: true },
  { description: 'IPv4 CIDR, outside', entries: ['10.0.0.0/8'], hostname: 'x', address: '11.0.0.1', expected: false },
  { description: 'IPv4 /0', entries: ['0.0.0.0/0'], hostname: 'x', address: '127.0.0.1', expected: true },
  { description: 'IPv6 CIDR, inside', entries: ['fd00::/8'], hostname: 'x', address: 'fd12::1', expected: true },
  { description: 'IPv6 CIDR does not match IPv4', entries: ['::/0'], hostname: 'x', address: '127.0.0.1', expected: false },
  { description: 'bracketed IPv6 entry', entries: ['[::1]'], hostname: '[::1]', address: '::1', expected: true },
  { description: 'no entries', entries: [], hostname: 'localhost', address: '127.0.0.1', expected: false },
];

export const BAD_ALLOW_ENTRIES = ['10.0.0.0/33', '::/129', 'host/8', 'http://x/', 'a b', '', '-bad-.example', '1.2.3.4/x'];
