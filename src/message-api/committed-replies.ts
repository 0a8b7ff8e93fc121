// What the lead's actor committed for one inbound message-API message: its `effect.message.send` rows on
// the web, app or api channel that answer this message id (in the order the actor emitted them), and the
// lead's status and step after the commit. Read once when the commit notice arrives (or when a repeat finds
// the first request finished), never polled.
import { sql } from 'kysely';
import { messageSendEffectSchema } from '../domain/effects.ts';
import type { Db } from '../persistence/database.ts';
import { renderForSession } from '../sessions/session-render.ts';
import type { Reply } from './message-body.ts';

export const SESSION_CHANNELS = ['web', 'app', 'api'] as const;

export interface Committed {
  lead: { status: string; step: string | null };
  replies: Reply[];
  /** Outbox ids of the orchestrator asks about this message (their answers come later). */
  asks: string[];
}

interface CommittedRow {
  kind: string;
  id: string | null;
  payload: unknown;
  status: string | null;
  step: string | null;
}

/** One statement: the replies and the orchestrator asks answering the message, and the lead's status. */
export async function committedReplies(db: Db, leadId: string, messageId: string): Promise<Committed> {
  const { rows } = await sql<CommittedRow>`
    select kind, id::text as id, payload, null as status, null as step, seq from outbox
    where lead_id = ${leadId} and payload->>'inReplyTo' = ${messageId}
      and (kind = 'effect.orchestrator.ask'
        or (kind = 'effect.message.send' and payload->>'channel' in (${sql.join([...SESSION_CHANNELS])})))
    union all
    select 'lead', null, null, status, step, null from leads where id = ${leadId}
    order by seq`.execute(db);
  const lead = rows.find((row) => row.kind === 'lead');
  const replies = rows.flatMap((row) => {
    if (row.kind !== 'effect.message.send') return [];
    const effect = messageSendEffectSchema.safeParse(row.payload);
    return effect.success ? [renderForSession(effect.data.message)] : [];
  });
  const asks = rows.flatMap((row) => (row.kind === 'effect.orchestrator.ask' && row.id ? [row.id] : []));
  return { lead: { status: lead?.status ?? 'NEW', step: lead?.step ?? null }, replies, asks };
}

/** The message has been applied by its lead's actor (committed with the lead's snapshot). */
export async function isProcessed(db: Db, leadId: string, envelopeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('processed_messages')
    .select('message_id')
    .where('lead_id', '=', leadId)
    .where('message_id', '=', envelopeId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The message became a dead letter: it will not be applied unless an operator replays it. */
export async function isDeadLettered(db: Db, leadId: string, envelopeId: string): Promise<boolean> {
  const row = await db
    .selectFrom('dead_letters')
    .select('id')
    .where('lead_id', '=', leadId)
    .where('message_id', '=', envelopeId)
    .executeTakeFirst();
  return row !== undefined;
}
