// One string per source of a story, the same in the store (bodyFrom, mergedBy) and in what is published.
import type { ItemSource, StorySource } from '../model.js';

/** One string per source of a story: a bulletin file, one item of one feed, or the story's page. */
export function sourceKey(s: StorySource): string {
  if (s.kind === 'page') return `page:${s.url}`;
  return s.kind === 'bulletin' ? `bulletin:${s.file}` : `feed:${s.url}#${s.guid ?? ''}`;
}

/** The key of the source's own state (`sources` in the store, a row of /status): a bulletin file or a whole feed. */
export function sourceStateKey(s: ItemSource): string {
  return s.kind === 'bulletin' ? `bulletin:${s.file}` : `feed:${s.url}`;
}
