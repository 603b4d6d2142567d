// Whether some process still holds a file open for writing, read from Linux's /proc (proc(5): /proc/<pid>/fd/<n>
// links to each open file, /proc/<pid>/fdinfo/<n> gives its open `flags` in octal). A copy that pauses for longer
// than the settle time between two pieces leaves a file whose size and time stand still; its writer still has it
// open. Only processes this one may inspect are seen (its own user's; every one as root): a copy made by another
// user, over NFS or SMB, or on a system without /proc is not, and the settle time alone decides there.
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';

/** O_ACCMODE: O_RDONLY is 0, O_WRONLY 1, O_RDWR 2. */
const ACCESS_MODE = 0o3;
/**
 * One scan of /proc answers for every file of a folder for this long: a run that reads thirty fresh bulletins
 * scans once (tens of milliseconds on a busy machine), not thirty times.
 */
const SCAN_TTL_MS = 250;

const scans = new Map<string, { at: number; writers: Promise<Set<string>> }>();

/** Every file directly in `dir` (a real path) that a process we may inspect has open for writing. */
async function writersIn(dir: string, proc: string): Promise<Set<string>> {
  const out = new Set<string>();
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  const prefix = `${dir}${path.sep}`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${proc}/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone since
    }
    for (const fd of fds) {
      try {
        const target = await readlink(`${proc}/${pid}/fd/${fd}`);
        if (!target.startsWith(prefix) || out.has(target)) continue;
        const flags = /^flags:\s*([0-7]+)$/m.exec(await readFile(`${proc}/${pid}/fdinfo/${fd}`, 'utf8'));
        if (flags && (parseInt(flags[1]!, 8) & ACCESS_MODE) !== 0) out.add(target);
      } catch {
        // closed since
      }
    }
  }
  return out;
}

/** Whether `file` is open for writing, by a scan of /proc at most `maxAgeMs` old. */
export async function openForWriting(file: string, proc = '/proc', maxAgeMs = SCAN_TTL_MS): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  let target: string;
  try {
    target = await realpath(file);
  } catch {
    return false;
  }
  const dir = path.dirname(target);
  const key = `${proc}\n${dir}`;
  const now = Date.now();
  let scan = scans.get(key);
  if (scan === undefined || now - scan.at >= maxAgeMs) {
    scan = { at: now, writers: writersIn(dir, proc) };
    if (scans.size > 16) scans.clear();
    scans.set(key, scan);
  }
  return (await scan.writers).has(target);
}
