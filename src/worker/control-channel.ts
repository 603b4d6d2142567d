// The local channel between the CLI and the running worker: a Unix socket in DATA_DIR (`control.sock`, mode 0600,
// so only the store's owner can use it). The worker holds the store and is its only writer, so `ingest --once`,
// `withdraw` and `agencies forget` ask it to act instead of refusing; with no worker running, the CLI takes the
// store's lock and writes itself. One JSON line each way per connection.
import { chmod, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import path from 'node:path';

export const CONTROL_SOCKET = 'control.sock';

export type ControlRequest =
  | { cmd: 'ingest' }
  | { cmd: 'withdraw'; id: string; reason?: string }
  | { cmd: 'unwithdraw'; id: string }
  | { cmd: 'forget'; agency: string }
  | { cmd: 'restore'; agency: string };

export interface ControlResponse {
  ok: boolean;
  /** Lines for the operator, printed as they are. */
  lines: string[];
  /** `ingest`: the run's report. */
  report?: unknown;
}

/** Requests are a few dozen bytes: a peer sending more is not our CLI. */
const MAX_REQUEST = 64 * 1024;

/**
 * A socket path must fit sockaddr_un (108 bytes on Linux): a long DATA_DIR is reached by its path relative to the
 * working directory when that is shorter. Both ends compute the same.
 */
export function socketPath(dataDir: string): string {
  const abs = path.join(path.resolve(dataDir), CONTROL_SOCKET);
  if (Buffer.byteLength(abs) < 100) return abs;
  const rel = path.relative(process.cwd(), abs);
  return Buffer.byteLength(rel) < Buffer.byteLength(abs) ? rel : abs;
}

function isRequest(v: unknown): v is ControlRequest {
  const r = v as Record<string, unknown>;
  if (!r || typeof r !== 'object') return false;
  switch (r.cmd) {
    case 'ingest':
      return true;
    case 'withdraw':
      return typeof r.id === 'string' && (r.reason === undefined || typeof r.reason === 'string');
    case 'unwithdraw':
      return typeof r.id === 'string';
    case 'forget':
    case 'restore':
      return typeof r.agency === 'string';
    default:
      return false;
  }
}

export interface ControlServer {
  close(): Promise<void>;
}

/**
 * Listens on DATA_DIR/control.sock. Called only by the process that holds the store's writer lock, so a socket file
 * left there is a dead writer's and is replaced.
 */
export async function serveControl(dataDir: string, handle: (r: ControlRequest) => Promise<ControlResponse>, log: { warn(o: object, m: string): void }): Promise<ControlServer> {
  const file = socketPath(dataDir);
  await rm(file, { force: true });
  const server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) return sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.pause();
      let req: unknown;
      try {
        req = JSON.parse(buf.slice(0, nl));
      } catch {
        req = undefined;
      }
      const answer = isRequest(req) ? handle(req).catch((e: unknown): ControlResponse => ({ ok: false, lines: [`failed: ${(e as Error).message}`] })) : Promise.resolve<ControlResponse>({ ok: false, lines: ['not a request this daemon understands'] });
      void answer.then((r) => sock.end(`${JSON.stringify(r)}\n`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  server.on('error', (e) => log.warn({ err: e.message }, 'control channel failed'));
  await chmod(file, 0o600).catch(() => undefined);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        void rm(file, { force: true }).catch(() => undefined);
      }),
  };
}

/**
 * Sends one request to the worker holding DATA_DIR. Undefined when no worker listens there (no socket, or a dead
 * one's): the caller then does the work itself, under the store's lock.
 */
export function askDaemon(dataDir: string, req: ControlRequest): Promise<ControlResponse | undefined> {
  const file = socketPath(dataDir);
  return new Promise((resolve, reject) => {
    const sock = connect(file);
    let buf = '';
    let connected = false;
    sock.setEncoding('utf8');
    sock.on('connect', () => {
      connected = true;
      sock.write(`${JSON.stringify(req)}\n`);
    });
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK')) resolve(undefined);
      else reject(new Error(`control channel ${file}: ${e.message}`));
    });
    sock.on('close', () => {
      if (!connected) return;
      try {
        resolve(JSON.parse(buf) as ControlResponse);
      } catch {
        reject(new Error(`control channel ${file}: the daemon closed the connection without an answer`));
      }
    });
  });
}
