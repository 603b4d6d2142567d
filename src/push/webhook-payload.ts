// What a webhook receives: the JSON body (schema version 1) and its signature. Pure.
import { createHash, createHmac } from 'node:crypto';
import type { WebhookEvent } from './push-config.js';

/** One event about one story, as it appears alone (one message) or inside a digest's `events`. */
export interface EventPayload {
  delivery_id: string;
  event: WebhookEvent;
  /** When the worker saw the change (the commit that published it). */
  occurred_at: string;
  /** The story exactly as the JSON Feed renders it; for story.withdrawn only `id`, `title` and `_pressroom.withdrawn`. */
  story: Record<string, unknown>;
}

export interface MessagePayload {
  version: 1;
  webhook: string;
  delivery_id: string;
  event: WebhookEvent | 'digest';
  occurred_at: string;
  story?: Record<string, unknown>;
  events?: EventPayload[];
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/**
 * Stable across retries and restarts: the same hook, event, story and story version always give the same id,
 * so a receiver that got a message twice (at-least-once delivery) can drop the repeat.
 */
export function deliveryId(hook: string, event: WebhookEvent, storyId: string, updated: string): string {
  return `dlv_${hash(`${hook}\n${event}\n${storyId}\n${updated}`)}`;
}

export function digestId(hook: string, events: readonly EventPayload[]): string {
  return `dlv_${hash(`${hook}\ndigest\n${events.map((e) => e.delivery_id).join('\n')}`)}`;
}

export function singleMessage(hook: string, e: EventPayload): MessagePayload {
  return { version: 1, webhook: hook, delivery_id: e.delivery_id, event: e.event, occurred_at: e.occurred_at, story: e.story };
}

export function digestMessage(hook: string, events: readonly EventPayload[], at: Date): MessagePayload {
  return { version: 1, webhook: hook, delivery_id: digestId(hook, events), event: 'digest', occurred_at: at.toISOString(), events: [...events] };
}

/**
 * The headers that sign a body: `X-Pressroom-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
 * timestamp (Unix seconds) in `X-Pressroom-Timestamp`. Each attempt is signed afresh; a receiver rejects a
 * timestamp more than a few minutes old, so a recorded message cannot be replayed later.
 */
export function signatureHeaders(secret: string, body: string, at: Date): Record<string, string> {
  const t = String(Math.floor(at.getTime() / 1000));
  const sig = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { 'X-Pressroom-Timestamp': t, 'X-Pressroom-Signature': `sha256=${sig}` };
}
