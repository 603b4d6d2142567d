// checkHost: which Host values make an origin, in which form, and what the others are refused for.
import { describe, expect, it } from 'vitest';
import { checkHost } from '../../src/web/host.js';
import { cpuTimedSync } from '../helpers/cpu-time.js';
import { HOST_CASES } from './host.data.js';

describe('checkHost', () => {
  it.each(HOST_CASES)('$description: $host', ({ host, origin, reason }) => {
    const r = checkHost(host, 'http');
    if (origin !== undefined) expect(r).toEqual({ ok: true, origin });
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason!);
    }
  });

  it('the default port depends on the scheme', () => {
    expect(checkHost('example.org:443', 'https')).toEqual({ ok: true, origin: 'https://example.org' });
    expect(checkHost('example.org:443', 'http')).toEqual({ ok: true, origin: 'http://example.org:443' });
    expect(checkHost('example.org:80', 'https')).toEqual({ ok: true, origin: 'https://example.org:80' });
  });

  it('every origin it makes survives `new URL()` unchanged (what the feed library does to links)', () => {
    for (const c of HOST_CASES.filter((c) => c.origin !== undefined)) {
      const r = checkHost(c.host, 'http');
      if (!r.ok) throw new Error(c.host);
      expect(new URL(`${r.origin}/feeds/all.atom`).href).toBe(`${r.origin}/feeds/all.atom`);
      // Characters XML, HTML and JSON write as they are: the splice needs no escaping.
      expect(r.origin).toMatch(/^https?:\/\/[a-z0-9.:[\]-]+$/);
    }
  });

  it('is linear on a long hostile value', () => {
    // CPU time: a loaded machine stretches wall time, a backtracking check costs CPU whatever the load.
    const { cpuMs } = cpuTimedSync(() => {
      for (let i = 0; i < 1000; i++) checkHost(`${'a-'.repeat(125)}!`, 'http');
    });
    expect(cpuMs).toBeLessThan(2000);
  });
});
