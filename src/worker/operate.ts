// The operator's writes (`pressroom withdraw`, `agencies forget` and their undo), applied by whoever is the store's
// one writer: the running worker (through the control channel, between ingest runs) or the CLI under the lock.
import type { Config } from '../config.js';
import type { StoreData } from '../model.js';
import type { Store } from '../store/store.js';
import { forgetAgency, restoreAgency, undoWithdraw, withdrawById, type WithdrawalChange, type WithdrawResult } from '../stories/withdraw.js';
import type { ControlRequest, ControlResponse } from './control-channel.js';

export type OperatorRequest = Exclude<ControlRequest, { cmd: 'ingest' }>;

export interface OperateLog {
  warn(obj: object, msg: string): void;
}

/** Control characters (a title from upstream) are escaped before they reach a terminal. */
const printable = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function describeChanges(changes: readonly WithdrawalChange[]): string[] {
  return changes.map((c) => `${c.change} ${c.id} ${JSON.stringify(printable(c.title))}: ${printable(c.reason)}`);
}

/**
 * A story as an operator names it: its id (`tag:pressroom,…`), or its page's URL or path copied from a browser
 * (`https://press.example.org/stories/tag%3Apressroom%2C…`), percent-encoded or not.
 */
export function storyIdOf(given: string): string {
  let id = given.trim();
  const page = /\/stories\/(.+)$/.exec(id);
  if (page) id = page[1]!.replace(/[?#].*$/, '');
  if (id.includes('%')) {
    try {
      id = decodeURIComponent(id);
    } catch {
      // not percent-encoding after all: looked up as written
    }
  }
  return id;
}

function apply(data: StoreData, config: Config, req: OperatorRequest, now: Date): WithdrawResult | { error: string } {
  switch (req.cmd) {
    case 'withdraw':
      return withdrawById(data, storyIdOf(req.id), req.reason?.trim() || 'withdrawn by the operator', now);
    case 'unwithdraw':
      return undoWithdraw(data, storyIdOf(req.id), now);
    case 'forget':
      return forgetAgency(data, config.agencies, req.agency, now);
    case 'restore':
      return restoreAgency(data, req.agency, now);
  }
}

/** Applies one request to the store's current data and commits it; every change is logged. */
export async function operate(store: Store, config: Config, req: OperatorRequest, log: OperateLog, now = new Date()): Promise<ControlResponse> {
  const r = apply(store.data, config, req, now);
  if ('error' in r) return { ok: false, lines: [printable(r.error)] };
  await store.commit(r.data);
  for (const c of r.changes) log.warn({ story: c.id, agency: c.agency, change: c.change, reason: c.reason, by: 'operator' }, `story ${c.change}: ${JSON.stringify(c.title)} (${c.id}): ${c.reason}`);
  const head =
    req.cmd === 'forget'
      ? [`agency ${req.agency} forgotten: its feeds answer 410; ${r.changes.length} stories withdrawn (undo: pressroom agencies restore ${req.agency})`]
      : req.cmd === 'restore'
        ? [`agency ${req.agency} restored: ${r.changes.length} stories back`]
        : req.cmd === 'withdraw'
          ? [`withdrawn: its page answers 410 (undo: pressroom withdraw --undo ${storyIdOf(req.id)})`]
          : ['restored'];
  return { ok: true, lines: [...head, ...describeChanges(r.changes)] };
}
