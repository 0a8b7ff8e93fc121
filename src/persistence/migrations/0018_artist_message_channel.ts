// Artists write to the studio on WhatsApp and on its SMS numbers; both are kept in artist_messages, but only
// a WhatsApp message opens the artist's 24-hour WhatsApp window, so each row says which channel it came on
// (rows before this are WhatsApp's: only WhatsApp was recorded).
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('artist_messages')
    .addColumn('channel', 'text', (c) => c.notNull().defaultTo(sql`'whatsapp'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('artist_messages').dropColumn('channel').execute();
}
