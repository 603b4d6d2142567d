// The operator's paths (/metrics, /status/detail): on their own listener (OPERATOR_PORT, loopback by default), or on
// the public port only for a request bearing OPERATOR_TOKEN. Everyone else gets the 404 of a path that is not there.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Exactly these paths, as written: routing is case-sensitive and strict, so no other spelling reaches them. */
export const OPERATOR_PATHS: ReadonlySet<string> = new Set(['/metrics', '/status/detail']);

/** Whether a request's path (the query aside) is an operator path. */
export function isOperatorPath(url: string | undefined): boolean {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return OPERATOR_PATHS.has(q < 0 ? u : u.slice(0, q));
}

/** `Authorization: Bearer <token>` with this token, compared in constant time (hashes of equal length). */
export function bearerMatches(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return false;
  const h = req.headers.authorization;
  if (typeof h !== 'string') return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h);
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
