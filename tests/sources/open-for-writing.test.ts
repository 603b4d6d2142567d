// Whether a process holds a file open for writing (Linux /proc): for real with this process's own descriptors,
// and by table against a made-up /proc for the flags each open mode leaves in fdinfo.
import { closeSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openForWriting } from '../../src/sources/open-for-writing.js';

const linux = process.platform === 'linux';

describe.skipIf(!linux)('openForWriting, this process’s own descriptors', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pressroom-open-'));
  const file = path.join(dir, 'digest.txt');
  writeFileSync(file, 'x');

  it.each([
    { mode: 'w', writing: true },
    { mode: 'a', writing: true },
    { mode: 'r+', writing: true },
    { mode: 'r', writing: false },
  ])('open with $mode: $writing', async ({ mode, writing }) => {
    const fd = openSync(file, mode);
    try {
      expect(await openForWriting(file, '/proc', 0)).toBe(writing);
    } finally {
      closeSync(fd);
    }
    expect(await openForWriting(file, '/proc', 0)).toBe(false);
  });

  it('a missing file is not open', async () => {
    expect(await openForWriting(path.join(dir, 'nothing.txt'))).toBe(false);
  });

  it('one scan answers for the folder for a moment: a file closed since reads as open until the next scan', async () => {
    const fd = openSync(file, 'w');
    expect(await openForWriting(file, '/proc', 0)).toBe(true);
    closeSync(fd);
    expect(await openForWriting(file, '/proc', 60_000)).toBe(true);
    expect(await openForWriting(file, '/proc', 0)).toBe(false);
  });
});

describe.skipIf(!linux)('openForWriting, a made-up /proc', () => {
  it.each([
    { description: 'O_WRONLY|O_CREAT|O_TRUNC|O_LARGEFILE (cp, shell >)', flags: '0101101', writing: true },
    { description: 'O_WRONLY|O_APPEND (>>)', flags: '02102001', writing: true },
    { description: 'O_RDWR', flags: '02', writing: true },
    { description: 'O_RDONLY|O_LARGEFILE (a reader: less, tail)', flags: '0100000', writing: false },
    { description: 'O_RDONLY|O_CLOEXEC', flags: '02000000', writing: false },
  ])('$description', async ({ flags, writing }) => {
    const root = mkdtempSync(path.join(tmpdir(), 'pressroom-proc-'));
    const file = path.join(root, 'digest.txt');
    writeFileSync(file, 'x');
    const proc = path.join(root, 'proc');
    for (const [pid, fd, target, f] of [
      ['1', '0', '/dev/null', '0100002'],
      ['42', '3', path.join(root, 'other.txt'), '0100001'],
      ['42', '7', file, flags],
    ] as const) {
      mkdirSync(path.join(proc, pid, 'fd'), { recursive: true });
      mkdirSync(path.join(proc, pid, 'fdinfo'), { recursive: true });
      symlinkSync(target, path.join(proc, pid, 'fd', fd));
      writeFileSync(path.join(proc, pid, 'fdinfo', fd), `pos:\t0\nflags:\t${f}\nmnt_id:\t25\nino:\t1234\n`);
    }
    // Not a process: ignored.
    mkdirSync(path.join(proc, 'self-not-a-pid', 'fd'), { recursive: true });
    expect(await openForWriting(file, proc)).toBe(writing);
  });
});
