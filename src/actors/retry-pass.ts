// Retrying parked leads (invariant 2): a lead whose message failed has it and its later messages in
// lead_retries, in order. When the head's next attempt is due, the lead's parked messages are run again
// in order under the lead's lock; applied ones leave the table, a failing head is rescheduled with the
// next backoff delay or, past the last one, becomes a dead letter and the lead moves on.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.ts';
import { partitionOf } from '../domain/ids.ts';
import type { Db } from '../persistence/database.ts';
import { announceCommits } from './commit-notices.ts';
import type { EnvelopeDecoder } from './decode-envelope.ts';
import type { ActorLocks } from './actor-locks.ts';
import type { ActorProcessor } from './actor-processor.ts';
import type { RunMessage } from './actor-run.ts';

export interface RetryPassOptions {
  db: Db;
  bus: Bus;
  locks: ActorLocks;
  processor: ActorProcessor;
  /** The host's decoder: parked envelopes are validated as the bus's are. */
  decode: EnvelopeDecoder;
  now: Date;
  logger: Logger;
  limit?: number;
}

export async function loadParked(db: Db, leadId: string, decode: EnvelopeDecoder): Promise<RunMessage[]> {
  const rows = await db
    .selectFrom('lead_retries')
    .select(['seq', 'envelope', 'attempts'])
    .where('lead_id', '=', leadId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({
    ...decode(row.envelope),
    retrySeq: row.seq,
    retryAttempts: row.attempts,
  }));
}

/** Leads whose first parked message is due, restricted to the partitions this node owns. */
async function dueLeads(db: Db, bus: Bus, now: Date, limit: number): Promise<string[]> {
  const heads = await sql<{ lead_id: string }>`
    select lead_id from (
      select distinct on (lead_id) lead_id, next_attempt_at from lead_retries order by lead_id, seq
    ) heads
    where next_attempt_at <= ${now.toISOString()}::timestamptz
    order by next_attempt_at
    limit ${limit}`.execute(db);
  const owned = new Set(bus.status().ownedPartitions);
  return heads.rows.map((r) => r.lead_id).filter((leadId) => owned.has(partitionOf(leadId, bus.partitions)));
}

export async function runDueRetries(options: RetryPassOptions): Promise<number> {
  const { db, bus, locks, processor, decode, now, logger } = options;
  const leads = await dueLeads(db, bus, now, options.limit ?? 100);
  let processed = 0;
  for (const leadId of leads) {
    await locks.withLocks([leadId], async () => {
      // Re-read under the lock: a bus batch may have changed the parked rows meanwhile.
      const messages = await loadParked(db, leadId, decode);
      const head = messages[0];
      if (!head) return;
      const outcomes = await processor.processAlone({ leadId, messages }, 'retry', now);
      if (outcomes === null) logger.warn({ leadId }, 'retry pass could not commit; will try again');
      // A waiter on the reply path (a message-API request) is told of a parked message's fate too.
      announceCommits(bus, messages, outcomes);
      processed++;
    });
  }
  return processed;
}
