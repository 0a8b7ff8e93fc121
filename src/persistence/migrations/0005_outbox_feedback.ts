// Outbox rows remember an effect's outcome between "the provider did it" and "the lead was told": the relay
// stores `result` and the feedback envelope first, then publishes the feedback, then marks the row done. A
// relay that dies or cannot publish in between leaves a row that the next relay finishes by re-publishing
// the stored feedback, without calling the provider again (no second WhatsApp message).
// Frozen in time: takes Kysely<unknown> and imports no application types.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('feedback', 'jsonb').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('feedback').execute();
}
