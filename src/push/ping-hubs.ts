// WEBSUB_PING_HUBS: external hubs told `hub.mode=publish&hub.url=<topic>` when a subscription feed's bytes change,
// for operators who also want a public hub to fan out their feeds. The feeds still advertise only our own hub.
import type { Prepared } from '../web/prepared.js';
import { send, type HostLimiter, type SendPolicy } from './send.js';
import { canonicalTopic, type Topic } from './topics.js';

export interface PingDeps {
  hubs: readonly string[];
  publicUrl: string;
  retryBaseMs: number;
  send: SendPolicy;
  limiter: HostLimiter;
  topicDocument: (topic: Topic) => Prepared | undefined;
  knownKeys: () => ReadonlySet<string>;
  defaultLimit: number;
  onResult: (ok: boolean, ms: number) => void;
  closed: () => boolean;
}

const ATTEMPTS = 3;

/** Returns `changed()`: pings every hub about each default feed whose ETag moved since the last call. */
export function createPinger(deps: PingDeps): { changed(track: <T>(p: Promise<T>) => Promise<T>): void } {
  const seen = new Map<string, string>();
  let baseline = false;

  const ping = async (topic: string): Promise<void> => {
    const body = Buffer.from(new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString());
    for (const h of deps.hubs) {
      for (let i = 0; i < ATTEMPTS && !deps.closed(); i++) {
        const r = await deps.limiter.run(new URL(h).host, () =>
          send(h, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body }, deps.send),
        );
        const ok = r.kind === 'answered' && r.status >= 200 && r.status < 300;
        deps.onResult(ok, r.ms);
        if (ok) break;
        if (i < ATTEMPTS - 1) await new Promise((res) => setTimeout(res, deps.retryBaseMs * 4 ** i).unref());
      }
    }
  };

  return {
    changed(track) {
      if (deps.hubs.length === 0) return;
      const keys = deps.knownKeys();
      for (const k of keys) {
        for (const format of ['rss', 'atom', 'json'] as const) {
          const t = canonicalTopic(`${deps.publicUrl}/feeds/${encodeURIComponent(k)}.${format}`, deps.publicUrl, keys, deps.defaultLimit);
          const doc = t.ok ? deps.topicDocument(t) : undefined;
          if (!t.ok || !doc) continue;
          const before = seen.get(t.url);
          seen.set(t.url, doc.etag);
          // The first look (at start-up) only learns the current bytes: nothing changed yet.
          if (baseline && before !== doc.etag) void track(ping(t.url));
        }
      }
      baseline = true;
    },
  };
}
