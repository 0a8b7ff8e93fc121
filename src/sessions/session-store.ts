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

/**
 * One statement (it commits on its own when `db` is not a transaction): the head's upsert, and the new
 * session's row when the head now names the candidate. The head row's lock orders two concurrent first
 * messages: the second sees the first's session, its row already there.
 */
export async function continueOrOpenSession(
  db: Db | Tx,
  input: { studioId: string; leadId: string; channel: SessionChannel; now: Date; timeoutMs: number },
): Promise<{ sessionId: string; opened: boolean }> {
  const candidate = newSessionId();
  const now = input.now.toISOString();
  const cutoff = new Date(input.now.getTime() - input.timeoutMs).toISOString();
  const head = await sql<{ session_id: string }>`
    with h as (
      insert into message_session_heads as h (lead_id, channel, session_id, last_message_at)
      values (${input.leadId}, ${input.channel}, ${candidate}, ${now}::timestamptz)
      on conflict (lead_id, channel) do update set
        session_id = case when h.last_message_at < ${cutoff}::timestamptz
                          then excluded.session_id else h.session_id end,
        last_message_at = greatest(h.last_message_at, excluded.last_message_at)
      returning session_id
    ), opened as (
      insert into message_sessions (id, studio_id, lead_id, channel, started_at)
      select session_id, ${input.studioId}, ${input.leadId}, ${input.channel}, ${now}::timestamptz
      from h where session_id = ${candidate}
    )
    select session_id from h`.execute(db);
  const sessionId = head.rows[0]?.session_id ?? candidate;
  return { sessionId, opened: sessionId === candidate };
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
