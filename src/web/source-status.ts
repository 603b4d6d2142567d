// The public view of each source's state (/status, /status.html): no operator detail, no credentials, the real
// next attempt, a reason in words, and only sources that still exist.
import type { PageCharsetWarning, SourceState, Story } from '../model.js';
import { humanReason } from '../publish/source-reason.js';
import { sourceStateKey } from '../stories/source-key.js';
import { redactSecrets } from '../text/redact-secrets.js';

export interface PublicSource extends Omit<SourceState, 'errorDetail'> {
  /** What went wrong in words ("no such host"), when failing; errorCode keeps the technical code. */
  reason?: string;
  /** What the stored back-off says ("not before"), when it differs from the real next attempt. */
  backoffUntil?: string;
  storiesStored: number;
  validatorsHeld: boolean;
  /**
   * Charset guesses on the story pages this source's items link to (worker/fulltext.ts), one line per host:
   * `page <host> (<url>): <the decoder's words>`, the URL redacted.
   */
  pageWarnings?: string[];
}

/** /status `fulltextCharsetWarnings`: per host, the last page whose charset was guessed; URLs redacted. */
export function publicCharsetWarnings(warnings: Readonly<Record<string, PageCharsetWarning>> | undefined): Record<string, PageCharsetWarning> {
  const out: Record<string, PageCharsetWarning> = {};
  for (const [host, w] of Object.entries(warnings ?? {}))
    out[host] = { ...w, page: redactSecrets(w.page), ...(w.source !== undefined ? { source: redactSecrets(w.source) } : {}) };
  return out;
}

/** The line a source's row shows for a page of its whose charset was guessed. */
const pageLine = (host: string, w: PageCharsetWarning) => `page ${host} (${redactSecrets(w.page)}): ${w.warning}`;

export interface SourceViewDeps {
  /** False for a feed no agency file lists any more; its stored state stays, its row goes. Default: all exist. */
  isConfigured?: (state: SourceState) => boolean;
  /** The worker's real next attempt (the first cron tick at or after the back-off), ISO 8601. */
  nextAttempt?: (state: SourceState) => string | undefined;
}

/** Stories per source key (`feed:<url>`, `bulletin:<file>`), counted once per store version. */
const storyCounts = new WeakMap<readonly Story[], Map<string, number>>();
function countsOf(stories: readonly Story[]): Map<string, number> {
  let counts = storyCounts.get(stories);
  if (counts === undefined) {
    counts = new Map<string, number>();
    for (const s of stories)
      for (const src of s.sources) {
        if (src.kind === 'page') continue;
        const k = sourceStateKey(src);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    storyCounts.set(stories, counts);
  }
  return counts;
}

export function publicSources(
  sources: Readonly<Record<string, SourceState>>,
  stories: readonly Story[],
  deps: SourceViewDeps = {},
  charsetWarnings: Readonly<Record<string, PageCharsetWarning>> = {},
): PublicSource[] {
  const counts = countsOf(stories);
  const pageLines = new Map<string, string[]>();
  for (const [host, w] of Object.entries(charsetWarnings)) if (w.source !== undefined) pageLines.set(w.source, [...(pageLines.get(w.source) ?? []), pageLine(host, w)]);
  const out: PublicSource[] = [];
  for (const [k, state] of Object.entries(sources)) {
    if (deps.isConfigured && !deps.isConfigured(state)) continue;
    // errorDetail is the operator's (it can name internal hosts a redirect pointed at): never in public outputs.
    const { errorDetail: _d, ...s } = state;
    const row: PublicSource = {
      ...s,
      // A feed URL is the operator's configuration and may carry credentials (user info, ?token=).
      key: redactSecrets(s.key),
      storiesStored: counts.get(k) ?? 0,
      validatorsHeld: !!(s.etag || s.lastModified),
    };
    if (s.movedTo !== undefined) row.movedTo = redactSecrets(s.movedTo);
    if (s.errorMessage !== undefined) row.errorMessage = redactSecrets(s.errorMessage);
    if (s.warnings !== undefined) row.warnings = s.warnings.map(redactSecrets);
    const pages = pageLines.get(k);
    if (pages !== undefined) row.pageWarnings = pages;
    if (s.recovered?.errorMessage !== undefined) row.recovered = { ...s.recovered, errorMessage: redactSecrets(s.recovered.errorMessage) };
    if (s.errorCode !== undefined) row.reason = humanReason(s.errorCode, s.errorMessage);
    const next = deps.nextAttempt?.(state);
    if (next !== undefined) {
      if (s.nextAttempt !== undefined && s.nextAttempt !== next) row.backoffUntil = s.nextAttempt;
      row.nextAttempt = next;
    }
    out.push(row);
  }
  return out;
}
