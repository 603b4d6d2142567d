// Reads a push state file (websub.json, webhooks.json) written by DurableJsonFile in 'replace' mode: the file, or
// when it cannot be read, the copy kept beside it as `.bak` (the previous complete write).
import { DurableJsonFile } from '../store/durable-file.js';

export async function readState<T>(file: DurableJsonFile<T>, log: { warn(obj: object, msg: string): void }, what: string): Promise<T | null> {
  try {
    return await file.read();
  } catch (e) {
    log.warn({ err: (e as Error).message, file: file.file }, `${what} unreadable; trying the backup copy`);
  }
  try {
    return await new DurableJsonFile<T>(`${file.file}.bak`, 'fresh').read();
  } catch (e) {
    log.warn({ err: (e as Error).message }, `${what} backup unreadable too; starting with none`);
    return null;
  }
}
