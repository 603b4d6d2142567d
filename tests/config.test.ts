// The environment keys of the web tier: TRUST_PROXY and the HTTP server's timeouts, each refused with the key named.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FULLTEXT_DEFAULTS, HTTP_DEFAULTS, loadAgencies, loadConfig } from '../src/config.js';

const root = mkdtempSync(path.join(tmpdir(), 'pressroom-config-'));
mkdirSync(path.join(root, 'feeds', 'agencies'), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ FEEDS_DIR: path.join(root, 'feeds'), ...env }, root);

describe('TRUST_PROXY', () => {
  it.each([
    { value: undefined, expected: false },
    { value: '', expected: false },
    { value: 'false', expected: false },
    { value: '0', expected: false },
    { value: 'true', expected: true },
    { value: 'TRUE', expected: true },
    { value: '1', expected: true },
    { value: '2', expected: true },
    { value: 'loopback', expected: ['loopback'] },
    { value: 'loopback, 10.0.0.0/8,::1, 192.168.1.10', expected: ['loopback', '10.0.0.0/8', '::1', '192.168.1.10'] },
    { value: 'fd00::/8', expected: ['fd00::/8'] },
  ])('$value → $expected', ({ value, expected }) => {
    expect(load(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['maybe', '10.0.0.0/33', '::1/129', '10.0.0.1/8/8', 'loopback,', 'example.org'])('%s is refused naming the key', (value) => {
    expect(() => load({ TRUST_PROXY: value })).toThrow(/^environment: TRUST_PROXY: .*(not an IP address|prefix length)/);
  });
});

describe('HTTP server timeouts', () => {
  it('have defaults', () => {
    expect(load({}).http).toEqual(HTTP_DEFAULTS);
    expect(HTTP_DEFAULTS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000 });
  });

  it('are read from the environment', () => {
    const c = load({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '4000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500', HTTP_IDLE_TIMEOUT_MS: '20000' });
    expect(c.http).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 4000, keepAliveTimeoutMs: 1500, idleTimeoutMs: 20000 });
  });

  it.each([
    { env: { HTTP_HEADERS_TIMEOUT_MS: 'soon' }, error: /HTTP_HEADERS_TIMEOUT_MS: "soon" is not a whole number/ },
    { env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' }, error: /HTTP_KEEP_ALIVE_TIMEOUT_MS: 0 is outside/ },
    { env: { HTTP_IDLE_TIMEOUT_MS: '10' }, error: /HTTP_IDLE_TIMEOUT_MS: 10 is outside/ },
    { env: { HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, error: /HTTP_REQUEST_TIMEOUT_MS: 10000 is shorter than HTTP_HEADERS_TIMEOUT_MS/ },
  ] as { env: Record<string, string>; error: RegExp }[])('$env is refused naming the key', ({ env, error }) => {
    expect(() => load(env)).toThrow(error);
  });
});

describe('full text of teasers', () => {
  it('FULLTEXT_* have defaults and are read from the environment', () => {
    expect(load({}).fulltext).toEqual(FULLTEXT_DEFAULTS);
    expect(load({ FULLTEXT_MAX_PER_RUN: '0', FULLTEXT_MIN_CHARS: '300', FULLTEXT_MAX_AGE_DAYS: '3', FULLTEXT_MAX_BYTES: '65536' }).fulltext).toMatchObject({
      maxPerRun: 0,
      minChars: 300,
      maxAgeDays: 3,
      maxBytes: 65536,
    });
    expect(() => load({ FULLTEXT_MAX_PER_RUN: 'ten' })).toThrow(/^environment: FULLTEXT_MAX_PER_RUN: /);
  });

  const agencyDir = (json: object) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-agencies-'));
    writeFileSync(path.join(dir, 'nato.json'), JSON.stringify({ name: 'NATO', ...json }));
    return dir;
  };
  it.each([
    { description: 'absent: on, the extractor guesses', json: {}, expected: undefined },
    { description: 'false: off', json: { fulltext: false }, expected: false },
    { description: 'a selector', json: { fulltext: { selector: 'article .field--name-body' } }, expected: { selector: 'article .field--name-body' } },
  ])('fulltext $description', ({ json, expected }) => {
    expect(loadAgencies(agencyDir(json))[0]!.fulltext).toEqual(expected);
  });
  it.each([
    { description: 'true', json: { fulltext: true }, problem: /fulltext: must be false or/ },
    { description: 'a bad selector', json: { fulltext: { selector: 'div[[' } }, problem: /fulltext\.selector: not a valid CSS selector/ },
    { description: 'an unknown key', json: { fulltext: { selector: 'main', mode: 'x' } }, problem: /fulltext/ },
  ])('fulltext: $description stops start-up naming the key', ({ json, problem }) => {
    expect(() => loadAgencies(agencyDir(json))).toThrow(problem);
  });
});
