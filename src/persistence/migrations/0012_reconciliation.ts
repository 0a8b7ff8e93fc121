// Reconciliation runs (docs/reconciliation.md): one row per run, one per (run, SMS number) holding that
// number's paging cursor (so a run resumes from its last page after a crash), and the missed inbound
// messages a scan staged for delivery in provider-time order. A partial unique index lets one run at a
// time work a number. Channel health probes: one row per probe of a number.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reconciliation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text')
    .addColumn('hours_back', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'timestamptz')
    // The day a scheduled run belongs to (YYYY-MM-DD, UTC): unique, so a day is scheduled once.
    .addColumn('schedule_day', 'text', (c) => c.unique())
    .execute();
  await db.schema
    .createIndex('reconciliation_runs_started_idx')
    .on('reconciliation_runs')
    .column('started_at')
    .execute();

  await db.schema
    .createTable('reconciliation_run_numbers')
    .addColumn('run_id', 'text', (c) => c.notNull().references('reconciliation_runs.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('phone_number_id', 'text')
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('cursor', 'jsonb')
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inbound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('existing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outbound', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outbound_matched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('missing_at_provider', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('findings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('reconciliation_run_numbers_pk', ['run_id', 'number'])
    .execute();
  // One run at a time per number: a second run's insert for a number still being worked fails.
  await sql`create unique index reconciliation_one_run_per_number
    on reconciliation_run_numbers (number) where phase not in ('done', 'failed')`.execute(db);

  await db.schema
    .createTable('reconciliation_items')
    .addColumn('run_id', 'text', (c) => c.notNull().references('reconciliation_runs.id').onDelete('cascade'))
    .addColumn('envelope_id', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('reconciliation_items_pk', ['run_id', 'envelope_id'])
    .execute();

  // Outbound messages the provider's history holds, per run: what Leadline sent but the provider lacks is
  // found by what is not here.
  await db.schema
    .createTable('reconciliation_outbound')
    .addColumn('run_id', 'text', (c) => c.notNull().references('reconciliation_runs.id').onDelete('cascade'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('provider_message_id', 'text', (c) => c.notNull())
    .addColumn('matched', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('reconciliation_outbound_pk', ['run_id', 'provider_message_id'])
    .execute();

  await db.schema
    .createTable('channel_health_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deadline_at', 'timestamptz', (c) => c.notNull())
    .addColumn('provider_message_id', 'text')
    .addColumn('received_at', 'timestamptz')
    .addColumn('ok', 'boolean')
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('channel_health_checks_number_idx')
    .on('channel_health_checks')
    .columns(['number', 'sent_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_health_checks').ifExists().execute();
  await db.schema.dropTable('reconciliation_outbound').ifExists().execute();
  await db.schema.dropTable('reconciliation_items').ifExists().execute();
  await db.schema.dropTable('reconciliation_run_numbers').ifExists().execute();
  await db.schema.dropTable('reconciliation_runs').ifExists().execute();
}
