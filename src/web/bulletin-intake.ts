// `POST /bulletins`: a bulletin over HTTP, for authors who cannot reach the drop folder. Exists only when
// BULLETIN_TOKEN is set. The web process never writes the store: it checks the body, puts it into the drop folder
// atomically (a dot-named temporary file, then a rename) and the worker's watcher ingests it like any dropped file.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Agency } from '../model.js';
import { checkBulletin, type BulletinReport } from '../stories/check-bulletin.js';
import { decodeText } from '../text/decode-text.js';
import { bearerToken, tokenMatches } from './bearer-token.js';

export interface IntakeOptions {
  token: string;
  maxBytes: number;
  bulletinsDir: string;
  /** Configured and discovered agencies, as the worker will resolve the `Source:` lines. */
  agencies: () => Agency[];
  now?: () => Date;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export type IntakeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A name the author may choose (`?name=digest-2024-10-11.txt`): re-posting it replaces that bulletin, as an edit. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(bytes.length), 'Cache-Control': 'no-store', ...extra });
  res.end(bytes);
}

/** The drop folder's name for a posted bulletin: the author's `name` (made `.txt`), else one stamped with the day. */
function fileName(query: URLSearchParams, body: Uint8Array, now: Date): string | { error: string } {
  const asked = query.get('name');
  if (asked !== null) {
    if (query.getAll('name').length > 1) return { error: 'name given more than once' };
    if (!NAME.test(asked)) return { error: 'name must be 1–100 letters, digits, ".", "_" or "-", not starting with "." or "-"' };
    return asked.toLowerCase().endsWith('.txt') ? asked : `${asked}.txt`;
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
  // The day in the name is the bulletin's day only when nothing in the text says otherwise (a dateline, a header).
  return `posted-${now.toISOString().slice(0, 10)}-${stamp.slice(9)}-${hash}.txt`;
}

/** Writes into the drop folder so that the watcher never sees a partial file: temp name first, fsync, rename. */
async function dropAtomically(dir: string, name: string, body: Uint8Array): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path.join(dir, name));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** How much of an over-limit body is read before the 413 (see createBulletinIntake). */
const DRAIN_FACTOR = 4;

export function createBulletinIntake(opts: IntakeOptions): IntakeHandler {
  const now = opts.now ?? (() => new Date());
  return (req, res) => {
    const given = bearerToken(req);
    if (given === undefined || !tokenMatches(given, opts.token)) {
      // The body is not read: the connection goes with the answer.
      json(res, 401, { error: given === undefined ? 'a bearer token is required: Authorization: Bearer <BULLETIN_TOKEN>' : 'wrong token' }, { 'WWW-Authenticate': 'Bearer realm="pressroom"', Connection: 'close' });
      return;
    }
    const tooLarge = () => json(res, 413, { error: `the body is larger than ${opts.maxBytes} bytes (BULLETIN_MAX_BYTES)` }, { Connection: 'close' });
    // A body past the limit is still read (and dropped) up to DRAIN_FACTOR times the limit before the 413 goes out.
    // Closing a connection whose body is unread makes the kernel answer the sender's next bytes with a reset, and
    // a proxy still sending the body (nginx lets 2 MB through to /bulletins, docs/nginx.conf) then loses our
    // answer and reports 502 instead. Past that bound the answer goes at once and the connection with it.
    const drainBytes = opts.maxBytes * DRAIN_FACTOR;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > drainBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let over = Number.isFinite(declared) && declared > opts.maxBytes;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > drainBytes) {
        done = true;
        tooLarge();
        return;
      }
      if (size > opts.maxBytes) over = true;
      if (over) chunks.length = 0;
      else chunks.push(c);
    });
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (over) return tooLarge();
      void accept(Buffer.concat(chunks)).catch((e: unknown) => {
        opts.log.warn({ err: (e as Error).message }, 'POST /bulletins failed');
        if (!res.headersSent) json(res, 500, { error: 'the bulletin could not be stored' });
      });
    });

    const accept = async (body: Buffer) => {
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const at = now();
      const name = fileName(query, body, at);
      if (typeof name !== 'string') return json(res, 400, { error: `bad request: ${name.error}` });
      const report = checkPosted(body, name, opts.agencies(), at);
      // With errors (text that would be lost, no item at all) nothing is stored: the author fixes and posts again.
      if (report.errors.length) return json(res, 422, { stored: false, report });
      await dropAtomically(opts.bulletinsDir, name, body);
      opts.log.info({ file: name, bytes: body.length, items: report.items.length }, `bulletin ${name} received over HTTP; the worker ingests it`);
      json(res, 202, { stored: true, file: name, report });
    };
  };
}

/** `pressroom check-bulletin`'s report of the body, decoded as a dropped file is (stories/check-bulletin.ts). */
function checkPosted(body: Buffer, name: string, agencies: Agency[], now: Date): BulletinReport {
  const decoded = decodeText(body, { kind: 'plain' });
  const report = checkBulletin(decoded.text, name, agencies, now, { encoding: decoded.encoding, ...(decoded.warning ? { encodingWarning: decoded.warning } : {}) });
  if (report.items.length === 0 && report.errors.length === 0) return { ...report, ok: false, errors: [{ line: 0, message: 'no items found' }] };
  return report;
}
