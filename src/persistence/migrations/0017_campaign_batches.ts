// Campaign runs claim their targets in batches (src/campaigns/run-send.ts):
//   send_quotas.last_grant   the units the latest claim took, set by the same conditional upsert that moves
//                            `used` (src/persistence/limits/daily-quota.ts), so that claim's RETURNING tells
//                            how many of the units it asked for it got (PostgreSQL 15 has no RETURNING
//                            old.*). Nothing else reads it.
//   campaign_targets_pending_idx   a run's pending targets in order: each batch reads the first few of
//                            them (and the claimed-but-unpublished ones), without walking past the
//                            thousands already published.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('send_quotas')
    .addColumn('last_grant', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index campaign_targets_pending_idx on campaign_targets (run_id, seq)
    where state = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists campaign_targets_pending_idx`.execute(db);
  await db.schema.alterTable('send_quotas').dropColumn('last_grant').execute();
}
