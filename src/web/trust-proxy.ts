// Whether a peer is a proxy whose X-Forwarded-Proto and X-Forwarded-Host we believe (TRUST_PROXY), as Express's
// `trust proxy` decides it for req.protocol and req.host: only the address of the immediate peer matters.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** false: never (the default); true: any peer; a list: peers whose address is in it. */
export type TrustProxy = boolean | readonly string[];

/** One list entry: an IP address, a CIDR block, or `loopback` (127.0.0.0/8 and ::1). */
export function trustEntryProblem(entry: string): string | undefined {
  if (entry === 'loopback') return undefined;
  const [ip, prefix, more] = entry.split('/');
  const family = isIPv4(ip ?? '') ? 'ipv4' : isIPv6(ip ?? '') ? 'ipv6' : undefined;
  if (family === undefined || more !== undefined) return `"${entry}" is not an IP address, a CIDR block or "loopback"`;
  if (prefix !== undefined && (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 'ipv4' ? 32 : 128)))
    return `"${entry}" has a prefix length outside 0–${family === 'ipv4' ? 32 : 128}`;
  return undefined;
}

export function compileTrust(trust: TrustProxy | undefined): (address: string | undefined) => boolean {
  if (trust === undefined || trust === false) return () => false;
  if (trust === true) return () => true;
  const list = new BlockList();
  for (const entry of trust) {
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [ip, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIPv4(ip) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(ip, family);
    else list.addSubnet(ip, Number(prefix), family);
  }
  return (address) => {
    if (address === undefined) return false;
    // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 addresses.
    const v4 = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
    return list.check(v4, isIPv4(v4) ? 'ipv4' : 'ipv6');
  };
}
