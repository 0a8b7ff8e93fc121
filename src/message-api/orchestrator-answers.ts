// The synchronous reply waits for the orchestrator too (docs/contract.md §8): when the actor's commit for a message
// asked the orchestrator about it (`effect.orchestrator.ask` rows answering that message id), the answer
// comes back later as the ask's outcome envelope (`effect:<outbox id>`), which carries this gateway's
// notice topic. Each such outcome is waited for until the deadline: the waiter is registered first, then
// the database says whether the outcome was already applied, so a notice that came before the wait began
// is never missed. No polling.
import type { Db } from '../persistence/database.ts';
import { isProcessed } from './committed-replies.ts';
import type { ReplyWaiters } from './reply-waiters.ts';

async function answered(
  db: Db,
  waiters: ReplyWaiters,
  leadId: string,
  envelopeId: string,
  timeoutMs: number,
) {
  const stop = new AbortController();
  const notice = waiters.expect(envelopeId, timeoutMs, stop.signal);
  if (await isProcessed(db, leadId, envelopeId)) {
    stop.abort();
    return true;
  }
  const outcome = await notice;
  // A dead-lettered outcome still leaves the lead's message answered by what was committed before it.
  return outcome !== null || (await isProcessed(db, leadId, envelopeId));
}

/** True once the answer to every orchestrator ask (outbox ids) is committed; false past `deadline` (ms). */
export async function orchestratorAnswers(
  deps: { db: Db; waiters: ReplyWaiters },
  leadId: string,
  asks: readonly string[],
  deadline: number,
): Promise<boolean> {
  for (const id of asks) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    if (!(await answered(deps.db, deps.waiters, leadId, `effect:${id}`, remaining))) return false;
  }
  return true;
}
