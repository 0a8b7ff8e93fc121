// Idempotency of the message API: a request id is processed once per (studio, session) for 24 hours. The
// claim is a unique key in PostgreSQL, not a lock: the first insert wins, concurrent repeats see its row.
// A claim holds the envelope the winner publishes; a repeat while it is in flight publishes that same
// envelope again (same id: the bus and the actor apply it at most once), so a winner that crashed between
// its claim and its publish orphans nothing. A finished claim holds the first 200 answer.
import { sql } from 'kysely';
import { envelopeSchema, type Envelope } from '../domain/envelope.ts';
import type { Db, Tx } from '../persistence/database.ts';

export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;

export interface ClaimKey {
  studioId: string;
  sessionId: string;
  requestId: string;
}

export interface ExistingClaim {
  messageId: string;
  leadId: string;
  envelope: Envelope;
  /** The first 200 answer's body, once finished. */
  response: Record<string, unknown> | null;
  createdAt: Date;
  /** The deviceId generated for a guest's first message: every answer to the request carries it. */
  guestDeviceId: string | undefined;
}

/**
 * Claims the key for `messageId`; true when this call won. A claim older than the window is taken over
 * (it no longer protects anything).
 */
export async function claimRequest(
  tx: Tx,
  key: ClaimKey,
  claim: {
    messageId: string;
    leadId: string;
    envelope: Envelope;
    now: Date;
    guestDeviceId?: string | undefined;
  },
): Promise<boolean> {
  const cutoff = new Date(claim.now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  const won = await sql<{ message_id: string }>`
    insert into message_requests as r
      (studio_id, session_id, request_id, message_id, lead_id, envelope, response, created_at,
       guest_device_id)
    values (${key.studioId}, ${key.sessionId}, ${key.requestId}, ${claim.messageId}, ${claim.leadId},
            ${JSON.stringify(claim.envelope)}::jsonb, null, ${claim.now.toISOString()}::timestamptz,
            ${claim.guestDeviceId ?? null})
    on conflict (studio_id, session_id, request_id) do update set
      message_id = excluded.message_id, lead_id = excluded.lead_id, envelope = excluded.envelope,
      response = null, created_at = excluded.created_at, finished_at = null,
      guest_device_id = excluded.guest_device_id
      where r.created_at < ${cutoff}::timestamptz
    returning message_id`.execute(tx);
  return won.rows[0]?.message_id === claim.messageId;
}

export async function existingClaim(db: Db, key: ClaimKey): Promise<ExistingClaim | undefined> {
  const row = await db
    .selectFrom('message_requests')
    .select(['message_id', 'lead_id', 'envelope', 'response', 'created_at', 'guest_device_id'])
    .where('studio_id', '=', key.studioId)
    .where('session_id', '=', key.sessionId)
    .where('request_id', '=', key.requestId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    messageId: row.message_id,
    leadId: row.lead_id,
    envelope: envelopeSchema.parse(row.envelope),
    response: row.response,
    createdAt: row.created_at,
    guestDeviceId: row.guest_device_id ?? undefined,
  };
}

/** Stores the first 200 answer (once: a later finisher of the same claim keeps the first). */
export async function finishClaim(
  db: Db,
  messageId: string,
  response: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await db
    .updateTable('message_requests')
    .set({ response: JSON.stringify(response), finished_at: now })
    .where('message_id', '=', messageId)
    .where('response', 'is', null)
    .execute();
}
