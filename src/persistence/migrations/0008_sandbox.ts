// The sandbox (docs/contract.md §11): outside production, a provider with no credentials records what it would have
// sent here instead of calling the provider; the console shows the rows as each recipient's phone screen.
// One row per outbox effect (outbox_id unique), so a retried effect never records a second message.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sandbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text')
    .addColumn('outbox_id', 'text', (c) => c.unique())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sandbox_messages_recipient_idx')
    .on('sandbox_messages')
    .columns(['recipient', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sandbox_messages').ifExists().execute();
}
