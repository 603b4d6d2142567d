// Host header values and what checkHost makes of them: the origin for http, or a word of the reason it is refused.

export interface HostCase {
  description: string;
  host: string;
  /** The origin for `http`; undefined when refused. */
  origin?: string;
  /** A word the refusal names. */
  reason?: RegExp;
}

export const HOST_CASES: HostCase[] = [
  // Names
  { description: 'a name', host: 'press.example.org', origin: 'http://press.example.org' },
  { description: 'a single label', host: 'localhost', origin: 'http://localhost' },
  { description: 'upper case is folded', host: 'Press.Example.ORG', origin: 'http://press.example.org' },
  { description: 'a trailing dot is kept', host: 'example.org.', origin: 'http://example.org.' },
  { description: 'hyphens inside labels', host: 'a-b.c-d.example', origin: 'http://a-b.c-d.example' },
  { description: 'a punycode label', host: 'xn--bcher-kva.example', origin: 'http://xn--bcher-kva.example' },
  { description: 'a 63-octet label', host: `${'a'.repeat(63)}.example`, origin: `http://${'a'.repeat(63)}.example` },
  // Ports
  { description: 'port 1', host: 'localhost:1', origin: 'http://localhost:1' },
  { description: 'port 8080', host: 'localhost:8080', origin: 'http://localhost:8080' },
  { description: 'port 65535', host: 'localhost:65535', origin: 'http://localhost:65535' },
  { description: 'the default port is dropped', host: 'example.org:80', origin: 'http://example.org' },
  { description: 'leading zeros in a port', host: 'example.org:08080', origin: 'http://example.org:8080' },
  { description: 'an empty port means the default', host: 'example.org:', origin: 'http://example.org' },
  { description: 'port 0', host: 'localhost:0', reason: /1–65535/ },
  { description: 'port 65536', host: 'localhost:65536', reason: /1–65535/ },
  { description: 'port 99999', host: 'a:99999', reason: /1–65535/ },
  { description: 'a six-digit port', host: 'a:123456', reason: /port/ },
  { description: 'a port with a sign', host: 'a:+80', reason: /port/ },
  { description: 'a port with letters', host: 'a:80x', reason: /port/ },
  // IPv4
  { description: 'IPv4', host: '127.0.0.1', origin: 'http://127.0.0.1' },
  { description: 'IPv4 and a port', host: '127.0.0.1:41234', origin: 'http://127.0.0.1:41234' },
  { description: 'short IPv4 is written out', host: '127.1', origin: 'http://127.0.0.1' },
  { description: 'hex IPv4 is written out', host: '0x7f.0.0.1', origin: 'http://127.0.0.1' },
  { description: 'an IPv4 octet over 255', host: '999.1.1.1', reason: /host/ },
  { description: 'a name ending in a number', host: 'a.123', reason: /host/ },
  // IPv6
  { description: 'IPv6 loopback', host: '[::1]', origin: 'http://[::1]' },
  { description: 'IPv6 and a port', host: '[::1]:8080', origin: 'http://[::1]:8080' },
  { description: 'IPv6 is compressed', host: '[0:0:0:0:0:0:0:1]:3000', origin: 'http://[::1]:3000' },
  { description: 'IPv6 upper case', host: '[2001:DB8::1]', origin: 'http://[2001:db8::1]' },
  { description: 'IPv4-mapped IPv6', host: '[::ffff:127.0.0.1]', origin: 'http://[::ffff:7f00:1]' },
  { description: 'IPv6 and port 99999', host: '[::1]:99999', reason: /1–65535/ },
  { description: 'IPv6 and port 0', host: '[::1]:0', reason: /1–65535/ },
  { description: 'an unclosed bracket', host: '[::1', reason: /\[/ },
  { description: 'not IPv6 in brackets', host: '[zz]', reason: /IPv6/ },
  { description: 'empty brackets', host: '[]', reason: /IPv6/ },
  { description: 'text after the bracket', host: '[::1]x', reason: /\]/ },
  { description: 'a zone id', host: '[fe80::1%25eth0]', reason: /IPv6/ },
  { description: 'IPv6 without brackets', host: '::1', reason: /brackets/ },
  { description: 'IPv6 without brackets, with a port', host: '2001:db8::1:80', reason: /brackets/ },
  // Junk
  { description: 'empty', host: '', reason: /empty/ },
  { description: 'userinfo', host: 'user@example.org', reason: /userinfo/ },
  { description: 'userinfo and password', host: 'user:pw@example.org', reason: /userinfo/ },
  { description: 'a path', host: 'evil.example/x', reason: /host/ },
  { description: 'a space', host: 'a b', reason: /host/ },
  { description: 'markup', host: '<script>', reason: /host/ },
  { description: 'a quote', host: 'a"b', reason: /host/ },
  { description: 'an underscore', host: 'a_b.example', reason: /host/ },
  { description: 'a leading hyphen', host: '-a.example', reason: /host/ },
  { description: 'an empty label', host: 'a..example', reason: /host/ },
  { description: 'a 64-octet label', host: `${'a'.repeat(64)}.example`, reason: /host/ },
  { description: 'a lone colon', host: ':', reason: /host/ },
  { description: 'only a port', host: ':8080', reason: /host/ },
  { description: 'non-ASCII', host: 'bücher.example', reason: /host/ },
  { description: 'a percent-encoded name', host: 'a%2eb', reason: /host/ },
  { description: 'a very long name', host: `${'a.'.repeat(200)}example`, reason: /long/ },
];
