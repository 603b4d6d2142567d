// Read-only stores (the web tier) hold in memory only what listing and searching every story needs; the rest of
// each story stays in its partition file until something renders it.
//
// At 100,000 stories the body, upstream keys, link and bookkeeping are ~1.8 KB of a story's ~2.3 KB, yet a web
// instance only renders the newest stories of each feed, one archive month, a query's matches or one story page.
// Everything that looks at *every* story (sorting, archive months, `?q=`/`?category=`/`?since=`, /status counts)
// reads the listing fields below. Repeated strings (agency ids, feed URLs, bulletin files, categories, equal
// dates) are shared rather than held once per story.
import path from 'node:path';
import type { Story } from '../model.js';
import { PARTITION_DIR, partitionOf } from './layout.js';
import { readTextSync } from './read-text.js';

/** Fields a reader reads from the partition file when used. Only renderers of single stories touch them. */
export const COLD_FIELDS = ['contentHtml', 'link', 'keys', 'bodyFrom', 'history', 'declaredUpdated', 'mergedBy', 'copies', 'dateBasis', 'dateConflict'] as const;
type ColdField = (typeof COLD_FIELDS)[number];
const COLD: ReadonlySet<string> = new Set(COLD_FIELDS);
export type Listing = Omit<Story, ColdField>;

/** Partition files whose full stories are kept parsed between renders, in characters of JSON (~bytes). */
const CACHE_CHARS = 8 * 1024 * 1024;
/**
 * What one render may hold at once. A render keeps every partition it reads until it ends (the next turn of the
 * event loop): the merged feed takes its newest stories from every agency's newest partition in date order, and
 * a smaller LRU than that set would read each file again for every story. Past this, it evicts anyway.
 */
const RENDER_CHARS = 48 * 1024 * 1024;

interface CachedFile {
  stories: Map<string, Story>;
  chars: number;
  /** The render (turn of the event loop) that last used it. */
  turn: number;
}

/** The full stories of recently read partition files. */
export class StoryCache {
  private readonly files = new Map<string, CachedFile>();
  private chars = 0;
  private turn = 0;
  private turnEnding = false;

  /** Names the current file of a partition; the store sets it to follow its manifest across reloads. */
  fileOf: (partition: string) => string | undefined = () => undefined;
  /**
   * Names the file of a partition in the manifest on disk now, read synchronously; the store sets it. Used when
   * the reader's own file is gone: the writer deletes a file two commits after it stops naming it, and a busy
   * web instance can be that far behind.
   */
  newestFileOf: () => (partition: string) => string | undefined = () => () => undefined;
  /** newestFileOf's answer, for the rest of the current render. */
  private newest: ((partition: string) => string | undefined) | undefined;

  constructor(private readonly dir: string) {}

  story(listing: Listing): Story | undefined {
    const partition = partitionOf(listing as Story);
    const file = this.fileOf(partition);
    if (file === undefined) return undefined;
    if (!this.turnEnding) {
      // Rendering is synchronous: the next turn of the event loop is after it.
      this.turnEnding = true;
      setImmediate(() => {
        this.turnEnding = false;
        this.newest = undefined;
        this.turn++;
        this.trim(CACHE_CHARS);
      }).unref();
    }
    const found = this.use(file)?.get(listing.id);
    if (found) return found;
    // Our file is gone (or no longer holds the story): the partition's file in the newest manifest has it, in the
    // version the next reload will bring.
    const newer = (this.newest ??= this.newestFileOf())(partition);
    return newer !== undefined && newer !== file ? this.use(newer)?.get(listing.id) : undefined;
  }

  /** The stories of a partition file, from the cache or read now; undefined when it cannot be read (not cached). */
  private use(file: string): Map<string, Story> | undefined {
    let entry = this.files.get(file);
    if (entry) {
      this.files.delete(file); // most recently used last
    } else {
      const read = this.read(file);
      if (read === undefined) return undefined;
      entry = { ...read, turn: this.turn };
      this.chars += entry.chars;
    }
    entry.turn = this.turn;
    this.files.set(file, entry);
    this.trim(CACHE_CHARS, file);
    return entry.stories;
  }

  /**
   * Evicts least recently used files down to `limit`. During a render (`current` is the file just used, the most
   * recent) the render's own files stay while the cache is under RENDER_CHARS.
   */
  private trim(limit: number, current?: string): void {
    for (const [f, e] of this.files) {
      if (this.chars <= limit || f === current) return;
      if (current !== undefined && e.turn === this.turn && this.chars <= RENDER_CHARS) continue;
      this.files.delete(f);
      this.chars -= e.chars;
    }
  }

  private read(file: string): { stories: Map<string, Story>; chars: number } | undefined {
    try {
      // Synchronous on purpose: rendering is synchronous, and a partition file is a few hundred kilobytes.
      const text = readTextSync(path.join(this.dir, PARTITION_DIR, file));
      const stories = new Map<string, Story>();
      for (const s of (JSON.parse(text) as { stories?: Story[] }).stories ?? []) stories.set(s.id, s);
      return { stories, chars: text.length };
    } catch {
      return undefined; // retired by the writer (see newestFileOf)
    }
  }
}

/** What a cold field reads as when no file holds the story any more (it was deleted since the last reload). */
const MISSING: Pick<Story, ColdField> = { contentHtml: '', link: undefined, keys: [], bodyFrom: '', history: [], declaredUpdated: undefined, mergedBy: undefined, copies: undefined, dateBasis: undefined, dateConflict: undefined };

/**
 * JSON.parse's reviver for a reader's partition files: each story becomes `make(listing)` as soon as it is
 * parsed, with the cold fields left out and repeated strings shared. Whatever is not kept dies young, before the
 * next partition is read, instead of being promoted and fragmenting the old generation: making the stories
 * after reading every partition left the heap twice the size of what it held. One per store, so the sharing
 * spans partitions.
 */
export function listingReviver(make: (listing: Listing) => Story): (this: unknown, key: string, value: unknown) => unknown {
  const strings = new Map<string, string>();
  const lists = new Map<string, readonly string[]>();
  const shared = (v: string) => {
    const s = strings.get(v);
    if (s !== undefined) return s;
    strings.set(v, v);
    return v;
  };
  return function (key, value) {
    // A partition file is {schema, partition, generation, stories: Story[]}: an object with a seq in that array.
    if (Array.isArray(this) && typeof value === 'object' && value !== null && 'seq' in value && 'id' in value) return make(value as Listing);
    if (COLD.has(key)) return undefined;
    const holder = this as Record<string, unknown>;
    switch (key) {
      case 'agency':
      case 'url':
      case 'file':
      case 'kind':
      case 'dateSource':
      case 'language':
        return typeof value === 'string' ? shared(value) : value;
      case 'categories': {
        if (!Array.isArray(value) || !value.every((c) => typeof c === 'string')) return value;
        const k = value.join('\u0000');
        let list = lists.get(k);
        if (list === undefined) lists.set(k, (list = Object.freeze(value.map(shared))));
        return list;
      }
      case 'updated':
      case 'firstSeen':
        // Most stories were never edited: all three dates are one instant.
        return value === holder.published ? holder.published : value === holder.updated ? holder.updated : value;
      default:
        return value;
    }
  };
}

/**
 * A reader's story: the listing fields as own properties, the cold fields as getters (on the prototype) that
 * read the partition file through `cache`. Note `{...story}` copies only the listing fields.
 */
export function readerStories(cache: StoryCache): (listing: Listing) => Story {
  class StoredStory implements Listing {
    id: string;
    seq: number;
    agency: string;
    title: string;
    published: string;
    updated: string;
    firstSeen: string;
    dateSource: Listing['dateSource'];
    declare dateFlag?: Listing['dateFlag'];
    /** A withdrawn story stays listed, so its page can answer 410 (web/public-view.ts). */
    declare withdrawn?: Listing['withdrawn'];
    declare language?: string;
    summary: string;
    teaser: boolean;
    categories: string[];
    sources: Listing['sources'];
    constructor(s: Listing) {
      // Assigned in one order for every story, so they share one compact shape.
      this.id = s.id;
      this.seq = s.seq;
      this.agency = s.agency;
      this.title = s.title;
      this.published = s.published;
      this.updated = s.updated;
      this.firstSeen = s.firstSeen;
      this.dateSource = s.dateSource;
      this.summary = s.summary;
      this.teaser = s.teaser;
      this.categories = s.categories;
      this.sources = s.sources;
      if (s.dateFlag !== undefined) this.dateFlag = s.dateFlag;
      if (s.withdrawn !== undefined) this.withdrawn = s.withdrawn;
      if (s.language !== undefined) this.language = s.language;
    }
  }
  for (const field of COLD_FIELDS) {
    Object.defineProperty(StoredStory.prototype, field, {
      get(this: StoredStory) {
        const full = cache.story(this);
        return full ? full[field] : MISSING[field];
      },
      enumerable: false,
      configurable: true,
    });
  }
  return (listing) => new StoredStory(listing) as unknown as Story;
}

/** A plain object with every field of `story`, cold ones included (a reader's stories hold those on disk). */
export function wholeStory(story: Story): Story {
  const out: Story = { ...story };
  for (const field of COLD_FIELDS) {
    const v = story[field];
    if (v !== undefined) (out as unknown as Record<string, unknown>)[field] = v;
  }
  return out;
}
