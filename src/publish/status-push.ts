// The push part of the status page: the WebSub hub's subscriptions and deliveries, and each webhook's. The same
// facts as /status's `push` (src/push/push-status.ts). A callback URL is its subscriber's secret (it often carries
// a token) and a webhook's URL the operator's: only their hosts reach this page, as /status gives them.
import { esc, when } from './status-cells.js';

/** The shape of /status's `push` that this page shows (src/push/hub.ts HubStatus, src/push/webhooks.ts WebhookStatus). */
export interface PushView {
  websub?: {
    hub: string;
    subscriptions: number;
    retrying: number;
    counters: { verified: number; verificationFailed: number; denied: number; delivered: number; deliveryFailed: number; gone: number; expired: number; pings?: number; pingFailed?: number };
    subscribers: readonly { callbackHost: string; topic: string; expiresAt: string; lastAttemptAt?: string; lastOutcome?: string; failures: number }[];
  };
  webhooks: readonly { id: string; callbackHost: string; digestSeconds?: number; delivered: number; failed: number; dropped: number; pending: number; lastAttemptAt?: string; lastOutcome?: string }[];
}

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const outcome = (o: string | undefined) => (o === undefined ? '—' : o === 'delivered' ? '<span class="ok">delivered</span>' : `<strong class="bad">${esc(o)}</strong>`);

function hubPart(h: NonNullable<PushView['websub']>): string {
  const c = h.counters;
  const summary =
    `<p>Hub <code>${esc(h.hub)}</code>: ${n(h.subscriptions, 'subscription')}; ${c.delivered} delivered, ${c.deliveryFailed} failed, ${c.gone} gone (410), ` +
    `${h.retrying} waiting for a retry; ${c.verified} verified, ${c.verificationFailed} failed verification, ${c.denied} denied, ${c.expired} expired` +
    (c.pings || c.pingFailed ? `; external hubs: ${c.pings ?? 0} pinged, ${c.pingFailed ?? 0} failed` : '') +
    '.</p>';
  if (h.subscribers.length === 0) return `${summary}\n<p>No subscriber yet.</p>`;
  // Failing subscribers first, as for the sources.
  const rows = [...h.subscribers]
    .sort((a, b) => b.failures - a.failures || a.callbackHost.localeCompare(b.callbackHost) || a.topic.localeCompare(b.topic))
    .map((s) =>
      [
        '<tr>',
        `<td data-label="Subscriber">${esc(s.callbackHost)}</td>`,
        `<td data-label="Topic"><code>${esc(s.topic)}</code></td>`,
        `<td data-label="Last delivery">${outcome(s.lastOutcome)}${s.lastAttemptAt ? ` ${when(s.lastAttemptAt)}` : ''}</td>`,
        `<td data-label="Failures">${s.failures}</td>`,
        `<td data-label="Lease ends">${when(s.expiresAt)}</td>`,
        '</tr>',
      ].join(''),
    )
    .join('\n');
  const more = h.subscriptions > h.subscribers.length ? `\n<p class="small">The first ${h.subscribers.length} of ${h.subscriptions} are listed.</p>` : '';
  return `${summary}
<table class="push-subscribers">
<caption>WebSub subscribers (callback host only)</caption>
<thead><tr><th scope="col">Subscriber</th><th scope="col">Topic</th><th scope="col">Last delivery</th><th scope="col">Failures</th><th scope="col">Lease ends</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>${more}`;
}

function webhookPart(hooks: PushView['webhooks']): string {
  if (hooks.length === 0) return '<p>No webhook is configured (<code>feeds/webhooks/</code>).</p>';
  const rows = [...hooks]
    .sort((a, b) => Number(b.lastOutcome !== undefined && b.lastOutcome !== 'delivered') - Number(a.lastOutcome !== undefined && a.lastOutcome !== 'delivered') || a.id.localeCompare(b.id))
    .map((w) =>
      [
        '<tr>',
        `<td data-label="Webhook">${esc(w.id)}${w.digestSeconds ? `<br><span class="small">digest every ${w.digestSeconds} s</span>` : ''}</td>`,
        `<td data-label="Callback host">${esc(w.callbackHost)}</td>`,
        `<td data-label="Last delivery">${outcome(w.lastOutcome)}${w.lastAttemptAt ? ` ${when(w.lastAttemptAt)}` : ''}</td>`,
        `<td data-label="Delivered">${w.delivered}</td>`,
        `<td data-label="Failed, dropped">${w.failed} failed, ${w.dropped} dropped</td>`,
        `<td data-label="Waiting">${w.pending}</td>`,
        '</tr>',
      ].join(''),
    )
    .join('\n');
  return `<table class="push-webhooks">
<caption>Webhooks (callback host only)</caption>
<thead><tr><th scope="col">Webhook</th><th scope="col">Callback host</th><th scope="col">Last delivery</th><th scope="col">Delivered</th><th scope="col">Failed, dropped</th><th scope="col">Waiting</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** The page's push section; empty when the process knows nothing of push (no worker has reported yet). */
export function renderPushSection(push: PushView | undefined): string {
  if (push === undefined) return '';
  const hub = push.websub ? hubPart(push.websub) : '<p>No WebSub hub: <code>PUBLIC_URL</code> is not set.</p>';
  return `<section id="push" aria-labelledby="push-title">
<h2 id="push-title">Push</h2>
<h3>WebSub hub</h3>
${hub}
<h3>Webhooks</h3>
${webhookPart(push.webhooks ?? [])}
</section>`;
}
