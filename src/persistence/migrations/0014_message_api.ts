// The message API (POST /{api,app,web}/messages): sessions, the idempotency key of each request, and the
// messages of each session (what GET …/sessions/:id/messages and the SSE stream read).
//   message_sessions         one row per session: a lead's run of messages on one channel
//   message_session_heads    the current session of (lead, channel); one upsert decides open-or-continue
//   message_requests         (studio, session, request id) is unique for 24 h: exactly one request is processed
//   session_messages         inbound and outbound messages of a session; seq is the SSE event id
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('message_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_sessions_lead_idx')
    .on('message_sessions')
    .columns(['lead_id', 'started_at'])
    .execute();
  await db.schema
    .createTable('message_session_heads')
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('last_message_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_session_heads_pk', ['lead_id', 'channel'])
    .execute();
  await db.schema
    .createTable('message_requests')
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('message_requests_pk', ['studio_id', 'session_id', 'request_id'])
    .execute();
  await db.schema
    .createIndex('message_requests_created_idx')
    .on('message_requests')
    .column('created_at')
    .execute();
  await db.schema
    .createTable('session_messages')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('session_messages_session_idx')
    .on('session_messages')
    .columns(['session_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['session_messages', 'message_requests', 'message_session_heads', 'message_sessions']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
