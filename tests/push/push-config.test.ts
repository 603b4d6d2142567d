// feeds/webhooks/<id>.json and the push environment keys: read once at start-up, one clear line per problem.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function feeds(hooks: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-pushcfg-'));
  mkdirSync(path.join(root, 'feeds', 'agencies'), { recursive: true });
  if (Object.keys(hooks).length) mkdirSync(path.join(root, 'feeds', 'webhooks'));
  for (const [name, body] of Object.entries(hooks)) writeFileSync(path.join(root, 'feeds', 'webhooks', name), typeof body === 'string' ? body : JSON.stringify(body));
  return root;
}
const ok = { url: 'https://hooks.example.org/in', secret: 'env:HOOK' };

describe('push configuration', () => {
  it('reads a webhook with its secret from the environment, defaults filled in', () => {
    const root = feeds({ 'drugs.json': { ...ok, q: 'cocaine', category: 'Europol', digest: { intervalSeconds: 600 } } });
    const c = loadConfig({ FEEDS_DIR: 'feeds', HOOK: 's3cret' }, root);
    expect(c.push!.webhooks).toEqual([{ id: 'drugs', url: ok.url, secret: 's3cret', agency: 'all', q: 'cocaine', category: 'Europol', events: ['story.created', 'story.updated', 'story.withdrawn'], digestSeconds: 600 }]);
    expect(c.push!.lease).toEqual({ defaultSeconds: 864_000, minSeconds: 300, maxSeconds: 2_592_000 });
  });

  it.each([
    { description: 'a literal secret', file: { ...ok, secret: 'plain' }, expected: /webhooks\/h\.json: secret: must be "env:NAME"/ },
    { description: 'an unset secret variable', file: { ...ok, secret: 'env:NOPE' }, expected: /secret: environment variable NOPE is not set/ },
    { description: 'an unknown key', file: { ...ok, colour: 'red' }, expected: /h\.json: colour: unknown key/ },
    { description: 'an unknown event', file: { ...ok, events: ['story.deleted'] }, expected: /events\[0\]/ },
    { description: 'an empty q', file: { ...ok, q: '  ' }, expected: /q: q must not be empty/ },
    { description: 'a URL with credentials', file: { ...ok, url: 'https://u:p@hooks.example.org/' }, expected: /url: not an absolute http\(s\) URL without credentials/ },
    { description: 'a digest too short', file: { ...ok, digest: { intervalSeconds: 1 } }, expected: /digest.intervalSeconds/ },
    { description: 'invalid JSON', file: '{', expected: /not valid JSON/ },
  ])('refuses $description', ({ file, expected }) => {
    const root = feeds({ 'h.json': file });
    expect(() => loadConfig({ FEEDS_DIR: 'feeds', HOOK: 'x' }, root)).toThrow(expected);
  });

  it.each([
    { env: { WEBSUB_PING_HUBS: 'https://hub.example/' }, expected: /WEBSUB_PING_HUBS: needs PUBLIC_URL/ },
    { env: { WEBSUB_PING_HUBS: 'nope', PUBLIC_URL: 'https://p.example' }, expected: /"nope" is not an absolute/ },
    { env: { WEBSUB_LEASE_SECONDS: '10' }, expected: /WEBSUB_LEASE_SECONDS: 10 is outside 300–2592000/ },
  ])('refuses $env', ({ env, expected }) => {
    const root = feeds({});
    expect(() => loadConfig({ FEEDS_DIR: 'feeds', ...env }, root)).toThrow(ConfigError);
    expect(() => loadConfig({ FEEDS_DIR: 'feeds', ...env }, root)).toThrow(expected);
  });
});
