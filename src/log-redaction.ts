// pino's logMethod hook: credentials in feed URLs (user info, ?token=…) are blanked from every log line, the
// message and the fields one level down alike, whoever logs it (ingest, store, web, cron).
import type { LogFn } from 'pino';
import { redactSecrets } from './text/redact-secrets.js';

function redactValue(v: unknown): unknown {
  if (typeof v === 'string') return redactSecrets(v);
  if (v instanceof Error) return redactSecrets(v.stack ?? v.message);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? redactSecrets(x) : x));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? redactSecrets(x) : x]));
  return v;
}

function redactFields(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = redactValue(v);
  return out;
}

export function redactLogArguments(this: unknown, args: Parameters<LogFn>, method: LogFn): void {
  const out = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a && typeof a === 'object' && !(a instanceof Error) ? redactFields(a as Record<string, unknown>) : a));
  return method.apply(this, out as Parameters<LogFn>);
}
