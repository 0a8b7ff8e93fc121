// Messages artists write to the studio number. Artists are not leads: their messages are kept here, not on
// a lead's stream. The latest one tells the relay whether the artist's 24-hour WhatsApp window is open (a
// free-form notification is delivered) or closed (only an approved template is). An "approve"/"reject"
// reply acts like the action links on the lead it names (`lead_id`, `action`).
// Frozen in time: takes Kysely<unknown> and imports no application types.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('artist_messages')
    .addColumn('provider_message_id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('artist_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('lead_id', 'text')
    .addColumn('action', 'text')
    .execute();
  await db.schema
    .createIndex('artist_messages_artist_idx')
    .on('artist_messages')
    .columns(['studio_id', 'artist_id', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('artist_messages').ifExists().execute();
}
