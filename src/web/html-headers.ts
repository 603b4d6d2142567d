// Headers every answer of the Express routes carries: `nosniff` always, and a Content-Security-Policy on any HTML
// that did not bring its own (the prepared documents carry both already: web/prepared.ts, web/publication.ts).
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * For an HTML page that sets none: scripts, styles and forms from this origin only, nothing inline (a page that
 * needs an inline `<style>` sends its own policy with the style's hash), no plugins, no framing.
 */
export const DEFAULT_HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' http: https: data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function headerIn(headers: unknown, name: string): unknown {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  for (const [k, v] of Object.entries(headers as OutgoingHttpHeaders)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Sets `X-Content-Type-Options: nosniff` now, and a CSP at writeHead time when the answer is HTML without one. */
export function withHtmlSafety(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const extra = args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
    const type = String(headerIn(extra, 'content-type') ?? this.getHeader('content-type') ?? '');
    if (/^\s*text\/html/i.test(type) && headerIn(extra, 'content-security-policy') === undefined && !this.hasHeader('content-security-policy'))
      this.setHeader('Content-Security-Policy', DEFAULT_HTML_CSP);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}
