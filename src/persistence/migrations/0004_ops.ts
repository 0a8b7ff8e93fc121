// Operations: scheduler job runs (insert-once per job and period = exactly one run cluster-wide) and
// synthetic health-probe results. Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('period_start', 'timestamptz', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('error', 'text')
    .addColumn('result', 'jsonb')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'period_start'])
    .execute();
  await db.schema.createIndex('job_runs_started_idx').on('job_runs').columns(['started_at']).execute();

  await db.schema
    .createTable('probe_results')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addColumn('latency_ms', 'integer')
    // null while in flight; true once the probe actor committed it; false on timeout or publish failure.
    .addColumn('ok', 'boolean')
    .addColumn('error', 'text')
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('probe_results_sent_idx').on('probe_results').columns(['sent_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('probe_results').ifExists().execute();
  await db.schema.dropTable('job_runs').ifExists().execute();
}
