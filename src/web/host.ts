// The Host header (or a trusted X-Forwarded-Host) → the origin our links are built on, or the reason it is refused.
import { isIPv6 } from 'node:net';

export type HostCheck = { ok: true; origin: string } | { ok: false; reason: string };

/**
 * RFC 9110 §7.2: Host = uri-host [ ":" port ]. We accept a DNS name (LDH labels, an optional trailing dot), an
 * IPv4 address or an IPv6 address in brackets (RFC 3986 IP-literal; no zone ids, no IPvFuture), and a port of
 * 1–65535. No userinfo, no path, nothing a browser would not send. Every label is bounded, so the test is linear.
 */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const NAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, 'i');
const PORT_RE = /^\d{1,5}$/;
/** 253 octets of name (RFC 1035 §2.3.4) plus a dot, or a bracketed IPv6 address, plus ":65535". */
const MAX_LENGTH = 253 + 1 + 6;

/**
 * Checks a Host value and returns the origin for `proto`, as the WHATWG URL parser writes it: lowercase, IPv4 in
 * dotted decimal, IPv6 compressed, the scheme's default port dropped. Feed libraries pass every link through
 * `new URL()`, so an origin in that form is copied into documents byte for byte, never rewritten.
 */
export function checkHost(value: string, proto: 'http' | 'https'): HostCheck {
  if (value === '') return { ok: false, reason: 'empty Host header' };
  if (value.length > MAX_LENGTH) return { ok: false, reason: 'Host header too long' };
  if (value.includes('@')) return { ok: false, reason: 'userinfo is not allowed in the Host header' };
  let port: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return { ok: false, reason: 'unclosed "[" in the Host header' };
    const ip = value.slice(1, close);
    // Hex, colons and dots only: Node's isIPv6 would also take a zone id ("fe80::1%eth0"), which URLs cannot carry.
    if (!/^[0-9a-f:.]+$/i.test(ip) || !isIPv6(ip)) return { ok: false, reason: 'not an IPv6 address between the brackets of the Host header' };
    const rest = value.slice(close + 1);
    if (rest !== '') {
      if (rest[0] !== ':') return { ok: false, reason: 'unexpected text after "]" in the Host header' };
      port = rest.slice(1);
    }
  } else {
    const colon = value.indexOf(':');
    const name = colon < 0 ? value : value.slice(0, colon);
    if (colon >= 0) port = value.slice(colon + 1);
    if (port?.includes(':')) return { ok: false, reason: 'an IPv6 address in the Host header must be in brackets' };
    if (!NAME_RE.test(name)) return { ok: false, reason: 'not a host name or IP address in the Host header' };
  }
  // RFC 3986 allows an empty port ("example.org:"): it means the default one.
  if (port !== undefined && port !== '') {
    if (!PORT_RE.test(port)) return { ok: false, reason: 'the port in the Host header is not a number' };
    const n = Number(port);
    if (n < 1 || n > 65535) return { ok: false, reason: 'the port in the Host header is outside 1–65535' };
  }
  try {
    // Also refuses names the URL parser reads as a bad IPv4 address ("999.1.1.1", "a.123").
    const origin = new URL(`${proto}://${port === '' ? value.slice(0, -1) : value}`).origin;
    return origin === 'null' ? { ok: false, reason: 'not a valid Host header' } : { ok: true, origin };
  } catch {
    return { ok: false, reason: 'not a valid host in the Host header' };
  }
}
