// The relay's claim (src/effects/outbox-claim.ts) takes due rows in claim order (next_attempt_at, seq) and
// keeps those that are their lead's oldest unfinished row. The due index now holds the whole claim order,
// so an ordered scan can stop at the claim's window, and the per-lead index answers "the lead's first
// unfinished seq" in one probe. Both are partial on the unfinished rows: the finished ones (nearly all of
// the table) cost them nothing. Before, a burst's backlog made every claim check every unfinished row
// (6,000 pending rows: 1.1 s per claim; docs/performance.md, "The claim that grew with its backlog").
// The outbox is a queue: rows are inserted, updated two or three times and finished within seconds, so
// its dead tuples and its statistics go stale long before the default 20 % / 10 % thresholds; autovacuum
// visits it at 2 % instead.
// Frozen in time: takes Kysely<unknown> and imports no application types.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists outbox_due_idx`.execute(db);
  await sql`create index outbox_due_idx on outbox (next_attempt_at, seq)
    where status in ('pending', 'running')`.execute(db);
  await sql`create index outbox_unfinished_lead_idx on outbox (lead_id, seq)
    where status in ('pending', 'running')`.execute(db);
  await sql`alter table outbox set (autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.02)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox reset (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)`.execute(
    db,
  );
  await sql`drop index if exists outbox_unfinished_lead_idx`.execute(db);
  await sql`drop index if exists outbox_due_idx`.execute(db);
  await sql`create index outbox_due_idx on outbox (next_attempt_at)
    where status in ('pending', 'running')`.execute(db);
}
