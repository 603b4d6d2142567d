// Reads a store file into a string through one reused buffer.
//
// Reading 1,000 partition files of a few hundred kilobytes with fs.readFile allocates and frees a buffer of each
// file's size. glibc's malloc raises its mmap threshold to the largest block freed, so after the first file these
// buffers come from the heap arenas, which fragment and are not given back: measured at 100,000 stories, a web
// process was 452 MB resident with 216 MB of V8 heap. One buffer, grown to the largest file and reused, keeps the
// process at its heap. Synchronous, so no two reads can share the buffer at once (and the parse that follows is
// synchronous anyway).
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openRegularSync } from './safe-fs.js';

let scratch = Buffer.allocUnsafeSlow(256 * 1024);

export function readTextSync(file: string): string {
  // Never through a link, never blocking on a FIFO planted under a store file's name (safe-fs.ts).
  const fd = openRegularSync(file);
  try {
    const size = fstatSync(fd).size;
    if (size > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
    let n = 0;
    for (;;) {
      if (n === scratch.length) {
        // The file grew while being read (only a foreign writer does that): keep reading into a bigger buffer.
        const bigger = Buffer.allocUnsafeSlow(scratch.length * 2);
        scratch.copy(bigger, 0, 0, n);
        scratch = bigger;
      }
      const r = readSync(fd, scratch, n, scratch.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return scratch.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}
