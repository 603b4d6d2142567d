// The operator's commands with no daemon running: the CLI takes the store's lock and writes itself.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkspace, runCli, startDaemon } from '../helpers/daemon.js';

describe('operator commands without a daemon', () => {
  it('ingests, withdraws and restores under the store lock, and lists the agencies', async () => {
    const ws = makeWorkspace({ nato: { name: 'NATO', timezone: 'Europe/Brussels' }, europol: { name: 'Europol' }, eurojust: { name: 'Eurojust' } });
    const env = { FEEDS_DIR: ws.feedsDir, DATA_DIR: ws.dataDir };
    const ingest = await runCli(['ingest', '--once'], env);
    expect(ingest.code).toBe(0);
    expect(existsSync(path.join(ws.dataDir, 'control.sock'))).toBe(false);

    const list = await runCli(['agencies'], env);
    expect(list.stdout).toMatch(/^nato\tconfigured\t5 stories\t"NATO"$/m);

    // A story id from the store, through a daemon that is then stopped.
    const d = await startDaemon(env);
    const feed = (await (await fetch(`${d.url}/feeds/nato.json`)).json()) as { items: { id: string }[] };
    await d.stop();
    const id = feed.items[0]!.id;
    expect(existsSync(path.join(ws.dataDir, 'control.sock'))).toBe(false);

    const w = await runCli(['withdraw', id], env);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    expect(w.stdout).toContain(`withdrawn ${id}`);
    expect((await runCli(['agencies'], env)).stdout).toMatch(/^nato\tconfigured\t4 stories/m);
    // `status` lists it with its id, so it can be undone.
    expect((await runCli(['status'], env)).stdout).toMatch(new RegExp(`^withdrawn ${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\S+ by operator: withdrawn by the operator: "`, 'm'));
    const again = await runCli(['withdraw', id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already withdrawn');
    // Named by its page's address, as copied from a browser.
    const undo = await runCli(['withdraw', '--undo', `http://127.0.0.1:8080/stories/${encodeURIComponent(id)}`], env);
    expect(undo.code).toBe(0);
    expect((await runCli(['agencies'], env)).stdout).toMatch(/^nato\tconfigured\t5 stories/m);

    expect((await runCli(['withdraw'], env)).code).toBe(2);
    expect((await runCli(['agencies', 'drop', 'nato'], env)).code).toBe(2);
    const unknown = await runCli(['agencies', 'forget', 'nobody'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no agency "nobody"');
  }, 120_000);
});
