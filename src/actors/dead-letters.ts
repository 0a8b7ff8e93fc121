// Dead letters: messages whose retries are exhausted (or that could never apply). Operators list them and
// replay one: the envelope goes back on its lead's stream with a fresh id `replay:<dead letter id>:<n>` and
// `replayOf` set. The host records the ORIGINAL message id as processed too, so a replay applies at most
// once however many times it is replayed. A replayed message is applied after the lead's messages that
// were already processed (it joins the end of the lead's stream; it does not rewind the lead).
import { sql } from 'kysely';
import type { Bus, PublishResult } from '../bus/bus.ts';
import { envelopeSchema } from '../domain/envelope.ts';
import type { Db } from '../persistence/database.ts';
import type { DeadLetterRow } from '../persistence/schema.ts';

export interface DeadLetter {
  id: string;
  leadId: string;
  messageId: string;
  envelope: unknown;
  error: string;
  attempts: number;
  failedAt: string;
  replayedAt: string | null;
  replayCount: number;
}

export interface ListDeadLettersOptions {
  leadId?: string;
  /** Only those never replayed. */
  pending?: boolean;
  limit?: number;
  /** Failed strictly before this time (page backwards). */
  before?: Date;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    leadId: row.lead_id,
    messageId: row.message_id,
    envelope: row.envelope,
    error: row.error,
    attempts: row.attempts,
    failedAt: row.failed_at.toISOString(),
    replayedAt: row.replayed_at?.toISOString() ?? null,
    replayCount: row.replay_count,
  };
}

/** Newest first. */
export async function listDeadLetters(db: Db, options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  let query = db.selectFrom('dead_letters').selectAll();
  if (options.leadId !== undefined) query = query.where('lead_id', '=', options.leadId);
  if (options.pending) query = query.where('replayed_at', 'is', null);
  if (options.before) query = query.where('failed_at', '<', options.before);
  const rows = await query
    .orderBy('failed_at', 'desc')
    .orderBy('id')
    .limit(Math.min(Math.max(options.limit ?? 100, 1), 1000))
    .execute();
  return rows.map(toDeadLetter);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDeadLetter(db: Db, id: string): Promise<DeadLetter | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toDeadLetter(row) : undefined;
}

export class DeadLetterNotFound extends Error {
  override name = 'DeadLetterNotFound';
}

export class DeadLetterNotReplayable extends Error {
  override name = 'DeadLetterNotReplayable';
}

export interface ReplayResult extends PublishResult {
  envelopeId: string;
}

/** Republishes a dead letter on its lead's stream; throws DeadLetterNotFound / DeadLetterNotReplayable. */
export async function replayDeadLetter(db: Db, bus: Bus, id: string): Promise<ReplayResult> {
  if (!UUID.test(id)) throw new DeadLetterNotFound(`dead letter ${id} not found`);
  // Count the replay first (own transaction): the new id is unique even if the publish is retried.
  // replayed_at is an audit column (nothing compares it with the injected clock), so now() is fine here.
  const counted = await sql<{ replay_count: number; envelope: unknown }>`
    update dead_letters set replay_count = replay_count + 1, replayed_at = now()
    where id = ${id} returning replay_count, envelope`.execute(db);
  const row = counted.rows[0];
  if (!row) throw new DeadLetterNotFound(`dead letter ${id} not found`);
  const parsed = envelopeSchema.safeParse(row.envelope);
  if (!parsed.success) {
    throw new DeadLetterNotReplayable(`dead letter ${id} holds an invalid envelope: ${parsed.error.message}`);
  }
  const envelope = {
    ...parsed.data,
    id: `replay:${id}:${row.replay_count}`,
    replayOf: id,
    acceptedAt: new Date().toISOString(),
  };
  const result = await bus.publish(envelope);
  return { ...result, envelopeId: envelope.id };
}
