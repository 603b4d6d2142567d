// The push status copy the worker leaves for the web instances (DATA_DIR/push-status.json) is written and read
// like the store's own files: a symbolic link or a FIFO planted in DATA_DIR under its name is never followed,
// never blocks, and leaves the file it points to untouched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pushStatusFile, pushStatusReader, writePushStatus, type PushStatus } from '../../src/push/push-status.js';

const status: PushStatus = { webhooks: [] };
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'push-status-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the push status file', () => {
  it('is written whole and read back by a web instance', async () => {
    const dir = tmp();
    await writePushStatus(dir, status);
    expect(pushStatusReader(dir)()).toEqual(status);
  });

  it('replaces a symbolic link planted under its name and never writes through it', async () => {
    const dir = tmp();
    const outside = path.join(tmp(), 'elsewhere.txt');
    writeFileSync(outside, 'not yours\n');
    symlinkSync(outside, pushStatusFile(dir));
    // A reader never follows the link either: nothing has been written yet.
    expect(pushStatusReader(dir)()).toBeUndefined();
    await writePushStatus(dir, status);
    expect(readFileSync(outside, 'utf8')).toBe('not yours\n');
    expect(pushStatusReader(dir)()).toEqual(status);
  });

  it('refuses a symbolic link planted under its temporary name, and the write fails with the reason', async () => {
    const dir = tmp();
    const outside = path.join(tmp(), 'elsewhere.txt');
    writeFileSync(outside, 'not yours\n');
    // The worker writes `push-status.json.tmp-<its pid>` and renames it into place.
    symlinkSync(outside, `${pushStatusFile(dir)}.tmp-${process.pid}`);
    await expect(writePushStatus(dir, status)).rejects.toThrow(/link/i);
    expect(readFileSync(outside, 'utf8')).toBe('not yours\n');
    // The planted link is gone, so the next write (once a second) goes through.
    await writePushStatus(dir, status);
    expect(pushStatusReader(dir)()).toEqual(status);
  });

  it('is read without blocking when a FIFO sits under its name', () => {
    const dir = tmp();
    execFileSync('mkfifo', [pushStatusFile(dir)]);
    expect(pushStatusReader(dir)()).toBeUndefined();
  });
});
