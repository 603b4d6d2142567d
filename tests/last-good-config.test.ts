// The last good config: a typo never takes a process down when one validated before; headers come from the
// environment; the web tier checks only what it uses; the file kept holds no secret.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { LAST_GOOD_FILE, loadConfigOrLastGood } from '../src/last-good-config.js';

let root: string;
let env: Record<string, string>;
const agencyFile = (id: string, body: object) => writeFileSync(path.join(root, 'feeds', 'agencies', `${id}.json`), JSON.stringify(body));
const NATO = { name: 'NATO', feeds: [{ url: 'https://www.nato.int/rss.xml', headers: { Authorization: 'env:NATO_TOKEN' } }] };

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'pressroom-lastgood-'));
  mkdirSync(path.join(root, 'feeds', 'agencies'), { recursive: true });
  mkdirSync(path.join(root, 'data'));
  env = { FEEDS_DIR: path.join(root, 'feeds'), DATA_DIR: path.join(root, 'data'), NATO_TOKEN: 'Bearer nato-secret-123', PORT: '8080' };
  agencyFile('nato', NATO);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('feed headers from the environment', () => {
  it('resolve "env:NAME" at start-up', () => {
    expect(loadConfig(env, root).agencies[0]!.feeds[0]!.headers).toEqual({ Authorization: 'Bearer nato-secret-123' });
  });
  it('an unset variable is refused naming the file, the key and the variable', () => {
    const { NATO_TOKEN: _t, ...without } = env;
    expect(() => loadConfig(without, root)).toThrow(/nato\.json: feeds\[0\]\.headers\.Authorization: environment variable NATO_TOKEN is not set/);
  });
  it.each([
    { headers: { 'Bad Name': 'x' }, problem: /not a valid header name/ },
    { headers: { Host: 'evil.example' }, problem: /set by Pressroom itself/ },
    { headers: { 'X-A': 'a\r\nInjected: 1' }, problem: /line breaks/ },
  ])('a bad header is refused: $problem', ({ headers, problem }) => {
    agencyFile('nato', { name: 'NATO', feeds: [{ url: 'https://www.nato.int/rss.xml', headers }] });
    expect(() => loadConfig(env, root)).toThrow(problem);
  });
  it('the web tier resolves none (it fetches nothing), so it needs no secret', () => {
    const { NATO_TOKEN: _t, ...without } = env;
    expect(loadConfig(without, root, { scope: 'web' }).agencies[0]!.feeds[0]!.headers).toBeUndefined();
  });
});

describe('OPERATOR_*', () => {
  it('defaults: no listener, loopback host, no token', () => {
    expect(loadConfig(env, root).operator).toEqual({ host: '127.0.0.1' });
  });
  it('reads the port, the host and the token', () => {
    expect(loadConfig({ ...env, OPERATOR_PORT: '9464', OPERATOR_HOST: '::1', OPERATOR_TOKEN: 'abcdefghijklmnop' }, root).operator).toEqual({ port: 9464, host: '::1', token: 'abcdefghijklmnop' });
  });
  it('refuses the public port as the operator port', () => {
    expect(() => loadConfig({ ...env, OPERATOR_PORT: '8080' }, root)).toThrow(/^environment: OPERATOR_PORT: 8080 is also PORT/);
  });
  it('refuses a PUBLIC_URL with a user name or password', () => {
    expect(() => loadConfig({ ...env, PUBLIC_URL: 'https://u:p@press.example.org' }, root)).toThrow(/^environment: PUBLIC_URL: must not carry a user name or password/);
  });
  it.each(['short', 'has a space in it....'])('refuses a weak token %j', (token) => {
    expect(() => loadConfig({ ...env, OPERATOR_TOKEN: token }, root)).toThrow(/^environment: OPERATOR_TOKEN: /);
  });
});

describe('the last good config', () => {
  const run = (scope: 'all' | 'web' = 'all', save = true) => loadConfigOrLastGood(env, root, { save, scope });

  it('a valid config is kept in DATA_DIR, readable by the owner only, without any secret value', () => {
    expect(run().degraded).toBeUndefined();
    const file = path.join(root, 'data', LAST_GOOD_FILE);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('env:NATO_TOKEN');
    expect(text).not.toContain('nato-secret-123');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a typo after a good start: the last good config runs, and the error names the file, the key and the problem', () => {
    run();
    agencyFile('frontex', { name: 'Frontex', timezon: 'Europe/Warsaw' });
    const out = run();
    expect(out.degraded?.error.message).toMatch(/frontex\.json: timezon: unknown key/);
    expect(out.degraded?.message).toMatch(/running on the last good config/);
    expect(out.config.agencies.map((a) => a.id)).toEqual(['nato']);
    // The secret still comes from the environment.
    expect(out.config.agencies[0]!.feeds[0]!.headers).toEqual({ Authorization: 'Bearer nato-secret-123' });
    // The bad config did not replace the good one.
    expect(readFileSync(path.join(root, 'data', LAST_GOOD_FILE), 'utf8')).not.toContain('frontex');
  });

  it('a bad variable after a good start: the last good variables run with the new files', () => {
    run();
    env.FETCH_TIMEOUT_MS = 'twenty';
    agencyFile('frontex', { name: 'Frontex' });
    const out = run();
    expect(out.degraded?.error.message).toMatch(/^environment: FETCH_TIMEOUT_MS: /);
    expect(out.config.fetch.timeoutMs).toBe(20_000);
    expect(out.config.agencies.map((a) => a.id)).toEqual(['frontex', 'nato']);
  });

  it('a first start with a bad config and no last good one throws the config error', () => {
    agencyFile('frontex', { name: 'Frontex', timezon: 'Europe/Warsaw' });
    expect(() => run()).toThrow(/frontex\.json: timezon: unknown key/);
    expect(readdirSync(path.join(root, 'data'))).toEqual([]);
  });

  it('the web tier serves a typo it does not read with the new files (no last good config needed), and reports it', () => {
    agencyFile('frontex', { name: 'Frontex', timezon: 'Europe/Warsaw' });
    const out = run('web');
    expect(out.config.agencies.map((a) => a.id)).toEqual(['frontex', 'nato']);
    expect(out.degraded?.error.message).toMatch(/frontex\.json: timezon: unknown key/);
  });

  it('the web tier falls back to the last good config when a file is not even JSON', () => {
    run();
    writeFileSync(path.join(root, 'feeds', 'agencies', 'frontex.json'), '{"name": "Frontex",');
    const out = run('web');
    expect(out.config.agencies.map((a) => a.id)).toEqual(['nato']);
    expect(out.degraded?.error.message).toMatch(/frontex\.json: \(file\): not valid JSON/);
  });

  it('a first start keeps it even before the store has made DATA_DIR', () => {
    rmSync(path.join(root, 'data'), { recursive: true });
    run();
    expect(readdirSync(path.join(root, 'data'))).toEqual([LAST_GOOD_FILE]);
  });

  it('never reads or writes through a symbolic link planted in DATA_DIR', () => {
    const outside = path.join(root, 'outside.json');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, path.join(root, 'data', LAST_GOOD_FILE));
    symlinkSync(outside, path.join(root, 'data', `${LAST_GOOD_FILE}.tmp-${process.pid}`));
    agencyFile('frontex', { name: 'Frontex', timezon: 'x' });
    // Not read as a last good config (a first start, then: it throws).
    expect(() => run()).toThrow(/timezon/);
    rmSync(path.join(root, 'feeds', 'agencies', 'frontex.json'));
    run();
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(lstatSync(path.join(root, 'data', LAST_GOOD_FILE)).isFile()).toBe(true);
  });

  it('save: false writes nothing', () => {
    run('all', false);
    expect(readdirSync(path.join(root, 'data'))).toEqual([]);
  });
});
