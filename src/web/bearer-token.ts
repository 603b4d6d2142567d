// `Authorization: Bearer <token>` (RFC 6750 §2.1): the one reading of it for every token Pressroom takes
// (OPERATOR_TOKEN, BULLETIN_TOKEN).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token of a request's `Authorization: Bearer …` header, or undefined when it carries none. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(h)?.[1];
}

/** Constant time whatever the lengths: both sides are hashed first, so the comparison never leaks a prefix or a length. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
