// Credentials an operator wrote into a feed URL (user info, `?token=…`), blanked out of anything shown or logged.
// Pure: text in, text out. The fetcher keeps the real URL; every output and log line goes through here.

/** What replaces a secret: plain ASCII, so it needs no escaping in XML, HTML, JSON or a Prometheus label. */
export const REDACTED = 'REDACTED';

/**
 * Words that mark a query (or fragment) parameter as a credential when any word of its name is one of them:
 * `token`, `api_key`, `apiKey`, `X-Amz-Signature`, `access_token`, `client_secret`, `auth`, `sig`… A name is split
 * into words at anything but a letter or digit and at a lower-to-upper case change, compared case-insensitively.
 */
const SECRET_WORDS = new Set([
  'token',
  'key',
  'apikey',
  'auth',
  'authorization',
  'password',
  'passwd',
  'pwd',
  'pass',
  'secret',
  'sig',
  'signature',
  'credential',
  'credentials',
  'session',
  'jwt',
  'bearer',
]);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Whether a query parameter's name (raw, maybe percent-encoded) names a credential. */
export function isSecretParameter(rawName: string): boolean {
  const name = safeDecode(rawName);
  const squashed = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_WORDS.has(squashed)) return true;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w));
}

// `scheme://userinfo@`: the user info ends at the last `@` before the first `/`, `?` or `#` (RFC 3986 §3.2).
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/?#\s"'<>]*@)/gi;
// `?name=value` / `&name=value` / `;name=value` / `#name=value`, also as `&amp;name=` in markup.
const PARAM = /([?&;#])([^=&;#?\s"'<>]+)=([^&;#\s"'<>]*)/g;
// The same inside a percent-encoded URL (a feed URL passed as a parameter of another): `%3Ftoken%3D…`, `%26key%3D…`.
const ENCODED_PARAM = /(%3F|%26|%23|%3B)([A-Za-z0-9_.~-]+?)(%3D)((?:(?!%26|%23|%3B)[^&;#\s"'<>])*)/gi;

/**
 * Every credential in a text blanked: the user info of any URL in it (`https://REDACTED@host/`) and the value of
 * every parameter whose name names a credential (`?token=REDACTED`). Anything else is left byte for byte, so a
 * redacted URL still says which feed it is. Idempotent.
 */
export function redactSecrets(text: string): string {
  if (!text.includes('@') && !text.includes('=') && !text.includes('%')) return text;
  return text
    .replace(USERINFO, (_m, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(PARAM, (m, sep: string, name: string, value: string) => (value !== '' && isSecretParameter(name) ? `${sep}${name}=${REDACTED}` : m))
    .replace(ENCODED_PARAM, (m, sep: string, name: string, eq: string, value: string) => (value !== '' && isSecretParameter(name) ? `${sep}${name}${eq}${REDACTED}` : m));
}
