// Sessions of the message API: a lead's run of messages on one channel. The head row of (lead, channel)
// names the current session; one upsert either continues it (the last message is younger than the studio's
// sessionTimeout) or replaces it with the new id, so two concurrent first messages agree on one session.
// Times come from the caller's clock.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../persistence/database.ts';

export type SessionChannel = 'web' | 'app' | 'api';

export interface Session {
  id: string;
  studioId: string;
  leadId: string;
  channel: SessionChannel;
  startedAt: Date;
}

/** URL-safe and a NATS subject token (the session's live stream is a notice topic). */
export function newSessionId(): string {
  return `ss_${randomBytes(16).toString('hex')}`;
}

export async function continueOrOpenSession(
  tx: Tx,
  input: { studioId: string; leadId: string; channel: SessionChannel; now: Date; timeoutMs: number },
): Promise<{ sessionId: string; opened: boolean }> {
  const candidate = newSessionId();
  const now = input.now.toISOString();
  const cutoff = new Date(input.now.getTime() - input.timeoutMs).toISOString();
  const head = await sql<{ session_id: string }>`
    insert into message_session_heads as h (lead_id, channel, session_id, last_message_at)
    values (${input.leadId}, ${input.channel}, ${candidate}, ${now}::timestamptz)
    on conflict (lead_id, channel) do update set
      session_id = case when h.last_message_at < ${cutoff}::timestamptz
                        then excluded.session_id else h.session_id end,
      last_message_at = greatest(h.last_message_at, excluded.last_message_at)
    returning session_id`.execute(tx);
  const sessionId = head.rows[0]?.session_id ?? candidate;
  const opened = sessionId === candidate;
  if (opened) {
    await tx
      .insertInto('message_sessions')
      .values({
        id: sessionId,
        studio_id: input.studioId,
        lead_id: input.leadId,
        channel: input.channel,
        started_at: input.now,
      })
      .execute();
  }
  return { sessionId, opened };
}

export async function findSession(db: Db, sessionId: string): Promise<Session | undefined> {
  const row = await db
    .selectFrom('message_sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    studioId: row.studio_id,
    leadId: row.lead_id,
    channel: row.channel as SessionChannel,
    startedAt: row.started_at,
  };
}
