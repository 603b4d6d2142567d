// A small HTML page of every source's state, for an operator on a phone: the same facts as GET /status.
import type { SourceState } from '../model.js';
import { printableName } from '../text/printable.js';
import { renderLayout } from './layout.js';

// File names and messages can carry control characters: shown escaped (text/printable.ts), never raw.
const esc = (s: string) => printableName(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string | undefined) => (iso ? `<time datetime="${esc(iso)}">${esc(iso.replace('T', ' ').slice(0, 16))} UTC</time>` : '—');

export interface SourceRow extends SourceState {
  storiesStored: number;
}

export function renderStatusPage(baseUrl: string, stories: number, sources: readonly SourceRow[]): string {
  const rows = [...sources]
    .sort((a, b) => Number(!!b.errorCode) - Number(!!a.errorCode) || a.key.localeCompare(b.key))
    .map((s) => {
      const state = s.errorCode
        ? `<strong class="bad">failing</strong> ×${s.consecutiveFailures}: ${esc(s.errorCode)}${s.errorMessage ? ` (${esc(s.errorMessage)})` : ''}<br>since ${when(s.failingSince)}, next try ${when(s.nextAttempt)}`
        : '<span class="ok">ok</span>';
      const moved = s.movedTo ? `<br><strong>moved</strong> to ${esc(s.movedTo)}: update the agency file` : '';
      // The first warning (how the body was decoded comes first; see worker/ingest.ts), and how many there are.
      const warned = s.warnings?.length ? `<br>${s.warnings.length === 1 ? 'warning' : `${s.warnings.length} warnings, first`}: ${esc(s.warnings[0]!)}` : '';
      return `<tr><td>${esc(s.kind)}${s.agency ? ` · ${esc(s.agency)}` : ''}<br><code>${esc(s.key)}</code></td><td>${state}${moved}${warned}</td><td>last success ${when(s.lastSuccess)}<br>HTTP ${s.lastStatus ?? '—'}, ${s.itemsLastFetch ?? 0} items, ${s.storiesStored} stories</td></tr>`;
    })
    .join('\n');
  const main = `<h1>Source status</h1>
<p>${stories} stories stored. Also as <a href="${esc(baseUrl)}/status">JSON</a> and as an <a href="${esc(baseUrl)}/feeds/status.atom">Atom feed</a> of incidents.</p>
<table>
${rows || '<tr><td>No source has been read yet.</td></tr>'}
</table>`;
  return renderLayout({
    baseUrl,
    title: 'Pressroom: source status',
    exactTitle: true,
    description: 'Whether each agency feed and bulletin Pressroom reads is working, failing or moved.',
    head: [`<link rel="alternate" type="application/atom+xml" title="Source status (Atom)" href="${esc(baseUrl)}/feeds/status.atom">`],
    main,
    current: 'status',
  });
}
