// The load generator of the serving benchmarks, and their table helpers. Loopback only, bounded in time.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import autocannon from 'autocannon';

/** One request on a fresh connection (a pooled one may have been closed by the server while wrk ran). */
export function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The load generator: Debian's wrk when installed (written in C, it keeps a node server busy from one core),
 * else autocannon (node, one thread: on a two-core machine it is often the bottleneck itself, which pulls both
 * sides' numbers, and so the ratio, towards its own limit).
 */
export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));

export async function load(url: string, duration: number, headers: Record<string, string>, expectStatus: number): Promise<number> {
  const status = await statusOf(url, headers);
  if (status !== expectStatus) throw new Error(`${url} answered ${status}, expected ${expectStatus}`);
  if (WRK) {
    const args = ['-t1', '-c10', `-d${duration}s`, ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
    const out = execFileSync(WRK, args, { encoding: 'utf8', timeout: (duration + 30) * 1000 });
    const rate = /Requests\/sec:\s+([\d.]+)/.exec(out);
    if (!rate || /Socket errors|Non-2xx/.test(out)) throw new Error(`wrk ${url}:\n${out}`);
    return Number(rate[1]);
  }
  const result = await autocannon({ url, connections: 10, pipelining: 1, duration, headers });
  if (result.errors > 0 || result.timeouts > 0) throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts`);
  return result.requests.average;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
}

/**
 * Requests per second of `app` and of `bare`, each the median of `rounds` rounds. Rounds alternate the two, so
 * a burst of other work on the machine lands on both sides instead of skewing one.
 */
export async function alternating(app: string, bare: string, rounds: number, duration: number, headers: Record<string, string>, status: number): Promise<{ app: number; bare: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await load(app, duration, headers, status));
    b.push(await load(bare, duration, headers, status));
  }
  return { app: median(a), bare: median(b) };
}
