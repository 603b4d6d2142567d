// Starts the real, compiled daemon (dist/main.js) as a child process on a loopback port, for end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/main.js');
/**
 * Fixture feeds link to the agencies' real sites: a daemon under test fetches no story page unless the test
 * turns it on (and points the links at the loopback fixture server).
 */
export const NO_PAGE_FETCHES = { FULLTEXT_MAX_PER_RUN: '0' };
export const SEED = path.join(ROOT, 'tests/fixtures/bulletins/bulletin-2024-10-09.txt');

export interface Daemon {
  url: string;
  /** The operator listener (/metrics, /status/detail): OPERATOR_PORT=0 on 127.0.0.1 unless the test sets it. */
  operatorUrl?: string;
  pid: number;
  child: ChildProcess;
  logs: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A temporary feeds/ and data/ pair: agencies as given, bulletins copied in. */
export function makeWorkspace(agencies: Record<string, object>, bulletins: string[] = [SEED]): { root: string; feedsDir: string; dataDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'pressroom-e2e-'));
  const feedsDir = path.join(root, 'feeds');
  mkdirSync(path.join(feedsDir, 'agencies'), { recursive: true });
  mkdirSync(path.join(feedsDir, 'bulletins'), { recursive: true });
  for (const [id, a] of Object.entries(agencies)) writeFileSync(path.join(feedsDir, 'agencies', `${id}.json`), JSON.stringify(a, null, 2));
  for (const b of bulletins) cpSync(b, path.join(feedsDir, 'bulletins', path.basename(b)));
  return { root, feedsDir, dataDir: path.join(root, 'data') };
}

/** Runs `node dist/main.js <args>` to completion. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...NO_PAGE_FETCHES, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // 'close', not 'exit': the process can end before the last of its output has been read.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The tests judge feeds with xmllint and feedparser run synchronously, which stops this process's event loop for
 * seconds on a loaded machine. fetch() keeps the daemon's connection for the next request meanwhile, and once that
 * pause outlasted the daemon's 5 s keep-alive the next fetch went out on a socket the daemon had just closed
 * ('fetch failed: other side closed', retractions.test.ts under load). A race of any HTTP client with any
 * server's idle close, not the daemon's to fix: the tests' daemons keep idle connections a minute. A test that
 * is about keep-alive sets HTTP_KEEP_ALIVE_TIMEOUT_MS itself.
 */
const LONG_KEEP_ALIVE = { HTTP_KEEP_ALIVE_TIMEOUT_MS: '60000' };

/** Starts the daemon (`start`, or the read-only `web`) with PORT=0 on 127.0.0.1 and waits until it says where it listens. */
export async function startDaemon(env: Record<string, string>, timeoutMs = 15_000, command: 'start' | 'web' = 'start'): Promise<Daemon> {
  const child = spawn(process.execPath, [MAIN, command], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', OPERATOR_PORT: '0', LOG_LEVEL: 'info', ...NO_PAGE_FETCHES, ...LONG_KEEP_ALIVE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wantsOperator = (env.OPERATOR_PORT ?? '0') !== '';
  let operatorUrl: string | undefined;
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test: it is ours, and nothing else would end it.
      child.kill('SIGKILL');
      reject(new Error(`daemon did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      const o = /operator endpoints \([^)]*\) on (http:\/\/[^"\s]+)/.exec(out);
      if (o) operatorUrl = o[1];
      if (m && (!wantsOperator || o)) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    ...(operatorUrl ? { operatorUrl } : {}),
    pid: child.pid!,
    child,
    logs: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns true or the time runs out. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
