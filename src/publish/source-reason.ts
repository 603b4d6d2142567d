// Why a source failed, in words an operator reads on a phone first ("no such host"), the technical code after.
// Pure: the stored code and message in, one short phrase out.

/** Node's and the resolver's error codes as they appear in a stored message, and what they mean. */
const SYSTEM_ERRORS: readonly [RegExp, string][] = [
  [/\bENOTFOUND\b|\bEAI_NONAME\b|\bEAI_NODATA\b/, 'no such host'],
  [/\bEAI_AGAIN\b/, 'the name server did not answer'],
  [/\bECONNREFUSED\b/, 'connection refused'],
  [/\bECONNRESET\b|\bUND_ERR_SOCKET\b|\bother side closed\b/i, 'connection reset by the server'],
  [/\bEHOSTUNREACH\b|\bENETUNREACH\b/, 'host unreachable'],
  [/\bETIMEDOUT\b|\bUND_ERR_CONNECT_TIMEOUT\b/, 'connecting timed out'],
  [/\bCERT_|\bUNABLE_TO_VERIFY\b|\bSELF_SIGNED\b|\bERR_TLS\b|\bEPROTO\b|certificate/i, 'TLS certificate or handshake refused'],
  [/\bUND_ERR_HEADERS_TIMEOUT\b/, 'the server sent no answer in time'],
];

/** Seconds from "timeout after 20000 ms" → "20 s". */
function seconds(message: string | undefined): string | undefined {
  const m = /(\d+)\s*ms\b/.exec(message ?? '');
  if (!m) return undefined;
  const s = Number(m[1]) / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

const BY_CODE: Readonly<Record<string, string | ((message: string | undefined) => string)>> = {
  timeout: (m) => `timed out${seconds(m) ? ` after ${seconds(m)}` : ''}`,
  'too-large': 'the feed is larger than FETCH_MAX_BYTES',
  'too-many-redirects': 'too many redirects',
  'redirect-loop': 'redirect loop',
  'http-error': (m) => {
    const status = /HTTP (\d{3})/.exec(m ?? '')?.[1];
    if (status && /redirect to/.test(m ?? '')) return 'unusable redirect';
    if (status?.startsWith('5')) return `server error (HTTP ${status})`;
    if (status === '401' || status === '403') return `access refused (HTTP ${status})`;
    return status ? `the server refused the request (HTTP ${status})` : 'the server refused the request';
  },
  'rate-limited': 'rate limited by the server (HTTP 429)',
  unavailable: 'the server is unavailable (HTTP 503)',
  gone: 'the feed is gone (HTTP 410)',
  'not-found': 'no feed at this address (HTTP 404)',
  'refused-address': 'points at a private address (refused)',
  aborted: 'stopped while shutting down',
  empty: 'the server sent an empty answer',
  'not-a-feed': 'a web page, not a feed',
  malformed: 'the feed is not well-formed XML',
  'too-slow': 'took too long to process (stopped)',
  crashed: 'processing crashed',
  unreadable: 'the file cannot be read',
};

/**
 * The human reason for a stored failure: "no such host", "connection refused", "timed out after 20 s"… Network
 * errors are read from the message (the code alone says only `network`); unknown codes fall back to the message.
 */
export function humanReason(code: string | undefined, message: string | undefined): string {
  if (code === undefined) return message ?? 'unknown error';
  if (code === 'network' || code === 'unreadable' || !(code in BY_CODE)) {
    for (const [re, words] of SYSTEM_ERRORS) if (re.test(message ?? '')) return words;
    if (code === 'network') return 'network error';
  }
  const r = BY_CODE[code];
  if (r === undefined) return message ?? code;
  return typeof r === 'string' ? r : r(message);
}
