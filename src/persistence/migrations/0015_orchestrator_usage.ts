// The orchestrator's usage (docs/contract.md §8): one row per answered call, keyed by the outbox effect that made it
// so a retried effect is counted once, with its tokens and cost for the lead, session and model; and one
// row per (studio, UTC day) whose cost alert has fired, so the alert goes out once a day whichever worker
// sees it first. Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orchestrator_usage')
    .ifNotExists()
    .addColumn('outbox_id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
    .addColumn('completion_tokens', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', sql`numeric(20, 10)`, (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('orchestrator_usage_studio_idx')
    .ifNotExists()
    .on('orchestrator_usage')
    .columns(['studio_id', 'at'])
    .execute();
  await db.schema
    .createIndex('orchestrator_usage_session_idx')
    .ifNotExists()
    .on('orchestrator_usage')
    .columns(['session_id'])
    .where(sql.ref('session_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('orchestrator_usage_lead_idx')
    .ifNotExists()
    .on('orchestrator_usage')
    .columns(['lead_id', 'at'])
    .execute();
  await db.schema
    .createTable('orchestrator_cost_alerts')
    .ifNotExists()
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('cost_usd', sql`numeric(20, 10)`, (c) => c.notNull())
    .addColumn('limit_usd', sql`numeric(20, 10)`, (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('orchestrator_cost_alerts_pk', ['studio_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('orchestrator_cost_alerts').ifExists().execute();
  await db.schema.dropTable('orchestrator_usage').ifExists().execute();
}
