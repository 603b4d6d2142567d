// The operator's paths (/metrics, /status/detail): on their own listener (OPERATOR_PORT, loopback by default), or on
// the public port only for a request bearing OPERATOR_TOKEN. Everyone else gets the 404 of a path that is not there.
import type { IncomingMessage } from 'node:http';
import { bearerToken, tokenMatches } from './bearer-token.js';

/** Exactly these paths, as written: routing is case-sensitive and strict, so no other spelling reaches them. */
export const OPERATOR_PATHS: ReadonlySet<string> = new Set(['/metrics', '/status/detail']);

/** Whether a request's path (the query aside) is an operator path. */
export function isOperatorPath(url: string | undefined): boolean {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return OPERATOR_PATHS.has(q < 0 ? u : u.slice(0, q));
}

/** `Authorization: Bearer <token>` with this token (bearer-token.ts). */
export function bearerMatches(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return false;
  const given = bearerToken(req);
  return given !== undefined && tokenMatches(given, token);
}
