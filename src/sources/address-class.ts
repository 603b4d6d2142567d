// Which address space an IP address (or the host of an http(s) URL) belongs to: public, or one of the ranges a
// feed fetch must not be pointed at (loopback, RFC 1918, link-local metadata services, CGNAT, ULA…). Pure.
//
// Sources: IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and updates). Anything that is not
// globally reachable unicast counts as non-public, including documentation and reserved ranges: a feed never
// legitimately lives there, and "not sure" must mean "refuse".

export type AddressClass =
  | 'public'
  | 'unspecified' // 0.0.0.0/8, ::  (Linux connects 0.0.0.0 to the local host)
  | 'loopback' // 127.0.0.0/8, ::1
  | 'private' // RFC 1918, fec0::/10 (deprecated site-local), 64:ff9b:1::/48 (local-use NAT64)
  | 'cgnat' // 100.64.0.0/10 (RFC 6598, shared address space)
  | 'link-local' // 169.254.0.0/16 (cloud metadata at 169.254.169.254), fe80::/10
  | 'unique-local' // fc00::/7
  | 'multicast' // 224.0.0.0/4, ff00::/8
  | 'reserved'; // documentation, benchmarking, 240/4, broadcast, IETF assignments, outside 2000::/3…

/** [first address as a 32-bit number, prefix length, class]. Checked in order; the first match wins. */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, Exclude<AddressClass, 'public'>]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // TEST-NET-1
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // TEST-NET-2
  ['203.0.113.0', 24, 'reserved'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // future use, and 255.255.255.255 broadcast
];

/** Parses strict dotted-decimal IPv4 (what URL and DNS hand us) into a 32-bit number; anything else undefined. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Parses IPv6 text (`::`, a dotted IPv4 tail, a `%zone` suffix) into eight 16-bit groups; anything else undefined. */
export function parseIpv6(text: string): number[] | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s === '' || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  if (s.includes('.')) {
    // A dotted IPv4 tail (::ffff:127.0.0.1) stands for the last two groups.
    const lastColon = s.lastIndexOf(':');
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || rest === undefined) return undefined;
  const known = head.length + rest.length;
  if (halves.length === 1) return known === 8 ? head : undefined;
  if (known > 7) return undefined;
  return [...head, ...new Array<number>(8 - known).fill(0), ...rest];
}

function classifyIpv4(n: number): AddressClass {
  for (const [first, bits, cls] of IPV4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = parseIpv4(first)!;
    if (n >= start && n < start + size) return cls;
  }
  return 'public';
}

const v4Of = (hi: number, lo: number): number => hi * 65536 + lo;

function classifyIpv6(g: readonly number[]): AddressClass {
  const [a, b, c, d, e, f, h, i] = g as [number, number, number, number, number, number, number, number];
  const firstFiveZero = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  if (firstFiveZero && f === 0 && h === 0 && i === 0) return 'unspecified';
  if (firstFiveZero && f === 0 && h === 0 && i === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped): the socket really goes to the IPv4 address.
  if (firstFiveZero && f === 0xffff) return classifyIpv4(v4Of(h, i));
  // ::a.b.c.d (deprecated IPv4-compatible) and ::ffff:0:a.b.c.d (SIIT): never a feed.
  if (firstFiveZero) return 'reserved';
  // 64:ff9b::/96 (NAT64 well-known prefix) reaches the embedded IPv4 address through the translator.
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyIpv4(v4Of(h, i));
  if (a === 0x64 && b === 0xff9b && c === 1) return 'private'; // 64:ff9b:1::/48 local-use NAT64
  // 2002::/16 (6to4) embeds an IPv4 address in bits 16–47.
  if (a === 0x2002) return classifyIpv4(v4Of(b, c));
  if (a >= 0xfc00 && a <= 0xfdff) return 'unique-local';
  if (a >= 0xfe80 && a <= 0xfebf) return 'link-local';
  if (a >= 0xfec0 && a <= 0xfeff) return 'private';
  if (a >= 0xff00) return 'multicast';
  // 2001::/23 IETF protocol assignments (Teredo 2001::/32 tunnels to anywhere), 2001:db8::/32 documentation.
  if (a === 0x2001 && (b < 0x0200 || b === 0x0db8)) return 'reserved';
  if (a === 0x3fff && b <= 0x0fff) return 'reserved'; // 3fff::/20 documentation (RFC 9637)
  // Global unicast is 2000::/3; everything else (100::/64 discard included) is not routable on the internet.
  if (a < 0x2000 || a > 0x3fff) return 'reserved';
  return 'public';
}

/** The class of an IP address in text form (IPv4 dotted decimal, or IPv6); undefined when it is not an IP. */
export function classifyAddress(address: string): AddressClass | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return classifyIpv4(v4);
  const v6 = parseIpv6(address);
  return v6 === undefined ? undefined : classifyIpv6(v6);
}

/**
 * The IP address a URL's `hostname` names, or undefined for a DNS name. WHATWG URL parsing has already turned
 * `2130706433`, `127.1`, `0x7f.1` and `0177.0.0.1` into `127.0.0.1` for http(s); IPv6 hosts come in brackets.
 */
export function hostAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return classifyAddress(bare) === undefined ? undefined : bare;
}

/** An operator's allowlist entry: a host name (exact, case-insensitive), an IP address, or an IP range in CIDR. */
export type AllowEntry = { kind: 'name'; name: string } | { kind: 'range'; v6: boolean; bits: bigint; prefix: number };

function addressBits(address: string): { v6: boolean; bits: bigint } | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return { v6: false, bits: BigInt(v4) };
  const v6 = parseIpv6(address);
  if (v6 === undefined) return undefined;
  return { v6: true, bits: v6.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n) };
}

/** Parses one allowlist entry; undefined when it is neither a host name, an address nor a valid CIDR. */
export function parseAllowEntry(text: string): AllowEntry | undefined {
  const t = text.trim().toLowerCase();
  const slash = t.indexOf('/');
  const addr = (slash >= 0 ? t.slice(0, slash) : t).replace(/^\[(.*)\]$/, '$1');
  const parsed = addressBits(addr);
  if (parsed) {
    const max = parsed.v6 ? 128 : 32;
    const prefixText = slash >= 0 ? t.slice(slash + 1) : String(max);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return undefined;
    return { kind: 'range', ...parsed, prefix: Number(prefixText) };
  }
  if (slash >= 0) return undefined;
  // A DNS name: letters, digits, hyphens and dots (RFC 1123), as URL hosts are after parsing.
  return /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(t)
    ? { kind: 'name', name: t.replace(/\.$/, '') }
    : undefined;
}

/** True when the host name or the address it resolved to is on the allowlist. */
export function isAllowed(entries: readonly AllowEntry[], hostname: string, address: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const bits = addressBits(address);
  for (const e of entries) {
    if (e.kind === 'name') {
      if (e.name === name) return true;
    } else if (bits && bits.v6 === e.v6) {
      const width = e.v6 ? 128n : 32n;
      const shift = width - BigInt(e.prefix);
      if (bits.bits >> shift === e.bits >> shift) return true;
    }
  }
  return false;
}
