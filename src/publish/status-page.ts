// A small HTML page of every source's state, for an operator on a phone: the same facts as GET /status.
// Pure: the public source rows in (web/source-status.ts: redacted, real next attempt, reason in words), HTML out.
import { createHash } from 'node:crypto';
import type { SourceState } from '../model.js';
import { renderLayout } from './layout.js';
import { esc, when } from './status-cells.js';
import { renderPushSection, type PushView } from './status-push.js';

export interface SourceRow extends Omit<SourceState, 'errorDetail'> {
  storiesStored: number;
  /** What went wrong in words ("no such host"); errorCode is shown after it. */
  reason?: string;
}

/** A degraded part of the process (src/health.ts), already redacted. */
export interface DegradedLine {
  since: string;
  message: string;
}

// Below 40rem (a 390 px phone) each row becomes a card and each cell says what it is: no sideways scrolling.
const STYLE = `table{border-collapse:collapse;width:100%}th{text-align:left;font-size:.85rem;color:#555;padding:.3rem}td{border-top:1px solid #ddd;padding:.4rem .3rem;vertical-align:top}
caption{text-align:left;font-weight:bold;padding:.3rem 0}code{font-size:.8rem;word-break:break-all}.bad{color:#b00}.ok{color:#070}.small{font-size:.8rem;color:#555}time{white-space:nowrap}
.degraded{border:2px solid #b00;padding:.5rem .8rem;margin:1rem 0}.degraded p{margin:.3rem 0;overflow-wrap:anywhere}
@media (max-width:40rem){thead{display:none}table,caption,tbody,tr,td{display:block;width:auto}tr{border-top:1px solid #bbb;padding:.4rem 0}td{border:0;padding:.15rem 0}td::before{content:attr(data-label) ": ";font-size:.8rem;color:#555}}
@media (prefers-color-scheme:dark){th,.small,td::before{color:#bbb}.bad{color:#ff8a80}.ok{color:#8bd68b}.degraded{border-color:#ff8a80}}`;

/** The policy for this page: the site's stylesheet and script, and its own inline style by hash; nothing inline else. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'self' 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; script-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

function stateCell(s: SourceRow): string {
  if (!s.errorCode) return '<span class="ok">ok</span>';
  const reason = s.reason ?? s.errorMessage ?? s.errorCode;
  const technical = `${s.errorCode}${s.errorMessage && s.errorMessage !== reason ? `: ${s.errorMessage}` : ''}`;
  return `<strong class="bad">${esc(reason)}</strong><br><span class="small">${esc(technical)}; ${s.consecutiveFailures} failure${s.consecutiveFailures === 1 ? '' : 's'} in a row since ${when(s.failingSince)}</span>`;
}

export function renderStatusPage(
  baseUrl: string,
  stories: number,
  sources: readonly SourceRow[],
  degraded: Partial<Record<string, DegradedLine>> = {},
  /** /status's `push`: the hub's and webhooks' deliveries (hosts only); no section without it. */
  push?: PushView,
): { html: string; csp: string } {
  const rows = [...sources]
    .sort((a, b) => Number(!!b.errorCode) - Number(!!a.errorCode) || a.key.localeCompare(b.key))
    .map((s) => {
      const moved = s.movedTo ? `<br><strong>moved</strong> to <code>${esc(s.movedTo)}</code>: update the agency file` : '';
      // The first warning (how the body was decoded comes first; see worker/ingest.ts), and how many there are.
      const warned = s.warnings?.length ? `<br><span class="small">${s.warnings.length === 1 ? 'warning' : `${s.warnings.length} warnings, first`}: ${esc(s.warnings[0]!)}</span>` : '';
      return [
        '<tr>',
        `<td data-label="Source">${esc(s.kind)}${s.agency ? ` · ${esc(s.agency)}` : ''}<br><code>${esc(s.key)}</code></td>`,
        `<td data-label="State">${stateCell(s)}${moved}${warned}</td>`,
        `<td data-label="Next attempt">${when(s.nextAttempt)}</td>`,
        `<td data-label="Last success">${when(s.lastSuccess)}</td>`,
        `<td data-label="Last fetch">HTTP ${s.lastStatus ?? '—'}, ${s.itemsLastFetch ?? 0} items, ${s.storiesStored} stories</td>`,
        '</tr>',
      ].join('');
    })
    .join('\n');
  const parts = Object.entries(degraded).filter((e): e is [string, DegradedLine] => e[1] !== undefined);
  const banner = parts.length
    ? `<div class="degraded" role="alert"><p><strong>Degraded:</strong> the service runs, with less.</p>\n${parts.map(([part, d]) => `<p><strong>${esc(part)}</strong> (since ${when(d.since)}): ${esc(d.message)}</p>`).join('\n')}</div>`
    : '';
  const main = `<h1>Source status</h1>
${banner}
<p>${stories} stories stored. Also as <a href="${esc(baseUrl)}/status">JSON</a> and as an <a href="${esc(baseUrl)}/feeds/status.atom">Atom feed</a> of incidents.</p>
<table class="sources">
<thead><tr><th scope="col">Source</th><th scope="col">State</th><th scope="col">Next attempt</th><th scope="col">Last success</th><th scope="col">Last fetch</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">No source has been read yet.</td></tr>'}
</tbody>
</table>
${renderPushSection(push)}`;
  const html = renderLayout({
    baseUrl,
    title: 'Pressroom: source status',
    exactTitle: true,
    description: 'Whether each agency feed and bulletin Pressroom reads is working, failing or moved.',
    // The table's own layout (cards under 40rem): one inline style, allowed by its hash in STATUS_PAGE_CSP.
    head: [`<link rel="alternate" type="application/atom+xml" title="Source status (Atom)" href="${esc(baseUrl)}/feeds/status.atom">`, `<style>${STYLE}</style>`],
    main,
    current: 'status',
  });
  return { html, csp: STATUS_PAGE_CSP };
}
