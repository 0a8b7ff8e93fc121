// The messages of a session, in the order they were committed (seq, also the SSE event id): the inbound
// message as the gateway accepted it and every outbound message the web/app/api channel delivered to the
// session (replies, reminders, the artist's approval, the deposit link). A message id is stored once.
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Tx } from '../persistence/database.ts';

export const sessionMessageBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({
    kind: z.literal('choices'),
    text: z.string(),
    options: z.array(z.object({ id: z.string(), title: z.string() })),
  }),
  /** An image the lead sent (an upload's id; GET /{channel}/media/:id serves it) and its caption. */
  z.object({ kind: z.literal('image'), mediaId: z.string(), text: z.string() }),
]);
export type SessionMessageBody = z.infer<typeof sessionMessageBodySchema>;

export interface SessionMessage {
  /** The SSE event id. */
  seq: number;
  messageId: string;
  direction: 'in' | 'out';
  body: SessionMessageBody;
  at: string;
}

export interface NewSessionMessage {
  sessionId: string;
  leadId: string;
  messageId: string;
  direction: 'in' | 'out';
  body: SessionMessageBody;
  at: Date;
}

/**
 * Stores one message of `leadId`'s session; the stored message, or null when this message id was stored
 * before or the session is not that lead's (the caller tells which apart when it matters). One statement:
 * the session's row is locked first (the insert reads from the locking CTE) and stays locked until the
 * statement's transaction commits, so a session's messages take their seq in the order they commit: once
 * a reader sees seq N every earlier message of the session is visible too and resuming after N
 * (Last-Event-ID) can skip nothing. Inside a transaction the lock is held until it commits.
 */
export async function appendSessionMessage(
  db: Db | Tx,
  message: NewSessionMessage,
): Promise<SessionMessage | null> {
  // One statement where there were a BEGIN, the lock, the insert and a COMMIT (docs/performance.md).
  const result = await sql<{ seq: string }>`
    with s as (
      select id from message_sessions where id = ${message.sessionId} and lead_id = ${message.leadId}
      for update
    )
    insert into session_messages (session_id, lead_id, message_id, direction, body, at)
    select s.id, ${message.leadId}, ${message.messageId}, ${message.direction}, ${JSON.stringify(message.body)}::jsonb,
      ${message.at.toISOString()}::timestamptz
    from s
    on conflict (message_id) do nothing
    returning seq`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  return {
    seq: Number(row.seq),
    messageId: message.messageId,
    direction: message.direction,
    body: message.body,
    at: message.at.toISOString(),
  };
}

/**
 * A session's messages after a point: after the message with id `afterMessageId` (the messages list) or
 * after event id `afterSeq` (SSE Last-Event-ID), oldest first. An unknown `afterMessageId` gives all.
 */
export async function listSessionMessages(
  db: Db,
  sessionId: string,
  after: { afterSeq?: number; afterMessageId?: string; limit?: number } = {},
): Promise<SessionMessage[]> {
  let query = db
    .selectFrom('session_messages')
    .select(['seq', 'message_id', 'direction', 'body', 'at'])
    .where('session_id', '=', sessionId)
    .orderBy('seq')
    .limit(after.limit ?? 500);
  if (after.afterSeq !== undefined) query = query.where('seq', '>', String(after.afterSeq));
  if (after.afterMessageId !== undefined) {
    const afterMessageId = after.afterMessageId;
    query = query.where(
      'seq',
      '>',
      sql<string>`coalesce((select seq from session_messages where message_id = ${afterMessageId}
        and session_id = ${sessionId}), 0)`,
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    messageId: row.message_id,
    direction: row.direction,
    body: sessionMessageBodySchema.parse(row.body),
    at: row.at.toISOString(),
  }));
}
