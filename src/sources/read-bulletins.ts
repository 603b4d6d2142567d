// Lists the bulletin drop folder and reads each file once, with its content hash.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeText } from '../text/decode-text.js';

/** A bulletin larger than this is not a digest of press releases; it is reported, not read. */
export const MAX_BULLETIN_BYTES = 32 * 1024 * 1024;

export type BulletinFile =
  | {
      name: string;
      ok: true;
      text: string;
      hash: string;
      /** Modification time, ISO 8601: the last hint of the bulletin's date. */
      mtime: string;
      /** The encoding the bytes were read in (`utf-8`, `windows-1252`, `utf-16le`…). */
      encoding: string;
      /** Set when the file was not valid UTF-8 and was read in a legacy encoding. */
      encodingWarning?: string;
    }
  | { name: string; ok: false; reason: string; hash?: string };

/** Plain files in the folder, sorted; dot-files and editors' temporary files are ignored. */
export async function listBulletins(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: string[] = [];
  for (const n of names.sort()) {
    if (n.startsWith('.') || n.endsWith('~') || n.endsWith('.tmp') || n.endsWith('.swp')) continue;
    const s = await stat(path.join(dir, n)).catch(() => undefined);
    if (s?.isFile()) out.push(n);
  }
  return out;
}

export async function readBulletin(dir: string, name: string): Promise<BulletinFile> {
  const file = path.join(dir, name);
  try {
    const s = await stat(file);
    if (s.size > MAX_BULLETIN_BYTES) return { name, ok: false, reason: `file is ${s.size} bytes, over the ${MAX_BULLETIN_BYTES}-byte limit` };
    const bytes = await readFile(file);
    const hash = createHash('sha256').update(bytes).digest('hex');
    // People save bulletins from word processors: UTF-8 when the bytes are valid UTF-8 (a BOM, UTF-16 with a BOM
    // too), else windows-1252, never U+FFFD for bytes a legacy encoding explains.
    const decoded = decodeText(bytes, { kind: 'plain' });
    return {
      name,
      ok: true,
      text: decoded.text,
      hash,
      mtime: s.mtime.toISOString(),
      encoding: decoded.encoding,
      ...(decoded.warning ? { encodingWarning: decoded.warning } : {}),
    };
  } catch (e) {
    return { name, ok: false, reason: `cannot read: ${(e as Error).message}` };
  }
}
