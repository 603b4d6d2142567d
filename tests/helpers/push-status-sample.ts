// What a worker reports of its push (src/push/push-status.ts) for the status page's tests: a hub with a failing
// subscriber, and a failing digest webhook beside a healthy one. Hosts only, as /status gives them.
import type { PushView } from '../../src/publish/status-push.js';

export function samplePush(): PushView {
  return {
    websub: {
      hub: 'https://press.example.org/websub',
      subscriptions: 3,
      retrying: 1,
      counters: { verified: 4, verificationFailed: 1, denied: 0, delivered: 17, deliveryFailed: 2, gone: 1, expired: 0, pings: 0, pingFailed: 0 },
      subscribers: [
        { callbackHost: 'reader.example.net', topic: 'https://press.example.org/feeds/all.atom', expiresAt: '2026-12-17T04:00:00.000Z', lastAttemptAt: '2026-12-07T04:10:00.000Z', lastOutcome: 'delivered', failures: 0 },
        { callbackHost: 'slow.example.com:8443', topic: 'https://press.example.org/feeds/nato.json?q=summit', expiresAt: '2026-12-10T00:00:00.000Z', lastAttemptAt: '2026-12-07T04:11:00.000Z', lastOutcome: 'timeout', failures: 3 },
        { callbackHost: 'new.example.org', topic: 'https://press.example.org/feeds/europol.rss', expiresAt: '2026-12-20T00:00:00.000Z', failures: 0 },
      ],
    },
    webhooks: [
      { id: 'nato-watch', callbackHost: 'hooks.example.org', delivered: 5, failed: 0, dropped: 0, pending: 0, lastAttemptAt: '2026-12-07T04:00:00.000Z', lastOutcome: 'delivered' },
      { id: 'europol-digest', callbackHost: 'chat.example.com', digestSeconds: 3600, delivered: 1, failed: 4, dropped: 2, pending: 3, lastAttemptAt: '2026-12-07T04:05:00.000Z', lastOutcome: 'HTTP 500' },
    ],
  };
}

