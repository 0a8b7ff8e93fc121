// Retention: system events older than LEADLINE_SYSTEM_EVENT_RETENTION (90 days by default), scheduler
// bookkeeping older than a week, probe results older than 30 days and message-API idempotency claims
// (messages and broadcasts) past their 24-hour window (kept a day longer) are deleted, in bounded batches
// so a large backlog never holds a long lock.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';

export interface RetentionPolicy {
  systemEventsMs: number;
  jobRunsMs: number;
  probeResultsMs: number;
  messageRequestsMs: number;
}

export const defaultRetention: RetentionPolicy = {
  systemEventsMs: 90 * 86_400_000,
  jobRunsMs: 7 * 86_400_000,
  probeResultsMs: 30 * 86_400_000,
  messageRequestsMs: 2 * 86_400_000,
};

const BATCH = 5_000;

async function deleteOlder(db: Db, table: string, column: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    // ctid batches: delete at most BATCH rows per statement.
    const result = await sql`
      delete from ${sql.table(table)} where ctid in (
        select ctid from ${sql.table(table)} where ${sql.ref(column)} < ${before} limit ${BATCH})`.execute(
      db,
    );
    const deleted = Number(result.numAffectedRows ?? 0n);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

export async function applyRetention(
  db: Db,
  now: Date,
  policy: RetentionPolicy = defaultRetention,
): Promise<Record<string, number>> {
  const before = (ms: number) => new Date(now.getTime() - ms);
  return {
    systemEvents: await deleteOlder(db, 'system_events', 'at', before(policy.systemEventsMs)),
    jobRuns: await deleteOlder(db, 'job_runs', 'started_at', before(policy.jobRunsMs)),
    probeResults: await deleteOlder(db, 'probe_results', 'sent_at', before(policy.probeResultsMs)),
    messageRequests: await deleteOlder(
      db,
      'message_requests',
      'created_at',
      before(policy.messageRequestsMs),
    ),
    broadcastRequests: await deleteOlder(
      db,
      'broadcast_requests',
      'created_at',
      before(policy.messageRequestsMs),
    ),
  };
}
