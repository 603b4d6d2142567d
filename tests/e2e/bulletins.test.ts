// The bulletin drop folder, end to end: new agencies get feeds, changed files never duplicate, bad files cost nothing.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedparserInfo, xmllintOk } from '../helpers/feed-tools.js';
import { makeWorkspace, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';

interface JsonFeed {
  items: { id: string; title: string; date_published: string; content_html?: string }[];
}

const json = async (url: string) => (await (await fetch(url)).json()) as JsonFeed;

const NEW_AGENCIES = `Frontex supports return operations from Cyprus

Source: Frontex

Frontex coordinated a joint return operation from Cyprus on 3 October.

Council adopts new rules on migrant smuggling

Source: Council of the EU

The Council today adopted new rules.

• Harsher penalties
• Better cooperation
`;

describe('bulletins dropped into a running daemon', () => {
  let daemon: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;

  beforeAll(async () => {
    ws = makeWorkspace({
      nato: { name: 'NATO', timezone: 'Europe/Brussels' },
      europol: { name: 'Europol' },
      eurojust: { name: 'Eurojust' },
    });
    // Six-field cron: re-scan the drop folder every second so the test need not wait five minutes.
    daemon = await startDaemon({ FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_SCHEDULE: '* * * * * *' });
    await waitFor(async () => (await json(`${daemon.url}/feeds/all.json`)).items.length === 10, 15_000, 'the seed');
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('gives an agency no config names its own feeds under a slug id', async () => {
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'digest-2024-10-11.txt'), NEW_AGENCIES);
    await waitFor(async () => (await json(`${daemon.url}/feeds/all.json`)).items.length === 12, 10_000, 'the new bulletin');
    const frontex = await json(`${daemon.url}/feeds/frontex.json`);
    expect(frontex.items.map((i) => i.title)).toEqual(['Frontex supports return operations from Cyprus']);
    // A day-only story is published at 12:00 in its agency's zone (a discovered agency's is UTC).
    expect(frontex.items[0]!.date_published).toBe('2024-10-11T12:00:00.000Z');
    const council = await fetch(`${daemon.url}/feeds/council-of-the-eu.atom`);
    expect(council.status).toBe(200);
    const body = await council.text();
    expect(xmllintOk(body).errors).toBe('');
    expect(feedparserInfo(body).titles).toEqual(['Council adopts new rules on migrant smuggling']);
    expect(body).toContain('&lt;ul&gt;&lt;li&gt;Harsher penalties&lt;/li&gt;');
  });

  it('re-ingests a changed file without duplicating its stories, and keeps their ids and dates', async () => {
    const before = await json(`${daemon.url}/feeds/all.json`);
    const seed = path.join(ws.feedsDir, 'bulletins', 'bulletin-2024-10-09.txt');
    const hashOf = async () =>
      ((await (await fetch(`${daemon.url}/status`)).json()) as { sources: { key: string; contentHash?: string }[] }).sources.find((x) => x.key === 'bulletin-2024-10-09.txt')?.contentHash;
    const oldHash = await hashOf();
    expect(oldHash).toBeTruthy();
    appendFileSync(seed, '\n\nA correction was published.\n');
    await waitFor(async () => (await hashOf()) !== oldHash, 10_000, 'the changed bulletin to be re-read');
    await new Promise((r) => setTimeout(r, 2500)); // two more scans
    const after = await json(`${daemon.url}/feeds/all.json`);
    expect(after.items.map((i) => i.id).sort()).toEqual(before.items.map((i) => i.id).sort());
    expect(after.items.map((i) => i.date_published)).toEqual(before.items.map((i) => i.date_published));
  });

  it('reports an unreadable bulletin with its name and keeps every story', async () => {
    const before = await json(`${daemon.url}/feeds/all.json`);
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'garbage.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'empty.txt'), '');
    writeFileSync(path.join(ws.feedsDir, 'bulletins', 'orphan.txt'), 'Source: NATO\n\nA body with no title above it.\n');
    await waitFor(async () => /garbage\.bin/.test(daemon.logs()) && /empty\.txt/.test(daemon.logs()) && /orphan\.txt/.test(daemon.logs()), 10_000, 'warnings');
    expect(daemon.logs()).toMatch(/bulletin garbage\.bin: not a text bulletin/);
    expect(daemon.logs()).toMatch(/bulletin orphan\.txt line 1: /);
    const after = await json(`${daemon.url}/feeds/all.json`);
    expect(after.items.map((i) => i.id)).toEqual(before.items.map((i) => i.id));
    expect(daemon.child.exitCode).toBe(null);
  });
});
