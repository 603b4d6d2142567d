// The address classes behind the SSRF guard: every spelling an upstream may use, IPv6 forms, and the allowlist.
import { describe, expect, it } from 'vitest';
import { classifyAddress, hostAddress, isAllowed, parseAllowEntry, parseIpv6 } from '../../src/sources/address-class.js';
import { ALLOW_CASES, BAD_ALLOW_ENTRIES, URL_CASES } from './address-class.data.js';

describe('the host of a URL', () => {
  it.each(URL_CASES)('$description: $url → $expected', ({ url, expected }) => {
    const address = hostAddress(new URL(url).hostname);
    expect(address === undefined ? undefined : classifyAddress(address)).toBe(expected);
  });
});

describe('addresses as DNS returns them', () => {
  it.each([
    { address: '127.0.0.1', expected: 'loopback' },
    { address: '::ffff:10.0.0.1', expected: 'private' },
    { address: 'fe80::1%eth0', expected: 'link-local' },
    { address: '8.8.8.8', expected: 'public' },
    { address: 'not-an-ip', expected: undefined },
    { address: '1.2.3', expected: undefined },
    { address: '1.2.3.256', expected: undefined },
    { address: '1::2::3', expected: undefined },
    { address: '1:2:3:4:5:6:7:8:9', expected: undefined },
  ])('$address → $expected', ({ address, expected }) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('expands IPv6 forms to eight groups', () => {
    expect(parseIpv6('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
    expect(parseIpv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x102, 0x304]);
    expect(parseIpv6('fe80::')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('FETCH_ALLOW_HOSTS entries', () => {
  it.each(ALLOW_CASES)('$description', ({ entries, hostname, address, expected }) => {
    const parsed = entries.map((e) => parseAllowEntry(e)!);
    expect(parsed.every(Boolean)).toBe(true);
    expect(isAllowed(parsed, hostname, address)).toBe(expected);
  });

  it.each(BAD_ALLOW_ENTRIES)('refuses %j', (entry) => {
    expect(parseAllowEntry(entry)).toBeUndefined();
  });
});
