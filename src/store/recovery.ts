// Opening a damaged store: everything that reads is served; each damaged file is restored from an older good copy
// when there is one, else set aside in DATA_DIR/quarantine/ with the loss named. Never refuses to start over one
// bad file, never starts empty over data it could not read, never deletes what it could not read.
//
// What can be damaged, and what happens (the writer moves files; a reader — the web tier — only reports):
//   - a partition file (truncated, garbage, a link, a FIFO, gone): the file of that partition named by the last
//     good manifest (.bak) or another generation of it still on disk is used instead (the changes of the commits
//     since are lost); without one, the partition's stories are lost. Either way the loss is named (file, month,
//     agency, how many stories the manifest says it held) in the log, /status, /readyz and the status feed.
//   - the manifest: the .bak is used; without a good .bak the manifest is rebuilt from the partition files on
//     disk (each partition's newest file that reads), losing only the sources' states (feeds are fetched again
//     in full; the stories are matched to the stored ones, not duplicated).
import { lstat, mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type Story } from '../model.js';
import type { StoreLog } from './errors.js';
import { PARTITION_DIR, PARTITION_FILE, STORE_FILE, type Manifest, type PartitionRef } from './layout.js';
import { readTextSync } from './read-text.js';
import { emptyLoaded, partitionDirState, partitionFilesOnDisk, readManifestFile, readPartition, type Loaded, type ManifestRead, type Reviver } from './read-store.js';
import { writeRegular } from './safe-fs.js';

export const QUARANTINE_DIR = 'quarantine';

/** One damaged file found at open, and what it cost. Paths are relative to DATA_DIR. */
export interface Loss {
  /** `stories/2024-10_nato.17.json`, `pressroom.json`, `stories` (a link in place of the folder). */
  file: string;
  /** The partition, its month and agency, when the file is a partition. */
  partition?: string;
  month?: string;
  agency?: string;
  /** Stories the file held, per the manifest. */
  stories?: number;
  /** Why it could not be used. */
  reason: string;
  /** The older copy used instead: what changed since it was written is lost (not all `stories`). */
  restoredFrom?: string;
  restoredStories?: number;
  /** What was done instead, when not said by the fields above (a manifest: "the last good copy (.bak) is used"). */
  outcome?: string;
  /** Where the writer moved the damaged file (absent: left in place, by a reader or because it could not be moved). */
  quarantined?: string;
  /** ISO 8601. */
  at: string;
}

export interface Recovered {
  loaded: Loaded;
  /** The last good manifest (.bak), whose files are kept. */
  bak?: Manifest;
  losses: Loss[];
  /** The manifest in memory differs from the one on disk: the writer commits it at once. */
  repaired: boolean;
  /** Files in stories/ that must not be deleted by the sweep (damaged ones that could not be quarantined). */
  keep: Set<string>;
}

/** `2024-10_nato` → month `2024-10`, agency `nato`. */
function partsOfName(partition: string): { month: string; agency: string } {
  const i = partition.indexOf('_');
  return { month: partition.slice(0, i), agency: partition.slice(i + 1) };
}

const stamp = (at: string) => at.replace(/[:.]/g, '-');

/** `text` with the paths inside `dir` made relative to it. */
export function relative(dir: string, text: string): string {
  return text.split(`${dir}${path.sep}`).join('');
}

/** One line naming a loss, for the log and /readyz. */
export function describeLoss(l: Loss): string {
  const what = l.partition ? `${l.file} (${l.month}, agency ${l.agency}, ${l.stories ?? '?'} stories per the manifest)` : l.file;
  const outcome = l.restoredFrom
    ? `restored from ${l.restoredFrom} (${l.restoredStories} stories): changes committed after that copy are lost`
    : l.partition
      ? `its stories are lost`
      : (l.outcome ?? 'not used');
  return `${what} cannot be read (${l.reason}); ${outcome}${l.quarantined ? `; moved to ${l.quarantined}` : ''}`;
}

/** Moves a damaged file (never following it) into quarantine/ and leaves its loss beside it. */
async function quarantine(dir: string, loss: Loss, log?: StoreLog): Promise<boolean> {
  loss.reason = relative(dir, loss.reason);
  const qdir = path.join(dir, QUARANTINE_DIR);
  try {
    const st = await lstat(qdir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (st === undefined) await mkdir(qdir);
    else if (!st.isDirectory()) throw new Error(`${qdir} is not a folder`);
    const dest = `${path.basename(loss.file)}.${stamp(loss.at)}`;
    await rename(path.join(dir, loss.file), path.join(qdir, dest));
    loss.quarantined = `${QUARANTINE_DIR}/${dest}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // nothing to move (a missing file)
    log?.error({ file: loss.file, err: (e as Error).message }, `could not move the damaged ${loss.file} to ${QUARANTINE_DIR}/; it is left where it is`);
    return false;
  }
  try {
    await writeRegular(path.join(qdir, `${path.basename(loss.quarantined)}.loss.json`), `${JSON.stringify(loss, null, 2)}\n`);
  } catch (e) {
    log?.warn({ file: loss.quarantined, err: (e as Error).message }, 'could not write the description of a quarantined file');
  }
  return true;
}

/** The losses recorded in quarantine/ (each `<file>.loss.json`): reported until an operator deletes them. */
export async function readQuarantine(dir: string): Promise<Loss[]> {
  const qdir = path.join(dir, QUARANTINE_DIR);
  let names: string[];
  try {
    const st = await lstat(qdir);
    if (!st.isDirectory()) return [];
    names = (await readdir(qdir)).filter((f) => f.endsWith('.loss.json')).sort();
  } catch {
    return [];
  }
  const out: Loss[] = [];
  for (const n of names) {
    try {
      const l = JSON.parse(readTextSync(path.join(qdir, n))) as Loss;
      if (l && typeof l.file === 'string' && typeof l.reason === 'string') out.push(l);
    } catch {
      /* not ours, or damaged itself: ignored */
    }
  }
  return out;
}

/** A partition's other files on disk, newest generation first. */
function otherGenerations(onDisk: readonly string[], partition: string, except: string): string[] {
  return onDisk
    .map((f) => PARTITION_FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === partition && m[0] !== except)
    .sort((a, b) => Number(b[2]) - Number(a[2]))
    .map((m) => m[0]);
}

/** A manifest made from the partition files on disk: each partition's newest file that reads. */
async function rebuildManifest(dir: string, onDisk: readonly string[], reviver: Reviver | undefined, at: string): Promise<{ manifest: Manifest; parts: Map<string, Story[]>; damaged: Loss[] }> {
  const damaged: Loss[] = [];
  const names = [...new Set(onDisk.map((f) => PARTITION_FILE.exec(f)![1]!))].sort();
  const partitions: Record<string, PartitionRef> = {};
  const parts = new Map<string, Story[]>();
  let maxSeq = 0;
  let generation = 0;
  for (const f of onDisk) generation = Math.max(generation, Number(PARTITION_FILE.exec(f)![2]));
  for (const name of names) {
    const unreadable: Loss[] = [];
    for (const f of otherGenerations(onDisk, name, '')) {
      try {
        const stories = await readPartition(dir, name, f, reviver);
        partitions[name] = { file: f, stories: stories.length, bytes: 0 };
        parts.set(name, stories);
        for (const s of stories) maxSeq = Math.max(maxSeq, s.seq);
        for (const l of unreadable) Object.assign(l, { restoredFrom: `${PARTITION_DIR}/${f}`, restoredStories: stories.length });
        break;
      } catch (e) {
        // An older generation may read. With no manifest, how many stories this one held is unknown.
        unreadable.push({ file: `${PARTITION_DIR}/${f}`, partition: name, ...partsOfName(name), reason: (e as Error).message, at });
      }
    }
    damaged.push(...unreadable);
  }
  const manifest: Manifest = { schema: SCHEMA_VERSION, generation, committedAt: at, nextSeq: maxSeq + 1, sources: {}, discoveredAgencies: {}, partitions };
  return { manifest, parts, damaged };
}

/**
 * Reads the store in `dir`, repairing what it can (see the top of this file). A reader (`writable: false`) moves
 * nothing and writes nothing: it serves what reads and reports the rest.
 */
export async function recoverStore(dir: string, writable: boolean, log?: StoreLog, reviver?: Reviver): Promise<Recovered> {
  const file = path.join(dir, STORE_FILE);
  const at = new Date().toISOString();
  const losses: Loss[] = [];
  const keep = new Set<string>();
  // A reader can lose a race with the writer: between reading the manifest and its partitions, two commits may
  // retire the files it names. Reading again finds the new ones.
  for (let attempt = 0; ; attempt++) {
    losses.length = 0;
    const main = await readManifestFile(file);
    const bakRead = await readManifestFile(`${file}.bak`);
    const bak = bakRead.kind === 'manifest' ? bakRead.manifest : undefined;
    if (main.kind === 'legacy') return { loaded: main.loaded, losses, repaired: false, keep };
    const chosen = await chooseManifest(dir, main, bakRead, writable, losses, at, log, reviver);
    if (chosen.kind === 'done') return { loaded: chosen.loaded, ...(bak ? { bak } : {}), losses, repaired: chosen.repaired, keep };
    const manifest = chosen.manifest;
    const result = await readPartitions(dir, manifest, bak, chosen.parts, reviver, at);
    if (result.damaged.length && !writable && attempt < 2) continue;
    let repaired = chosen.repaired;
    // Reasons are shown on public pages (/status, the status feed): paths inside DATA_DIR, relative.
    for (const l of [...losses, ...(chosen.damaged ?? []), ...result.damaged.map((d) => d.loss)]) l.reason = relative(dir, l.reason);
    for (const d of [...(chosen.damaged ?? []).map((loss) => ({ loss })), ...result.damaged]) {
      repaired = true;
      losses.push(d.loss);
      if (writable && !(await quarantine(dir, d.loss, log))) keep.add(path.basename(d.loss.file));
      log?.error({ ...d.loss }, `STORE DAMAGE: ${describeLoss(d.loss)}`);
    }
    return { loaded: { manifest: result.manifest, parts: result.parts, legacy: false }, ...(bak ? { bak } : {}), losses, repaired, keep };
  }
}

type Chosen = { kind: 'done'; loaded: Loaded; repaired: boolean } | { kind: 'manifest'; manifest: Manifest; repaired: boolean; parts?: Map<string, Story[]>; damaged?: Loss[] };

/** Which manifest to go by: pressroom.json, else its .bak, else one rebuilt from the partitions on disk. */
async function chooseManifest(
  dir: string,
  main: ManifestRead,
  bak: ManifestRead,
  writable: boolean,
  losses: Loss[],
  at: string,
  log: StoreLog | undefined,
  reviver: Reviver | undefined,
): Promise<Chosen> {
  if (main.kind === 'manifest') return { kind: 'manifest', manifest: main.manifest, repaired: false };
  if (main.kind === 'bad') {
    const loss: Loss = { file: STORE_FILE, reason: main.reason, at, outcome: 'the last good copy (.bak) is used' };
    losses.push(loss);
    if (writable) await quarantine(dir, loss, log);
    log?.error({ ...loss }, `STORE DAMAGE: the manifest ${describeLoss(loss)}`);
  }
  const reason = main.kind === 'bad' ? main.reason : 'the file is missing';
  if (bak.kind === 'manifest' || bak.kind === 'legacy') {
    if (main.kind === 'bad' || writable) log?.warn({ file: STORE_FILE, reason }, `store manifest ${reason === 'the file is missing' ? 'missing' : 'damaged'}; ${writable ? 'restored' : 'serving'} the last good copy (.bak)`);
    if (bak.kind === 'legacy') return { kind: 'done', loaded: bak.loaded, repaired: true };
    return { kind: 'manifest', manifest: bak.manifest, repaired: true };
  }
  const onDisk = await partitionFilesOnDisk(dir);
  if (main.kind === 'missing' && bak.kind === 'missing') {
    if (onDisk.length === 0) return { kind: 'done', loaded: emptyLoaded(), repaired: false };
    // Partitions of generation 1 alone, with no manifest and no .bak, are a first commit killed before its
    // manifest was written: nothing was ever committed. They are moved aside (not deleted) and the store starts
    // empty.
    if (onDisk.every((f) => PARTITION_FILE.exec(f)?.[2] === '1')) {
      if (writable) {
        const aside = path.join(dir, `${PARTITION_DIR}.uncommitted-${stamp(at)}`);
        await rename(path.join(dir, PARTITION_DIR), aside);
        log?.warn({ movedTo: aside, files: onDisk.length }, 'the first store commit was interrupted before it completed; its partial files were moved aside');
      }
      return { kind: 'done', loaded: emptyLoaded(), repaired: false };
    }
  }
  if (bak.kind === 'bad') {
    const loss: Loss = { file: `${STORE_FILE}.bak`, reason: bak.reason, at };
    losses.push(loss);
    if (writable) await quarantine(dir, loss, log);
  }
  const rebuilt = await rebuildManifest(dir, onDisk, reviver, at);
  const n = Object.values(rebuilt.manifest.partitions).reduce((a, r) => a + r.stories, 0);
  const loss: Loss = {
    file: STORE_FILE,
    reason: `${reason}, and no good .bak: rebuilt from ${Object.keys(rebuilt.manifest.partitions).length} partition files (${n} stories); the sources' states start afresh`,
    at,
    outcome: 'every partition file that reads is kept',
  };
  if (main.kind === 'missing') losses.push(loss);
  else Object.assign(losses[losses.findIndex((l) => l.file === STORE_FILE)]!, { reason: loss.reason, outcome: loss.outcome });
  log?.error({ partitions: Object.keys(rebuilt.manifest.partitions).length, stories: n }, `STORE DAMAGE: ${loss.reason}`);
  return { kind: 'manifest', manifest: rebuilt.manifest, repaired: true, parts: rebuilt.parts, damaged: rebuilt.damaged };
}

interface Damaged {
  loss: Loss;
}

/** Reads every partition the manifest names; a damaged one is replaced by an older good copy or dropped. */
async function readPartitions(
  dir: string,
  manifest: Manifest,
  bak: Manifest | undefined,
  already: Map<string, Story[]> | undefined,
  reviver: Reviver | undefined,
  at: string,
): Promise<{ manifest: Manifest; parts: Map<string, Story[]>; damaged: Damaged[] }> {
  if (already) return { manifest, parts: already, damaged: [] };
  const parts = new Map<string, Story[]>();
  const damaged: Damaged[] = [];
  const partitions = { ...manifest.partitions };
  const dirState = await partitionDirState(dir);
  if (dirState !== 'folder' && dirState !== 'missing' && Object.keys(partitions).length) {
    // A link (or a file) in place of stories/: nothing is read through it.
    damaged.push({ loss: { file: PARTITION_DIR, reason: `${PARTITION_DIR} is ${dirState}, not a folder`, at } });
  }
  let onDisk: string[] | undefined;
  for (const [name, ref] of Object.entries(manifest.partitions)) {
    // Reading is synchronous (a file, then JSON.parse): between two partitions the event loop gets a turn, so the
    // ports a process opened before its store is loaded answer (503) while a large store is read.
    await new Promise((r) => setImmediate(r));
    let reason: string;
    try {
      if (dirState !== 'folder') throw new Error(`partition file ${ref.file} is missing`);
      const stories = await readPartition(dir, name, ref.file, reviver);
      if (stories.length !== ref.stories) throw new Error(`partition file ${ref.file} holds ${stories.length} stories, the manifest says ${ref.stories}`);
      parts.set(name, stories);
      continue;
    } catch (e) {
      reason = (e as Error).message;
    }
    const { month, agency } = partsOfName(name);
    const loss: Loss = { file: `${PARTITION_DIR}/${ref.file}`, partition: name, month, agency, stories: ref.stories, reason, at };
    onDisk ??= dirState === 'folder' ? await partitionFilesOnDisk(dir) : [];
    const fromBak = bak?.partitions[name]?.file;
    // Older copies only: a file of a later generation than the manifest's was written by a commit that never
    // completed (it is swept), and was never served.
    const older = otherGenerations(onDisk, name, ref.file).filter((f) => Number(PARTITION_FILE.exec(f)![2]) <= manifest.generation);
    const candidates = [...new Set([...(fromBak && fromBak !== ref.file ? [fromBak] : []), ...older])];
    delete partitions[name];
    for (const c of candidates) {
      try {
        const stories = await readPartition(dir, name, c, reviver);
        parts.set(name, stories);
        partitions[name] = { file: c, stories: stories.length, bytes: 0 };
        loss.restoredFrom = `${PARTITION_DIR}/${c}`;
        loss.restoredStories = stories.length;
        break;
      } catch {
        /* try the next */
      }
    }
    // A link or file in place of stories/ is one loss (named above) that covers all its partitions.
    if (dirState === 'folder' || dirState === 'missing') damaged.push({ loss });
    else if (damaged[0]) damaged[0].loss.reason += `; ${ref.stories} stories of ${name} lost`;
  }
  return { manifest: { ...manifest, partitions }, parts, damaged };
}
