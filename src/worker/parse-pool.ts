// A small pool of worker threads that parse and normalise sources off the thread that serves HTTP, each task
// under a time budget: a task past it, or a thread that dies, costs that one source and never the process.
import { Worker } from 'node:worker_threads';
import { runParseTask, type ParseOutcome, type ParseTask } from './parse-task.js';
import type { ThreadReply, ThreadRequest } from './parse-thread.js';

/** Why a task has no outcome. `too-slow` and `crashed` are the source's fault; `aborted` is a shutdown. */
export type ParseFailureCode = 'too-slow' | 'crashed' | 'aborted';

export type ParseResult<T extends ParseTask> =
  | { ok: true; outcome: ParseOutcome<T>; ms: number }
  | { ok: false; code: ParseFailureCode; message: string; ms: number };

export interface ParseRunner {
  run<T extends ParseTask>(task: T, signal?: AbortSignal): Promise<ParseResult<T>>;
  /** Ends every thread at once, a task in progress included (its run resolves `aborted`). */
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  threads: number;
  /** Wall-clock time a task may take on its thread, from the moment the thread receives it. */
  budgetMs: number;
  /**
   * V8 old-space cap of each thread. Measured: a 12 MB RSS feed of 100,000 items peaked at ~200 MB of heap
   * while rss-parser held its tree; the element tree of parse-feed (feed/xml-tree.ts) holds ~250 MB for a
   * 17.6 MB one of 100,000 items, so 512 MB leaves room for any feed under the default 10 MB fetch cap,
   * while a hostile one is stopped there rather than growing the process until the kernel kills it.
   */
  maxOldGenerationSizeMb?: number;
  /** The thread's entry file; see defaultThreadUrl. */
  threadUrl?: URL;
}

export const DEFAULT_THREAD_MEMORY_MB = 512;

/**
 * Node runs a worker thread's entry as a JavaScript file of its own. From dist/ (the daemon, benches, the
 * reliability suite) the compiled parse-thread.js sits beside this module. Under vitest this module is the
 * TypeScript source: vitest's transform does not reach worker threads and Node 20 cannot strip types, so a
 * thread started from src/ runs dist/worker/parse-thread.js instead, which `npm test`'s pretest compiles
 * (tests/helpers/build.ts's ensureBuilt recompiles a stale dist/ for a lone `npx vitest run`). A loader hook
 * in each thread would run the sources, but would put vitest's or a TypeScript loader's behaviour in the
 * path of the thing under test; the compiled file is what production runs.
 */
export function defaultThreadUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/worker/parse-thread.js', here) : new URL('./parse-thread.js', here);
}

/** "10 s", "1.5 s", "300 ms": as /status says it. */
export function formatBudget(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

interface Job {
  id: number;
  task: ParseTask;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  resolve: (r: ParseResult<ParseTask>) => void;
  startedAt?: number;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** What killed the thread, from its 'error' event, for the 'exit' that follows. */
  death?: string;
  /** Terminated by us: its 'exit' settles nothing. */
  retired: boolean;
}

export function createParsePool(opts: ParsePoolOptions): ParseRunner {
  const size = Math.max(1, Math.floor(opts.threads));
  const memoryMb = opts.maxOldGenerationSizeMb ?? DEFAULT_THREAD_MEMORY_MB;
  const threadUrl = opts.threadUrl ?? defaultThreadUrl();
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (job: Job, r: ParseResult<ParseTask>) => {
    if (job.timer) clearTimeout(job.timer);
    job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve(r);
  };
  const elapsed = (job: Job) => (job.startedAt === undefined ? 0 : performance.now() - job.startedAt);

  /** Ends a thread now; a task on it settles with `failure`. A replacement is started when work needs one. */
  const retire = (slot: Slot, failure?: { code: ParseFailureCode; message: string }) => {
    if (slot.retired) return;
    slot.retired = true;
    slots.delete(slot);
    const job = slot.job;
    slot.job = undefined;
    if (job && failure) settle(job, { ok: false, ...failure, ms: elapsed(job) });
    void slot.worker.terminate().catch(() => {});
    dispatch();
  };

  const spawn = (): Slot => {
    const worker = new Worker(threadUrl, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    const slot: Slot = { worker, ready: false, retired: false };
    worker.on('message', (m: ThreadReply) => {
      if (m.type === 'ready') {
        slot.ready = true;
        dispatch();
        if (!slot.job) worker.unref(); // an idle thread never keeps the process alive
        return;
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = undefined;
      worker.unref();
      if (m.type === 'done') settle(job, { ok: true, outcome: m.outcome, ms: elapsed(job) });
      else settle(job, { ok: false, code: 'crashed', message: `processing failed: ${m.message}`, ms: elapsed(job) });
      dispatch();
    });
    worker.on('error', (e: Error & { code?: string }) => {
      slot.death =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `processing needed more than ${memoryMb} MB of memory; stopped`
          : `processing crashed: ${e.message}`;
    });
    worker.on('exit', (code) => {
      if (slot.retired) return;
      // Died by itself (out of memory, an error outside any task, a thread that could not even start).
      retire(slot, { code: 'crashed', message: slot.death ?? `processing thread exited with code ${code}` });
    });
    slots.add(slot);
    return slot;
  };

  const start = (slot: Slot, job: Job) => {
    slot.job = job;
    job.startedAt = performance.now();
    slot.worker.ref(); // a task in progress keeps the process alive (`ingest --once` waits for it)
    job.timer = setTimeout(() => retire(slot, { code: 'too-slow', message: `processing took longer than ${formatBudget(opts.budgetMs)}; stopped` }), opts.budgetMs);
    slot.worker.postMessage({ id: job.id, task: job.task } satisfies ThreadRequest);
  };

  function dispatch(): void {
    if (closed) return;
    for (const slot of slots) {
      if (!queue.length) break;
      if (slot.ready && !slot.job) start(slot, queue.shift()!);
    }
    // Threads still starting will take the rest; start more only up to the pool's size.
    const starting = [...slots].filter((s) => !s.ready).length;
    for (let n = queue.length - starting; n > 0 && slots.size < size; n--) spawn();
  }

  return {
    run<T extends ParseTask>(task: T, signal?: AbortSignal): Promise<ParseResult<T>> {
      return new Promise<ParseResult<T>>((resolve) => {
        const aborted = { ok: false as const, code: 'aborted' as const, message: 'stopped: shutting down', ms: 0 };
        if (closed || signal?.aborted) return resolve(aborted);
        const job: Job = { id: nextId++, task, signal, onAbort: () => {}, resolve: resolve as Job['resolve'] };
        job.onAbort = () => {
          const queued = queue.indexOf(job);
          if (queued >= 0) {
            queue.splice(queued, 1);
            return settle(job, aborted);
          }
          for (const slot of slots) if (slot.job === job) retire(slot, { code: 'aborted', message: aborted.message });
        };
        signal?.addEventListener('abort', job.onAbort, { once: true });
        queue.push(job);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) settle(job, { ok: false, code: 'aborted', message: 'stopped: shutting down', ms: 0 });
      const ending = [...slots].map((s) => {
        const job = s.job;
        s.retired = true;
        s.job = undefined;
        if (job) settle(job, { ok: false, code: 'aborted', message: 'stopped: shutting down', ms: elapsed(job) });
        return s.worker.terminate().catch(() => 0);
      });
      slots.clear();
      await Promise.all(ending);
    },
  };
}

/**
 * The same tasks on the calling thread, with no budget and no isolation: for tests and benches that exercise
 * what an ingest does with the items. The daemon always runs a pool (src/main.ts).
 */
export function inlineParser(): ParseRunner {
  return {
    async run<T extends ParseTask>(task: T): Promise<ParseResult<T>> {
      const t0 = performance.now();
      try {
        return { ok: true, outcome: await runParseTask(task), ms: performance.now() - t0 };
      } catch (e) {
        return { ok: false, code: 'crashed', message: `processing failed: ${(e as Error).message}`, ms: performance.now() - t0 };
      }
    },
    async close() {},
  };
}
