// What a port answers between the moment it opens and the moment the store is loaded (a large store takes
// seconds to read): /healthz `200` (the process is alive), /readyz `503 not ready`, everything else `503` with
// `Retry-After`, so that a reader or a check that arrives early gets an answer that says to come back, not a
// refused connection. The operator paths stay a `404` on the public port for a request without the token, as
// they are once loaded: an early answer must not tell anyone more than a later one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches, isOperatorPath } from './operator.js';

/** Seconds a client is asked to wait. */
export const RETRY_AFTER_SECONDS = 5;

export function answerBeforeLoad(opts: { operatorListener: boolean; token?: string }): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0];
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') return send(503, 'not ready: the store is not loaded yet\n', { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    if (!opts.operatorListener && isOperatorPath(url) && !bearerMatches(req, opts.token)) return send(404, `not found: ${JSON.stringify(path)}\n`);
    send(503, 'starting: the store is not loaded yet; try again in a few seconds\n', { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  };
}
