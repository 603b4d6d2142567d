// What a process knows of its own health: whether the store is loaded, and each part that is degraded (it still
// serves, with less). One small object per process, shared by the store side, the config side and the web tier:
// /readyz, /status and the status feed read it. Imports nothing.

/** A part of the service that works, but not as it should. */
export interface DegradedPart {
  /** ISO 8601: since when. */
  since: string;
  /** One line an operator can act on, e.g. `commits fail: ENOSPC (no space left on device); retry in 8 s`. */
  message: string;
  /** Anything more a machine may want (counts, files); shown as is in /status. */
  detail?: Record<string, unknown>;
}

/** The parts that can degrade. `config`: running on the last good config; `store`: damaged files were set aside; `commits`: writes fail. */
export type HealthPart = 'config' | 'store' | 'commits';

export interface HealthSnapshot {
  /** The store has been read: the process serves. /readyz is 503 only while this is false. */
  storeLoaded: boolean;
  degraded: Partial<Record<HealthPart, DegradedPart>>;
}

export interface Health {
  snapshot(): HealthSnapshot;
  /** Changes whenever the snapshot does (the web tier re-renders the status feed then). */
  readonly version: number;
  markStoreLoaded(): void;
  /** Sets (or, with undefined, clears) one part's degradation; keeps `since` when the part was already degraded. */
  setDegraded(part: HealthPart, message: string | undefined, detail?: Record<string, unknown>, now?: Date): void;
  /** Replaces the whole `degraded` record of some parts at once (e.g. with what another process reported). */
  merge(from: Partial<Record<HealthPart, DegradedPart | undefined>>): void;
}

export function createHealth(): Health {
  let storeLoaded = false;
  const degraded: Partial<Record<HealthPart, DegradedPart>> = {};
  let version = 0;
  const same = (a: DegradedPart | undefined, b: DegradedPart | undefined) => JSON.stringify(a) === JSON.stringify(b);
  return {
    snapshot: () => ({ storeLoaded, degraded: { ...degraded } }),
    get version() {
      return version;
    },
    markStoreLoaded() {
      if (!storeLoaded) version++;
      storeLoaded = true;
    },
    setDegraded(part, message, detail, now = new Date()) {
      const before = degraded[part];
      const next = message === undefined ? undefined : { since: before?.since ?? now.toISOString(), message, ...(detail ? { detail } : {}) };
      if (same(before, next)) return;
      if (next) degraded[part] = next;
      else delete degraded[part];
      version++;
    },
    merge(from) {
      for (const [part, value] of Object.entries(from) as [HealthPart, DegradedPart | undefined][]) {
        if (same(degraded[part], value)) continue;
        if (value) degraded[part] = value;
        else delete degraded[part];
        version++;
      }
    },
  };
}

/**
 * The body of /readyz: `ready` alone when nothing is degraded, else one line per degraded part
 * (`degraded store: …`). 503 and `not ready` only before the store is loaded.
 */
export function readiness(h: HealthSnapshot): { status: 200 | 503; body: string } {
  if (!h.storeLoaded) return { status: 503, body: 'not ready: the store is not loaded yet\n' };
  const parts = (Object.entries(h.degraded) as [HealthPart, DegradedPart][]).filter(([, d]) => d);
  if (parts.length === 0) return { status: 200, body: 'ready\n' };
  return { status: 200, body: `ready, degraded: ${parts.map(([p]) => p).join(', ')}\n${parts.map(([p, d]) => `degraded ${p} since ${d.since}: ${d.message}\n`).join('')}` };
}
