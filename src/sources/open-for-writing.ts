// Whether some process still holds a file open for writing, read from Linux's /proc (proc(5): /proc/<pid>/fd/<n>
// links to each open file, /proc/<pid>/fdinfo/<n> gives its open `flags` in octal). A copy that pauses for longer
// than the settle time between two pieces leaves a file whose size and time stand still; its writer still has it
// open. Only processes this one may inspect are seen (its own user's; every one as root): a copy made by another
// user, over NFS or SMB, or on a system without /proc is not, and the settle time alone decides there.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';

/** O_ACCMODE: O_RDONLY is 0, O_WRONLY 1, O_RDWR 2. */
const ACCESS_MODE = 0o3;

export async function openForWriting(file: string, proc = '/proc'): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  let target: string;
  let pids: string[];
  try {
    target = await realpath(file);
    pids = (await readdir(proc)).filter((n) => /^\d+$/.test(n));
  } catch {
    return false;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${proc}/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone since
    }
    for (const fd of fds) {
      try {
        if ((await readlink(`${proc}/${pid}/fd/${fd}`)) !== target) continue;
        const flags = /^flags:\s*([0-7]+)$/m.exec(await readFile(`${proc}/${pid}/fdinfo/${fd}`, 'utf8'));
        if (flags && (parseInt(flags[1]!, 8) & ACCESS_MODE) !== 0) return true;
      } catch {
        // closed since
      }
    }
  }
  return false;
}
