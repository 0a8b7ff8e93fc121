// Idempotency of POST /api/broadcast: a request id is applied once per studio for 24 hours. As for
// messages (request-claims.ts) the claim is a unique key in PostgreSQL, not a lock: the first insert wins,
// concurrent repeats read its row. The row holds what the envelopes are made of (broadcast id, targets,
// text, time), so any repeat can publish the very same envelopes again (same ids: applied once) and a
// winner that died before publishing orphans nothing. A finished claim holds the final answer.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import { IDEMPOTENCY_WINDOW_MS } from './request-claims.ts';

export interface BroadcastKey {
  studioId: string;
  requestId: string;
}

export interface BroadcastClaim extends BroadcastKey {
  broadcastId: string;
  /** Distinct requested ids, in the request's order. */
  leadIds: string[];
  /** The requested ids that are leads of the studio: each gets an envelope. */
  targetIds: string[];
  text: string;
  traceId: string;
  createdAt: Date;
  /** The final answer's body, once every target's actor committed. */
  response: Record<string, unknown> | null;
}

/** Claims the key; true when this call won. A claim older than the window is taken over. */
export async function claimBroadcast(db: Db, claim: BroadcastClaim): Promise<boolean> {
  const cutoff = new Date(claim.createdAt.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  const won = await sql<{ broadcast_id: string }>`
    insert into broadcast_requests as r
      (studio_id, request_id, broadcast_id, lead_ids, target_ids, text, trace_id, response, created_at)
    values (${claim.studioId}, ${claim.requestId}, ${claim.broadcastId}, ${claim.leadIds}::text[],
            ${claim.targetIds}::text[], ${claim.text}, ${claim.traceId}, null,
            ${claim.createdAt.toISOString()}::timestamptz)
    on conflict (studio_id, request_id) do update set
      broadcast_id = excluded.broadcast_id, lead_ids = excluded.lead_ids, target_ids = excluded.target_ids,
      text = excluded.text, trace_id = excluded.trace_id, response = null,
      created_at = excluded.created_at, finished_at = null
      where r.created_at < ${cutoff}::timestamptz
    returning broadcast_id`.execute(db);
  return won.rows[0]?.broadcast_id === claim.broadcastId;
}

export async function existingBroadcast(db: Db, key: BroadcastKey): Promise<BroadcastClaim | undefined> {
  const row = await db
    .selectFrom('broadcast_requests')
    .selectAll()
    .where('studio_id', '=', key.studioId)
    .where('request_id', '=', key.requestId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    studioId: row.studio_id,
    requestId: row.request_id,
    broadcastId: row.broadcast_id,
    leadIds: row.lead_ids,
    targetIds: row.target_ids,
    text: row.text,
    traceId: row.trace_id ?? '',
    createdAt: row.created_at,
    response: row.response,
  };
}

/** Stores the final answer (once: a later finisher keeps the first). */
export async function finishBroadcast(
  db: Db,
  broadcastId: string,
  response: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('broadcast_requests')
    .set({ response: JSON.stringify(response), finished_at: now })
    .where('broadcast_id', '=', broadcastId)
    .where('response', 'is', null)
    .execute();
}
