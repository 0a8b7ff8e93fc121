// Dead letters for the admin API. A stand-in until the runtime's src/actors/dead-letters.ts lands: listing
// is a plain read; replay republishes the stored envelope with a fresh id `replay:<id>:<n>` (internals.md).
import type { Bus } from '../../bus/bus.ts';
import { envelopeSchema, type Envelope } from '../../domain/envelope.ts';
import type { Db } from '../database.ts';

export interface DeadLetterView {
  id: string;
  leadId: string;
  messageId: string;
  error: string;
  attempts: number;
  failedAt: string;
  replayedAt: string | null;
  replayCount: number;
}

export async function listDeadLetterViews(db: Db, limit: number): Promise<DeadLetterView[]> {
  const rows = await db
    .selectFrom('dead_letters')
    .select(['id', 'lead_id', 'message_id', 'error', 'attempts', 'failed_at', 'replayed_at', 'replay_count'])
    .orderBy('failed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    leadId: r.lead_id,
    messageId: r.message_id,
    error: r.error,
    attempts: r.attempts,
    failedAt: r.failed_at.toISOString(),
    replayedAt: r.replayed_at?.toISOString() ?? null,
    replayCount: r.replay_count,
  }));
}

/** Republishes a dead letter onto its lead's stream; undefined when there is no such dead letter. */
export async function replayDeadLetterViaBus(
  db: Db,
  bus: Bus,
  id: string,
  now: Date,
): Promise<{ envelopeId: string } | undefined> {
  const row = await db
    .selectFrom('dead_letters')
    .select(['id', 'envelope', 'replay_count'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const original: Envelope = envelopeSchema.parse(row.envelope);
  const n = row.replay_count + 1;
  const envelope: Envelope = {
    ...original,
    id: `replay:${row.id}:${n}`,
    replayOf: row.id,
    acceptedAt: now.toISOString(),
  };
  await bus.publish(envelope);
  await db
    .updateTable('dead_letters')
    .set((eb) => ({ replayed_at: now, replay_count: eb('replay_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
  return { envelopeId: envelope.id };
}
