// The web tier's hand-over of subscription requests to the worker (DATA_DIR/websub-spool/): requests come out
// whole and in arrival order, and a FIFO or a symbolic link planted in the spool is dropped, never waited on or
// followed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HubRequest } from '../../src/push/hub-request.js';
import { spoolDir, spoolRequest, takeSpooled } from '../../src/push/spool.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const request = (n: number): HubRequest => ({
  mode: 'subscribe',
  callback: `https://reader.example.org/cb/${n}?k=1`,
  topic: 'https://pressroom.example.org/feeds/all.atom',
  receivedAt: '2026-12-07T06:00:00.000Z',
});

describe('the websub spool', () => {
  it('gives back every request whole, oldest first, and empties itself', async () => {
    const dir = spoolDir(tmp());
    for (let i = 0; i < 3; i++) {
      await spoolRequest(dir, request(i));
      await new Promise((r) => setTimeout(r, 2)); // names carry the millisecond
    }
    expect(await takeSpooled(dir)).toEqual([request(0), request(1), request(2)]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('drops a FIFO and a symbolic link planted under request names without blocking or following them', async () => {
    const dir = spoolDir(tmp());
    await spoolRequest(dir, request(1));
    execFileSync('mkfifo', [path.join(dir, '000000000000000-fifo.json')]);
    const outside = path.join(tmp(), 'request.json');
    writeFileSync(outside, JSON.stringify(request(9)));
    symlinkSync(outside, path.join(dir, '000000000000001-link.json'));
    expect(await takeSpooled(dir)).toEqual([request(1)]);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(outside)).toBe(true);
  });
});
