// A story whose text was a teaser, completed from its own page: the same story (same id), now with the full text.
import type { Story, StorySource } from '../model.js';
import { withBodyText } from './merge-evidence.js';
import { htmlToSummary } from './summary.js';

const DAY_MS = 24 * 3600 * 1000;
const SUMMARY_SOURCE = 16 * 1024;

export interface PageText {
  /** The page as fetched (its final URL after redirects: what was read). */
  url: string;
  /** Sanitised article HTML (extract-article.ts). */
  html: string;
  /** The page's own date (ISO 8601), when it states one. */
  published?: string;
  /** The language the page declares (`<html lang>`, BCP 47), when it does. */
  language?: string;
  fetchedAt: string;
}

/**
 * The body is replaced in place and the page recorded as a source; `updated` moves to `now` (a reader has seen
 * the teaser), except for a story first seen in this very run, whose `updated` stays a function of its sources.
 * A page date corrects a story dated only by a bulletin's file name (or by first-seen), never a feed's date,
 * and never to more than a day past first-seen (the same rule as a feed's future dates, merge.ts).
 * Whatever arrives later from a feed or bulletin goes through merge.ts: a longer complete text wins there.
 */
export function applyPageText(story: Story, page: PageText, now: Date): Story {
  const nowIso = now.toISOString();
  const src: StorySource = { kind: 'page', url: page.url, fetchedAt: page.fetchedAt };
  const next: Story = {
    ...story,
    contentHtml: page.html,
    // The summary is the first 500 characters: its text is in the first few KB of the HTML, not the whole page.
    summary: htmlToSummary(page.html.length > SUMMARY_SOURCE ? page.html.slice(0, SUMMARY_SOURCE) : page.html),
    teaser: false,
    bodyFrom: `page:${page.url}`,
    sources: [...story.sources.filter((s) => s.kind !== 'page'), src],
    // The copy the body came from keeps its own text now that the body is the page's (merge-evidence.ts).
    ...(story.copies ? { copies: withBodyText(story.copies, story.contentHtml) } : {}),
  };
  // A feed's declaration for the item stands; a story that had none (a bulletin's) takes its page's.
  if (page.language && !story.language) next.language = page.language;
  const dateMayMove = story.dateSource === 'bulletin' || story.dateSource === 'first-seen';
  if (page.published && dateMayMove && Date.parse(page.published) <= Date.parse(story.firstSeen) + DAY_MS) {
    next.published = page.published;
    next.dateSource = 'page';
    delete next.dateFlag;
  }
  const firstRun = story.firstSeen === nowIso;
  next.updated = firstRun ? maxIso(next.published, story.declaredUpdated) : maxIso(story.updated, nowIso, next.published);
  return next;
}

const maxIso = (...xs: (string | undefined)[]) => xs.reduce<string>((m, x) => (x !== undefined && x > m ? x : m), '');
