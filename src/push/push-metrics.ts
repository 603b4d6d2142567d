// Prometheus figures of the hub and the webhooks, in the worker's registry (under PM2 the web tier appends them).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface PushMetrics {
  verification(outcome: string): void;
  delivery(kind: 'websub' | 'ping', outcome: string, ms?: number): void;
  webhook(hook: string, outcome: string, ms?: number): void;
}

export function createPushMetrics(registry: Registry, gauges: { subscriptions: () => number; webhookPending: () => Record<string, number> }): PushMetrics {
  const registers = [registry];
  const verifications = new Counter({ name: 'pressroom_websub_verifications_total', help: 'WebSub verifications of intent by outcome (verified, failed, denied)', labelNames: ['outcome'], registers });
  const deliveries = new Counter({ name: 'pressroom_websub_deliveries_total', help: 'WebSub content deliveries and hub pings by kind and outcome (delivered, failed, gone; ok, failed)', labelNames: ['kind', 'outcome'], registers });
  const duration = new Histogram({ name: 'pressroom_push_request_duration_seconds', help: 'Time of one push request (verification, delivery, webhook)', labelNames: ['kind'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
  const hooks = new Counter({ name: 'pressroom_webhook_deliveries_total', help: 'Webhook messages by webhook id and outcome (delivered, failed, dropped)', labelNames: ['webhook', 'outcome'], registers });
  new Gauge({
    name: 'pressroom_websub_subscriptions',
    help: 'Active WebSub subscriptions',
    registers,
    collect() {
      this.set(gauges.subscriptions());
    },
  });
  new Gauge({
    name: 'pressroom_webhook_pending',
    help: 'Webhook messages (and digest events) waiting to be sent, by webhook id',
    labelNames: ['webhook'],
    registers,
    collect() {
      this.reset();
      for (const [webhook, n] of Object.entries(gauges.webhookPending())) this.set({ webhook }, n);
    },
  });
  return {
    verification(outcome) {
      verifications.inc({ outcome });
    },
    delivery(kind, outcome, ms) {
      deliveries.inc({ kind, outcome });
      if (ms !== undefined) duration.observe({ kind }, ms / 1000);
    },
    webhook(hook, outcome, ms) {
      hooks.inc({ webhook: hook, outcome });
      if (ms !== undefined) duration.observe({ kind: 'webhook' }, ms / 1000);
    },
  };
}
