// Effects: media attachments, slot bookings and used artist action-link nonces.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every attempt of an effect, in order ({ attempt, at, outcome, error?, nextAttemptAt? }): the row keeps
  // its full retry history, not only the last error.
  await db.schema
    .alterTable('outbox')
    .addColumn('attempt_log', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();

  // One row per (lead, provider media id): the webhook can be redelivered, the attachment is stored once.
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'uuid')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('attachment'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('PENDING'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('reason', 'text')
    .addColumn('mime_type', 'text')
    .addColumn('size', 'bigint')
    .addColumn('sha256', 'text')
    .addColumn('storage_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('attachments_lead_media_uq', ['lead_id', 'media_id'])
    .execute();
  await db.schema
    .createIndex('attachments_pending_idx')
    .on('attachments')
    .columns(['locked_until'])
    .where(sql.ref('status'), '=', 'PENDING')
    .execute();

  // A slot belongs to at most one lead per studio: the unique key is the reservation.
  await db.schema
    .createTable('bookings')
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('slot_start', 'timestamptz', (c) => c.notNull())
    .addColumn('slot_end', 'timestamptz', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bookings_pk', ['studio_id', 'slot_start'])
    .execute();
  await db.schema.createIndex('bookings_lead_idx').on('bookings').columns(['lead_id']).execute();

  // Artist action links are single-use: the nonce is inserted when a link is used, once.
  await db.schema
    .createTable('action_tokens')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['action_tokens', 'bookings', 'attachments']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('outbox').dropColumn('attempt_log').execute();
}
