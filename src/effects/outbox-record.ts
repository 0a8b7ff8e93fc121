// Recording each attempt on its outbox row: attempts, last_error, next_attempt_at, status, result. Every
// update is fenced on the lease the relay claimed with, so a relay whose lease expired (and whose row was
// re-claimed elsewhere) cannot overwrite the newer attempt's record.
import { sql } from 'kysely';
import type { Envelope } from '../domain/envelope.ts';
import type { Db } from '../persistence/database.ts';
import type { OutboxAttempt } from '../persistence/schema.ts';
import { storableJson, storableText, storableValue } from '../persistence/storable.ts';
import type { ClaimedRow } from './outbox-claim.ts';
import { sameTurnBatch } from './same-turn-batch.ts';

type Outcome =
  /** The provider succeeded: keep the outcome on the (still leased) row before telling the lead. */
  | { status: 'executed'; result: Record<string, unknown>; feedback: Envelope }
  | { status: 'done'; result: Record<string, unknown> }
  | { status: 'retry'; error: string; nextAttemptAt: Date }
  | { status: 'failed'; error: string; result?: Record<string, unknown> }
  /** Put back untouched (circuit open): no attempt spent. */
  | { status: 'released'; nextAttemptAt: Date };

/** Returns false when the lease was lost (another relay owns the row now). */
export async function recordAttempt(
  db: Db,
  claimed: ClaimedRow,
  outcome: Outcome,
  now: Date,
): Promise<boolean> {
  const base = db
    .updateTable('outbox')
    .where('id', '=', claimed.row.id)
    .where('status', '=', 'running')
    .where('locked_until', '=', claimed.lease);
  const attempts = claimed.row.attempts + 1;
  const entry: OutboxAttempt | undefined =
    outcome.status === 'released' || outcome.status === 'executed'
      ? undefined
      : {
          attempt: attempts,
          at: now.toISOString(),
          outcome: outcome.status,
          ...(outcome.status === 'done' ? {} : { error: outcome.error }),
          ...(outcome.status === 'retry' ? { nextAttemptAt: outcome.nextAttemptAt.toISOString() } : {}),
        };
  // Results and errors quote providers and, through them, senders: stored with the storable guard.
  const log = sql<string>`attempt_log || ${storableJson(entry ? [entry] : [])}::jsonb`;
  let query;
  switch (outcome.status) {
    case 'executed':
      query = base.set({
        result: storableValue(outcome.result),
        feedback: storableValue({ ...outcome.feedback }),
      });
      break;
    case 'done':
      query = base.set({
        status: 'done',
        attempts,
        attempt_log: log,
        result: storableValue(outcome.result),
        last_error: null,
        locked_until: null,
        completed_at: now,
      });
      break;
    case 'retry':
      query = base.set({
        status: 'pending',
        attempts,
        attempt_log: log,
        last_error: storableText(outcome.error),
        next_attempt_at: outcome.nextAttemptAt,
        locked_until: null,
      });
      break;
    case 'failed':
      query = base.set({
        status: 'failed',
        attempts,
        attempt_log: log,
        last_error: storableText(outcome.error),
        result: outcome.result === undefined ? null : storableValue(outcome.result),
        locked_until: null,
        completed_at: now,
      });
      break;
    case 'released':
      query = base.set({ status: 'pending', next_attempt_at: outcome.nextAttemptAt, locked_until: null });
      break;
  }
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

interface DoneItem {
  claimed: ClaimedRow;
  result: Record<string, unknown>;
  now: Date;
}

/**
 * Records `done` like recordAttempt, but completions that finish in the same turn share one statement
 * (same-turn-batch.ts). Each row keeps its own lease fence and its own answer (false: the lease was lost).
 * Nothing waits for a slower row: a finished row's lease is no longer renewed, so it is recorded at once.
 */
export function createDoneRecorder(
  db: Db,
): (claimed: ClaimedRow, result: Record<string, unknown>, now: Date) => Promise<boolean> {
  const record = sameTurnBatch<DoneItem, boolean>(async (batch) => {
    const attempt = (p: DoneItem) => p.claimed.row.attempts + 1;
    const updated = await sql<{ id: string }>`
      update outbox as o
         set status = 'done', attempts = v.attempts, attempt_log = o.attempt_log || v.entry,
             result = v.result, last_error = null, locked_until = null, completed_at = v.completed_at
        from unnest(${batch.map((p) => p.claimed.row.id)}::uuid[],
                    ${batch.map((p) => p.claimed.lease.toISOString())}::timestamptz[],
                    ${batch.map(attempt)}::int[],
                    ${batch.map((p) => storableJson([{ attempt: attempt(p), at: p.now.toISOString(), outcome: 'done' }]))}::jsonb[],
                    ${batch.map((p) => storableJson(p.result))}::jsonb[],
                    ${batch.map((p) => p.now.toISOString())}::timestamptz[])
             as v(id, lease, attempts, entry, result, completed_at)
       where o.id = v.id and o.status = 'running' and o.locked_until = v.lease
      returning o.id`.execute(db);
    const recorded = new Set(updated.rows.map((r) => r.id));
    return batch.map((p) => recorded.has(p.claimed.row.id));
  });
  return (claimed, result, now) => record({ claimed, result, now });
}
