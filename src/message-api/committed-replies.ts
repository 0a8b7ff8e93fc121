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
}

export async function committedReplies(db: Db, leadId: string, messageId: string): Promise<Committed> {
  const [rows, lead] = await Promise.all([
    db
      .selectFrom('outbox')
      .select(['payload'])
      .where('lead_id', '=', leadId)
      .where('kind', '=', 'effect.message.send')
      .where(sql<string>`payload->>'inReplyTo'`, '=', messageId)
      .where(sql<string>`payload->>'channel'`, 'in', [...SESSION_CHANNELS])
      .orderBy('seq')
      .execute(),
    db.selectFrom('leads').select(['status', 'step']).where('id', '=', leadId).executeTakeFirst(),
  ]);
  const replies = rows.flatMap((row) => {
    const effect = messageSendEffectSchema.safeParse(row.payload);
    return effect.success ? [renderForSession(effect.data.message)] : [];
  });
  return { lead: { status: lead?.status ?? 'NEW', step: lead?.step ?? null }, replies };
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
