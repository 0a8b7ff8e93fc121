// Initial schema. Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per actor (leads, plus the probe actor). `version` is the fencing token (invariant 1).
  await db.schema
    .createTable('leads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_type', 'text', (c) => c.notNull().defaultTo('lead'))
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('name', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step', 'text')
    .addColumn('answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('last_inbound_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('leads_phone_idx').on('leads').columns(['phone']).execute();
  await db.schema.createIndex('leads_status_idx').on('leads').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('leads_studio_idx').on('leads').columns(['studio_id']).execute();

  // Envelope ids already applied to a lead (invariant 3: exactly-once state effect).
  await db.schema
    .createTable('processed_messages')
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('lead_version', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('processed_messages_pk', ['lead_id', 'message_id'])
    .execute();

  await db.schema
    .createTable('transcript')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('data', 'jsonb')
    .addColumn('provider_message_id', 'text')
    .addColumn('outbox_id', 'uuid')
    .addColumn('delivery_status', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('transcript_lead_idx').on('transcript').columns(['lead_id', 'id']).execute();
  await db.schema
    .createIndex('transcript_provider_idx')
    .on('transcript')
    .columns(['provider_message_id'])
    .where(sql.ref('provider_message_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('transcript_outbox_idx')
    .on('transcript')
    .columns(['outbox_id'])
    .where(sql.ref('outbox_id'), 'is not', null)
    .execute();

  // Effects to execute (invariant 4). `seq` orders a lead's effects.
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('seq', 'bigserial', (c) => c.notNull().unique())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('result', 'jsonb')
    .addColumn('trace_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('outbox_due_idx')
    .on('outbox')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), 'in', sql`('pending', 'running')`)
    .execute();
  await db.schema.createIndex('outbox_lead_idx').on('outbox').columns(['lead_id', 'seq']).execute();

  // Durable timers (invariant 5). One live timer per (lead, key); replacing gives a new id.
  await db.schema
    .createTable('timers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull().defaultTo('lead'))
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('fired_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('timers_lead_key_uq', ['lead_id', 'key'])
    .execute();
  await db.schema.createIndex('timers_due_idx').on('timers').columns(['due_at']).execute();

  await db.schema
    .createTable('system_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text')
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('system_events_at_idx').on('system_events').columns(['at']).execute();
  await db.schema
    .createIndex('system_events_level_idx')
    .on('system_events')
    .columns(['level', 'at'])
    .execute();
  await db.schema.createIndex('system_events_type_idx').on('system_events').columns(['type', 'at']).execute();
  await db.schema.createIndex('system_events_lead_idx').on('system_events').columns(['lead_id']).execute();
  await db.schema
    .createIndex('system_events_lead_at_idx')
    .on('system_events')
    .columns(['lead_id', 'at'])
    .execute();

  // A lead's failing message and everything queued behind it, retried with backoff while only that lead
  // waits (invariant 2). `seq` keeps arrival order.
  await db.schema
    .createTable('lead_retries')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('lead_retries_lead_idx')
    .on('lead_retries')
    .columns(['lead_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('lead_retries_due_idx')
    .on('lead_retries')
    .columns(['next_attempt_at'])
    .execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('replayed_at', 'timestamptz')
    .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('dead_letters_failed_idx').on('dead_letters').columns(['failed_at']).execute();
  await db.schema.createIndex('dead_letters_lead_idx').on('dead_letters').columns(['lead_id']).execute();

  // The single-node bus: accepted = committed here (invariant 6).
  await db.schema
    .createTable('inbox')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('inbox_partition_idx').on('inbox').columns(['partition', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'inbox',
    'dead_letters',
    'lead_retries',
    'system_events',
    'timers',
    'outbox',
    'transcript',
    'processed_messages',
    'leads',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
