// A bulletin file is its author's current word: edits correct and withdraw, deletions withdraw after a grace period,
// the operator withdraws stories and forgets agencies, and a dropped file is live within seconds, all against the
// real daemon (`pressroom start` with the default five-minute schedule: only the watcher can be that quick).
import { appendFileSync, closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, startDaemon, waitFor, type Daemon } from '../helpers/daemon.js';
import { feedparserInfo, xmllintOk } from '../helpers/feed-tools.js';

interface JsonFeed {
  items: { id: string; title: string; date_modified: string; content_html?: string }[];
}

const ARREST = `Europol supports arrest of 12 suspects in investment fraud case

Source: Europol

Law enforcement authorities from Spain and Germany arrested 12 suspects of an investment fraud scheme that
defrauded more than 3,000 victims across Europe of an estimated EUR 40 million.
`;
const EXERCISE = `NATO Allies conclude annual nuclear deterrence exercise

Source: NATO

Brussels, 9 October 2024 – NATO Allies concluded the annual exercise Steadfast Noon, which involved 60 aircraft
from thirteen Allied nations flying over the North Sea and the United Kingdom.
`;
const TYPO = `Frontex helps rescue 40 people off the coast of Lampedusa

Source: Frontexx

A Frontex surveillance aircraft spotted a boat in distress south of Lampedusa and alerted the Italian coast guard.
`;

describe('edits, deletions and the operator’s withdrawals', { timeout: 60_000 }, () => {
  let daemon: Daemon;
  let ws: ReturnType<typeof makeWorkspace>;
  let env: Record<string, string>;
  const bulletin = (name: string) => path.join(ws.feedsDir, 'bulletins', name);
  const feed = async (p = 'all.json') => (await (await fetch(`${daemon.url}/feeds/${p}`)).json()) as JsonFeed;
  const titles = async (p = 'all.json') => (await feed(p)).items.map((i) => i.title);
  const idOf = async (title: string) => (await feed()).items.find((i) => i.title === title)?.id;

  beforeAll(async () => {
    ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol' } }, []);
    writeFileSync(bulletin('digest-2024-10-09.txt'), `${EXERCISE}\n${ARREST}`);
    // The shipped schedule (every five minutes) and settle time: what is quick here is the watcher.
    env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir, BULLETIN_DELETE_GRACE_MS: '3000' };
    daemon = await startDaemon(env);
    await waitFor(async () => (await titles()).length === 2, 15_000, 'the first bulletin');
  }, 30_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('shows a dropped bulletin in the feeds within 10 s, and ignores dot-named temporary files', async () => {
    const t0 = Date.now();
    writeFileSync(bulletin('.incoming.tmp'), TYPO.replace('Frontexx', 'NATO'));
    writeFileSync(bulletin('late-2024-10-10.txt'), TYPO);
    await waitFor(async () => (await titles()).includes('Frontex helps rescue 40 people off the coast of Lampedusa'), 10_000, 'the dropped bulletin');
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The temporary file (the same item under NATO) was never read.
    expect(await titles('nato.json')).toEqual(['NATO Allies conclude annual nuclear deterrence exercise']);
    rmSync(bulletin('.incoming.tmp'));
  });

  it('never reads a file half-way while it is still being written', async () => {
    const name = bulletin('pieces-2024-10-10.txt');
    const full = `Europol dismantles a cannabis network in the Netherlands

Source: Europol

Dutch police with Europol support dismantled a criminal network that grew cannabis in 14 warehouses near Eindhoven.
`;
    const half = full.slice(0, full.indexOf('Source:') + 'Source: Europol\n\nDutch police'.length);
    writeFileSync(name, half);
    const seen = new Set<string>();
    // Copied in pieces 300 ms apart: each piece restarts the wait.
    for (const piece of [' with Europol support', ' dismantled a criminal', ' network that grew cannabis', full.slice(half.length + ' with Europol support dismantled a criminal network that grew cannabis'.length)]) {
      await new Promise((r) => setTimeout(r, 300));
      for (const i of (await feed('europol.json')).items) seen.add(i.content_html ?? '');
      appendFileSync(name, piece);
    }
    await waitFor(async () => (await titles('europol.json')).includes('Europol dismantles a cannabis network in the Netherlands'), 10_000, 'the complete file');
    for (const i of (await feed('europol.json')).items) seen.add(i.content_html ?? '');
    const bodies = [...seen].filter((b) => b.includes('Dutch police'));
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('14 warehouses near Eindhoven');
  });

  it('waits for a writer that keeps the file open across a pause longer than the settle time', async () => {
    const title = 'Europol supports seizure of two tonnes of cocaine in Rotterdam';
    const full = `${title}\n\nSource: Europol\n\nDutch customs, supported by Europol, seized two tonnes of cocaine hidden in a shipment of bananas in the port of Rotterdam.\n`;
    const cut = full.indexOf('hidden');
    const fd = openSync(bulletin('paused-2024-10-10.txt'), 'w');
    try {
      writeSync(fd, full.slice(0, cut));
      // Three settle times (1 s) without a write: size and time stand still, but the file is still open.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await titles('europol.json')).not.toContain(title);
      writeSync(fd, full.slice(cut));
    } finally {
      closeSync(fd);
    }
    await waitFor(async () => (await titles('europol.json')).includes(title), 10_000, 'the file once closed');
    const item = (await feed('europol.json')).items.find((i) => i.title === title)!;
    expect(item.content_html).toContain('shipment of bananas in the port of Rotterdam');
  });

  it('corrects an edited item in place and withdraws a removed one: gone from every feed, its page 410', async () => {
    const exercise = (await idOf('NATO Allies conclude annual nuclear deterrence exercise'))!;
    const arrest = (await idOf('Europol supports arrest of 12 suspects in investment fraud case'))!;
    const before = (await feed()).items.find((i) => i.id === exercise)!;
    expect(exercise && arrest).toBeTruthy();
    const lastModified = (await fetch(`${daemon.url}/feeds/europol.atom`)).headers.get('last-modified')!;
    // The author fixes a title and deletes the item that should not have been there.
    writeFileSync(bulletin('digest-2024-10-09.txt'), EXERCISE.replace('conclude annual nuclear deterrence exercise', 'conclude the annual nuclear deterrence exercise Steadfast Noon'));
    await waitFor(async () => !(await titles()).includes('Europol supports arrest of 12 suspects in investment fraud case'), 10_000, 'the withdrawal');
    const after = (await feed()).items.find((i) => i.id === exercise)!;
    expect(after.title).toBe('NATO Allies conclude the annual nuclear deterrence exercise Steadfast Noon');
    expect(after.date_modified > before.date_modified).toBe(true);
    expect((await titles()).filter((t) => t.startsWith('NATO Allies'))).toHaveLength(1);

    // Gone everywhere a reader looks: every format, the agency's feed, a query variant, the front page.
    for (const p of ['all.rss', 'all.atom', 'europol.atom', 'europol.rss', 'all.atom?q=fraud', 'europol.json?category=europol', 'europol/archive/2024-10.atom', 'all/archive/2024-10.atom']) {
      const res = await fetch(`${daemon.url}/feeds/${p}`);
      expect(res.status, p).toBe(200);
      const body = await res.text();
      expect(body, p).not.toContain('investment fraud');
      if (!p.endsWith('.json') && !p.includes('?')) expect(xmllintOk(body).errors, p).toBe('');
    }
    expect(feedparserInfo(await (await fetch(`${daemon.url}/feeds/all.atom`)).text()).titles).not.toContain('Europol supports arrest of 12 suspects in investment fraud case');
    expect(await (await fetch(`${daemon.url}/`)).text()).not.toContain('investment fraud');
    // A reader revalidating with If-Modified-Since alone is told the feed changed, though no story left in it did.
    const revalidated = await fetch(`${daemon.url}/feeds/europol.atom`, { headers: { 'If-Modified-Since': lastModified } });
    expect(revalidated.status).toBe(200);
    expect(Date.parse(revalidated.headers.get('last-modified')!)).toBeGreaterThan(Date.parse(lastModified));
    const page = await fetch(`${daemon.url}/stories/${encodeURIComponent(arrest)}`);
    expect(page.status).toBe(410);
    const line = await page.text();
    expect(line).toMatch(/^gone: this story was withdrawn on \d{4}-\d\d-\d\dT[\d:.]+Z: removed from bulletin digest-2024-10-09\.txt\n$/);
    // Never silently: the operator finds it on /status, with when and why.
    const status = (await (await fetch(`${daemon.url}/status`)).json()) as { withdrawn: { id: string; reason: string; by: string }[] };
    expect(status.withdrawn).toContainEqual(expect.objectContaining({ id: arrest, by: 'source', reason: 'removed from bulletin digest-2024-10-09.txt' }));
    expect(daemon.logs()).toContain(`"story":"${arrest}"`);

    // Put back: the same id, never a new one.
    appendFileSync(bulletin('digest-2024-10-09.txt'), `\n${ARREST}`);
    await waitFor(async () => (await idOf('Europol supports arrest of 12 suspects in investment fraud case')) === arrest, 10_000, 'the item back under its old id');
    expect((await fetch(`${daemon.url}/stories/${encodeURIComponent(arrest)}`)).status).toBe(200);
  });

  it('withdraws a deleted bulletin’s stories after the grace period, not before, and not when the file is replaced', async () => {
    writeFileSync(bulletin('short-2024-10-11.txt'), ARREST.replace('12 suspects', '7 suspects').replace('Spain and Germany', 'Portugal'));
    await waitFor(async () => (await titles()).includes('Europol supports arrest of 7 suspects in investment fraud case'), 10_000, 'the short bulletin');
    // Replaced by a non-atomic copy: gone for a moment, back well within the grace period.
    const text = ARREST.replace('12 suspects', '7 suspects').replace('Spain and Germany', 'Portugal');
    rmSync(bulletin('short-2024-10-11.txt'));
    await new Promise((r) => setTimeout(r, 1200));
    writeFileSync(bulletin('short-2024-10-11.txt'), text);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await titles()).toContain('Europol supports arrest of 7 suspects in investment fraud case');

    rmSync(bulletin('short-2024-10-11.txt'));
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await titles()).toContain('Europol supports arrest of 7 suspects in investment fraud case');
    await waitFor(async () => !(await titles()).includes('Europol supports arrest of 7 suspects in investment fraud case'), 10_000, 'the withdrawal');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2900);
  });

  it('forgets a discovered agency: its feeds and pages answer 410, its stories leave every list; restore undoes it', async () => {
    expect((await fetch(`${daemon.url}/feeds/frontexx.atom`)).status).toBe(200);
    const id = (await idOf('Frontex helps rescue 40 people off the coast of Lampedusa'))!;
    // Every HTML URL the agency had (README, "Endpoints" and "Pages"): lists, a later page, a search, its months,
    // a month, its subscribe pages, and its story's own page. Each existed before it was forgotten.
    const pages = [
      '/news/frontexx',
      '/news/frontexx?before=2024-10-11T00:00:00.000Z~999999',
      '/news/frontexx?q=rescue&category=&since=2024-10-01',
      '/news/frontexx/archive',
      '/news/frontexx/archive/2024-10',
      '/subscribe/frontexx',
      '/subscribe/frontexx?q=rescue',
      `/stories/${encodeURIComponent(id)}`,
    ];
    for (const p of pages) expect((await fetch(`${daemon.url}${p}`)).status, p).toBe(200);
    const r = await runCli(['agencies', 'forget', 'frontexx'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('agency frontexx forgotten');
    for (const f of ['frontexx.atom', 'frontexx.rss', 'frontexx.json', 'frontexx/archive/2024-10.atom']) {
      const res = await fetch(`${daemon.url}/feeds/${f}`);
      expect(res.status, f).toBe(410);
      expect(await res.text()).toMatch(/^gone: the feeds of "frontexx" were removed on .*\n$/);
    }
    expect(await titles()).not.toContain('Frontex helps rescue 40 people off the coast of Lampedusa');
    for (const p of pages) {
      const res = await fetch(`${daemon.url}${p}`);
      expect(res.status, p).toBe(410);
      const line = await res.text();
      if (p.startsWith('/stories/')) expect(line, p).toMatch(/^gone: this story was withdrawn on [\d-]+T[\d:.]+Z: the agency frontexx was removed by the operator\n$/);
      else expect(line, p).toMatch(/^gone: the pages of "frontexx" were removed on [\d-]+T[\d:.]+Z: the agency frontexx was removed by the operator\n$/);
    }
    // Still gone with a query the page would refuse, and still a 404 for an agency that never was.
    expect((await fetch(`${daemon.url}/news/frontexx?limit=5`)).status).toBe(410);
    expect((await fetch(`${daemon.url}/news/frontexxx`)).status).toBe(404);
    expect((await fetch(`${daemon.url}/subscribe`)).status).toBe(200);
    expect(await (await fetch(`${daemon.url}/subscribe`)).text()).not.toContain('frontexx');
    const opml = await (await fetch(`${daemon.url}/feeds.opml`)).text();
    expect(opml).not.toContain('frontexx');
    expect(await (await fetch(`${daemon.url}/`)).text()).not.toContain('Frontexx');
    // A configured agency is never forgotten.
    const nato = await runCli(['agencies', 'forget', 'nato'], env);
    expect(nato.code).toBe(1);
    expect(nato.stderr).toContain('configured');

    const back = await runCli(['agencies', 'restore', 'frontexx'], env);
    expect(back.code).toBe(0);
    expect((await fetch(`${daemon.url}/feeds/frontexx.atom`)).status).toBe(200);
    expect(await idOf('Frontex helps rescue 40 people off the coast of Lampedusa')).toBe(id);
    for (const p of pages) expect((await fetch(`${daemon.url}${p}`)).status, p).toBe(200);
  });

  it('withdraws one story on the operator’s word, through the running daemon, and puts it back', async () => {
    const id = (await idOf('NATO Allies conclude the annual nuclear deterrence exercise Steadfast Noon'))!;
    const r = await runCli(['withdraw', id, '--reason', 'published by mistake'], env);
    expect(r.code).toBe(0);
    const res = await fetch(`${daemon.url}/stories/${encodeURIComponent(id)}`);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain(': published by mistake');
    expect(await titles('nato.json')).toEqual([]);
    // The file still names it: an operator's withdrawal sticks through re-reads.
    appendFileSync(bulletin('digest-2024-10-09.txt'), '\n');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await titles('nato.json')).toEqual([]);
    const undo = await runCli(['withdraw', '--undo', id], env);
    expect(undo.code).toBe(0);
    expect(await idOf('NATO Allies conclude the annual nuclear deterrence exercise Steadfast Noon')).toBe(id);
    const unknown = await runCli(['withdraw', 'tag:pressroom,2024-10-09:nato/0000'], env);
    expect(unknown.code).toBe(1);
  });

  it('runs `ingest --once` in the running daemon instead of refusing', async () => {
    writeFileSync(
      bulletin('once-2024-10-12.txt'),
      'Europol report on online fraud schemes published\n\nSource: Europol\n\nThe report maps the online fraud schemes most reported by member states, from phishing to fake shops.\n',
    );
    const r = await runCli(['ingest', '--once'], env);
    // Without the daemon's channel this would be "store … is locked" and exit 1.
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ingest: \d+ new, \d+ updated stories/m);
    // The daemon ran before it answered: the story is already served.
    expect(await titles()).toContain('Europol report on online fraud schemes published');
  });
});
