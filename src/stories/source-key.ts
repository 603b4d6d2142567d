// One string per source of a story, the same in the store (bodyFrom, mergedBy) and in what is published.
import type { StorySource } from '../model.js';

/** One string per source of a story: a bulletin file, one item of one feed, or the story's page. */
export function sourceKey(s: StorySource): string {
  if (s.kind === 'page') return `page:${s.url}`;
  return s.kind === 'bulletin' ? `bulletin:${s.file}` : `feed:${s.url}#${s.guid ?? ''}`;
}
