// The entry file of a parse thread (see parse-pool.ts): runs one parse task at a time and posts its outcome back.
import { parentPort } from 'node:worker_threads';
import { runParseTask, type ParseTask } from './parse-task.js';

export type ThreadRequest = { id: number; task: ParseTask };
export type ThreadReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; outcome: Awaited<ReturnType<typeof runParseTask>> }
  | { type: 'threw'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('parse-thread.js is a worker thread entry; it is started by parse-pool.js');

port.on('message', (req: ThreadRequest) => {
  runParseTask(req.task).then(
    (outcome) => port.postMessage({ type: 'done', id: req.id, outcome } satisfies ThreadReply),
    // A bug of ours on hostile input: the thread is still sound (nothing is shared), only this task is lost.
    (e: unknown) => port.postMessage({ type: 'threw', id: req.id, message: e instanceof Error ? e.message : String(e) } satisfies ThreadReply),
  );
});
// Posted once the imports above are loaded: a task's budget starts only on a thread that is ready for it.
port.postMessage({ type: 'ready' } satisfies ThreadReply);
