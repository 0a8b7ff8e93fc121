// The message API's broadcast and its answers built from what was committed:
//   broadcast_requests       (studio, request id) is unique for 24 h: one broadcast is applied. It keeps the
//                            requested lead ids, those of the studio it was published to (target_ids) and
//                            the text, so a repeat re-publishes the same envelopes; the answer once final
//   outbox.envelope_id       the envelope whose application emitted the row, so "what did the lead's actor
//                            send for this message" is one exact lookup (a broadcast's per-lead result)
//   message_requests.guest_device_id   the deviceId generated for a guest, so an answer rebuilt for a
//                            repeat carries it as the first answer did
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('broadcast_requests')
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('broadcast_id', 'text', (c) => c.notNull().unique())
    .addColumn('lead_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('target_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text')
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('broadcast_requests_pk', ['studio_id', 'request_id'])
    .execute();
  await db.schema
    .createIndex('broadcast_requests_created_idx')
    .on('broadcast_requests')
    .column('created_at')
    .execute();
  await sql`ALTER TABLE outbox ADD COLUMN IF NOT EXISTS envelope_id text`.execute(db);
  await sql`ALTER TABLE message_requests ADD COLUMN IF NOT EXISTS guest_device_id text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE message_requests DROP COLUMN IF EXISTS guest_device_id`.execute(db);
  await sql`ALTER TABLE outbox DROP COLUMN IF EXISTS envelope_id`.execute(db);
  await db.schema.dropTable('broadcast_requests').ifExists().execute();
}
