// Read-only stores (the web tier) keep story bodies on disk and read them when a page or feed needs them.
//
// At 100,000 stories the bodies are most of the store (~2 KB of ~2.3 KB each), and a web instance only ever
// renders the newest stories, one archive month, a query's matches or one story page. So a loaded story's
// `contentHtml` is a getter that reads its partition file on first use and keeps a bounded set of recently
// read partitions in memory. Everything else about a story stays in memory as before.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Story } from '../model.js';
import { PARTITION_DIR, partitionOf } from './layout.js';

/** Bodies of recently read partitions kept in memory, in UTF-16 code units (about bytes for Latin text). */
const CACHE_CHARS = 16 * 1024 * 1024;

export class BodyCache {
  private readonly files = new Map<string, { bodies: Map<string, string>; chars: number }>();
  private chars = 0;

  /** `fileOf` names the current file of a partition (it follows reloads of the manifest). */
  constructor(
    private readonly dir: string,
    private readonly fileOf: (partition: string) => string | undefined,
  ) {}

  body(story: { id: string; published: string; agency: string }): string {
    const file = this.fileOf(partitionOf(story as Story));
    if (file === undefined) return '';
    let entry = this.files.get(file);
    if (entry) {
      this.files.delete(file); // most recently used last
      this.files.set(file, entry);
    } else {
      entry = this.read(file);
      this.files.set(file, entry);
      this.chars += entry.chars;
      for (const [f, e] of this.files) {
        if (this.chars <= CACHE_CHARS || f === file) break;
        this.files.delete(f);
        this.chars -= e.chars;
      }
    }
    return entry.bodies.get(story.id) ?? '';
  }

  private read(file: string): { bodies: Map<string, string>; chars: number } {
    const bodies = new Map<string, string>();
    let chars = 0;
    try {
      // Synchronous on purpose: rendering is synchronous, and a partition file is a few hundred kilobytes.
      const data = JSON.parse(readFileSync(path.join(this.dir, PARTITION_DIR, file), 'utf8')) as { stories?: Story[] };
      for (const s of data.stories ?? []) {
        bodies.set(s.id, s.contentHtml);
        chars += s.contentHtml.length;
      }
    } catch {
      // A file retired by a commit the reader has not reloaded yet: the next reload names its successor.
    }
    return { bodies, chars };
  }
}

/** Stories whose `contentHtml` is read through `cache` when used; every other field as loaded. */
export function withLazyBodies(cache: BodyCache): (stories: Story[]) => Story[] {
  class StoredStory {
    get contentHtml(): string {
      return cache.body(this as unknown as Story);
    }
  }
  return (stories) =>
    stories.map((s) => {
      const { contentHtml: _body, ...rest } = s; // usually already left out while parsing (store.ts)
      return Object.assign(new StoredStory(), rest) as unknown as Story;
    });
}
