// Idempotency of the message API: a request id is processed once per (studio, session) for 24 hours. The
// claim is a unique key in PostgreSQL, not a lock: the first insert wins, concurrent repeats see its row.
// A claim holds the envelope the winner publishes; a repeat while it is in flight publishes that same
// envelope again (same id: the bus and the actor apply it at most once), so a winner that crashed between
// its claim and its publish orphans nothing. A finished claim holds the first 200 answer.
import { sql } from 'kysely';
import { envelopeSchema, type Envelope } from '../domain/envelope.ts';
import type { Db } from '../persistence/database.ts';
import type { SessionMessage, SessionMessageBody } from '../sessions/session-messages.ts';

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
 * Claims the key for `messageId` and, when this call won, stores the inbound session message: one
 * statement, so a won claim always has its message (a repeat republishes the claim's envelope and finds
 * the message stored). The session's row is locked by the insert's CTE until the statement commits, so the
 * message takes its seq in commit order (appendSessionMessage). `inbound` is null when the claim was lost,
 * or the message was not stored (its id was stored before, or the session is not the lead's). A claim
 * older than the window is taken over (it no longer protects anything).
 */
export async function claimRequest(
  db: Db,
  key: ClaimKey,
  claim: {
    messageId: string;
    leadId: string;
    envelope: Envelope;
    now: Date;
    guestDeviceId?: string | undefined;
    inbound: SessionMessageBody;
  },
): Promise<{ won: boolean; inbound: SessionMessage | null }> {
  const now = claim.now.toISOString();
  const cutoff = new Date(claim.now.getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
  const { rows } = await sql<{ won: string | null; seq: string | null }>`
    with won as (
      insert into message_requests as r
        (studio_id, session_id, request_id, message_id, lead_id, envelope, response, created_at,
         guest_device_id)
      values (${key.studioId}, ${key.sessionId}, ${key.requestId}, ${claim.messageId}, ${claim.leadId},
              ${JSON.stringify(claim.envelope)}::jsonb, null, ${now}::timestamptz,
              ${claim.guestDeviceId ?? null})
      on conflict (studio_id, session_id, request_id) do update set
        message_id = excluded.message_id, lead_id = excluded.lead_id, envelope = excluded.envelope,
        response = null, created_at = excluded.created_at, finished_at = null,
        guest_device_id = excluded.guest_device_id
        where r.created_at < ${cutoff}::timestamptz
      returning message_id
    ), s as (
      select id from message_sessions
      where id = ${key.sessionId} and lead_id = ${claim.leadId}
        and exists (select 1 from won where message_id = ${claim.messageId})
      for update
    ), m as (
      insert into session_messages (session_id, lead_id, message_id, direction, body, at)
      select s.id, ${claim.leadId}, ${claim.messageId}, 'in', ${JSON.stringify(claim.inbound)}::jsonb,
        ${now}::timestamptz
      from s
      on conflict (message_id) do nothing
      returning seq
    )
    select (select message_id from won) as won, (select seq from m) as seq`.execute(db);
  const row = rows[0];
  if (row?.won !== claim.messageId) return { won: false, inbound: null };
  if (row.seq === null) return { won: true, inbound: null };
  const inbound = {
    seq: Number(row.seq),
    messageId: claim.messageId,
    direction: 'in',
    body: claim.inbound,
    at: now,
  } as const;
  return { won: true, inbound };
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
