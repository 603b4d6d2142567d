// Reading the store's files: a manifest (or the schema-1 file), one partition, the partition files on disk.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type Story } from '../model.js';
import { DurableJsonFile } from './durable-file.js';
import { StoreError } from './errors.js';
import { kindOf } from './safe-fs.js';
import { isLegacyStore, isManifest, isPartitionFile, PARTITION_DIR, PARTITION_FILE, partitionOf, type LegacyStore, type Manifest, type PartitionFile } from './layout.js';

export interface Loaded {
  manifest?: Manifest;
  /** Partition → its stories, as the manifest's files hold them. */
  parts: Map<string, Story[]>;
  /** Came from a schema-1 file: every partition still has to be written. */
  legacy: boolean;
}

export const emptyLoaded = (): Loaded => ({ parts: new Map(), legacy: false });

/** JSON.parse's reviver of a reader: it makes stories that keep only their listing fields (reader-stories.ts). */
export type Reviver = (key: string, value: unknown) => unknown;

export type ManifestRead = { kind: 'missing' } | { kind: 'manifest'; manifest: Manifest } | { kind: 'legacy'; loaded: Loaded } | { kind: 'bad'; reason: string };

/** Reads pressroom.json (or its .bak): a manifest, a schema-1 store, missing, or bad (with the reason). */
export async function readManifestFile(file: string): Promise<ManifestRead> {
  let v: unknown;
  try {
    v = await new DurableJsonFile<unknown>(file, 'replace').read();
  } catch (e) {
    return { kind: 'bad', reason: (e as Error).message };
  }
  if (v === null) return { kind: 'missing' };
  if (isLegacyStore(v)) return { kind: 'legacy', loaded: fromLegacy(v) };
  const schema = (v as { schema?: unknown })?.schema;
  if (typeof schema === 'number' && schema > SCHEMA_VERSION)
    throw new StoreError(`store schema ${schema} is newer than this Pressroom understands (${SCHEMA_VERSION}): ${file}`, 'schema');
  if (isManifest(v)) return { kind: 'manifest', manifest: migrateManifest(v) };
  return { kind: 'bad', reason: 'not a Pressroom store manifest' };
}

/** The stories of one partition file; throws (naming the file) when it is missing, not regular, or not a partition. */
export async function readPartition(dir: string, name: string, file: string, reviver?: Reviver): Promise<Story[]> {
  let data: PartitionFile | null;
  try {
    data = await new DurableJsonFile<PartitionFile | null>(path.join(dir, PARTITION_DIR, file), 'fresh', reviver).read();
  } catch (e) {
    // JSON.parse does not say which file; the messages of safe-fs do (with the full path): one shape for both.
    throw new Error(`partition file ${file}: ${(e as Error).message.replace(`${path.join(dir, PARTITION_DIR, file)} `, '')}`, { cause: e });
  }
  if (data === null) throw new Error(`partition file ${file} is missing`);
  if (!isPartitionFile(data, name)) throw new Error(`partition file ${file} is not a Pressroom partition of ${name}`);
  return data.stories;
}

/** Upgrades an older manifest; each schema change after 2 adds one step here. */
function migrateManifest(m: Manifest): Manifest {
  return { ...m, schema: SCHEMA_VERSION };
}

/**
 * Schema 1 → 2: the one big file becomes partitions. Its alias table moves into the stories it names
 * (Story.keys), which is where schema 2 keeps it.
 */
function fromLegacy(d: LegacyStore): Loaded {
  const keysOf = new Map<string, string[]>();
  for (const [k, id] of Object.entries(d.aliases)) {
    const list = keysOf.get(id);
    if (list) list.push(k);
    else keysOf.set(id, [k]);
  }
  const parts = new Map<string, Story[]>();
  for (const s of d.stories) {
    const story: Story = { ...s, keys: [...new Set([...(s.keys ?? []), ...(keysOf.get(s.id) ?? [])])] };
    const p = partitionOf(story);
    const list = parts.get(p);
    if (list) list.push(story);
    else parts.set(p, [story]);
  }
  const manifest: Manifest = {
    schema: SCHEMA_VERSION,
    generation: 0,
    committedAt: new Date(0).toISOString(),
    nextSeq: d.nextSeq ?? 1,
    sources: d.sources ?? {},
    discoveredAgencies: d.discoveredAgencies ?? {},
    partitions: {},
  };
  return { manifest, parts, legacy: true };
}

/**
 * What stories/ is: a folder, missing, or something else (a symbolic link, a file), named. Nothing inside a
 * stories/ that is not a real folder is read or written: a link there would lead every partition out of DATA_DIR.
 */
export async function partitionDirState(dir: string): Promise<'folder' | 'missing' | string> {
  try {
    const st = await lstat(path.join(dir, PARTITION_DIR));
    return st.isDirectory() ? 'folder' : kindOf(st);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

/** Names in stories/ shaped like partition files (whatever they are: lstat tells). */
export async function partitionFilesOnDisk(dir: string): Promise<string[]> {
  if ((await partitionDirState(dir)) !== 'folder') return [];
  try {
    return (await readdir(path.join(dir, PARTITION_DIR))).filter((f) => PARTITION_FILE.test(f));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}
