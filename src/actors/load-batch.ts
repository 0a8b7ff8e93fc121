// The reads a batch needs before it can run, in a few parallel queries (never one per message): rows of
// leads not cached, which message ids were already applied, which leads are parked for a retry, which
// timers are still live, and the original ids of replayed dead letters.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { PersistedLead } from './hydrate.ts';

export interface LeadRowState extends PersistedLead {
  version: number;
}

export interface BatchState {
  rows: Map<string, LeadRowState>;
  /** `leadId \0 messageId` already in processed_messages. */
  processed: Set<string>;
  /** Parked leads → message ids already parked. */
  parked: Map<string, Set<string>>;
  /** `leadId \0 timerId` rows that still exist. */
  liveTimers: Set<string>;
  /** `leadId \0 messageId` already dead-lettered (a redelivery after a lost ack must not apply it). */
  deadLettered: Set<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const pairKey = (leadId: string, id: string): string => `${leadId}\u0000${id}`;

export interface BatchQuery {
  leadIds: readonly string[];
  /** Leads whose row must be read (not cached). */
  loadRows: readonly string[];
  messages: readonly { leadId: string; messageId: string }[];
  timers: readonly { leadId: string; timerId: string }[];
}

interface RawRow {
  kind: 'lead' | 'processed' | 'parked' | 'timer' | 'dead';
  lead_id: string;
  ref: string | null;
  snapshot: unknown;
  machine_version: number | null;
  version: string | null;
  answers: Record<string, unknown> | null;
  status: string | null;
  step: string | null;
}

/** Everything in ONE round trip (one pooled connection per batch, however many partitions run at once). */
export async function loadBatchState(db: Db, query: BatchQuery): Promise<BatchState> {
  // A timer id that is not a uuid cannot name a row: it is simply not live.
  const timerIds = query.timers.map((t) => t.timerId).filter((id) => UUID.test(id));
  const result = await sql<RawRow>`
    select 'lead' as kind, id as lead_id, null as ref, snapshot, machine_version, version::text as version,
      answers, status, step
    from leads where id = any(${query.loadRows}::text[])
    union all
    select 'processed', lead_id, message_id, null, null, null, null, null, null from processed_messages
    where (lead_id, message_id) in (select * from unnest(${query.messages.map((m) => m.leadId)}::text[],
      ${query.messages.map((m) => m.messageId)}::text[]))
    union all
    select 'dead', lead_id, message_id, null, null, null, null, null, null from dead_letters
    where (lead_id, message_id) in (select * from unnest(${query.messages.map((m) => m.leadId)}::text[],
      ${query.messages.map((m) => m.messageId)}::text[]))
    union all
    select 'parked', lead_id, message_id, null, null, null, null, null, null from lead_retries
    where lead_id = any(${query.leadIds}::text[])
    union all
    select 'timer', lead_id, id::text, null, null, null, null, null, null from timers
    where id = any(${timerIds}::uuid[])`.execute(db);
  const state: BatchState = {
    rows: new Map(),
    processed: new Set(),
    parked: new Map(),
    liveTimers: new Set(),
    deadLettered: new Set(),
  };
  for (const row of result.rows) {
    const ref = row.ref ?? '';
    switch (row.kind) {
      case 'lead':
        state.rows.set(row.lead_id, {
          snapshot: row.snapshot,
          machineVersion: row.machine_version ?? 0,
          version: Number(row.version),
          answers: row.answers ?? {},
          status: row.status ?? '',
          step: row.step,
        });
        break;
      case 'processed':
        state.processed.add(pairKey(row.lead_id, ref));
        break;
      case 'parked': {
        const ids = state.parked.get(row.lead_id) ?? new Set<string>();
        ids.add(ref);
        state.parked.set(row.lead_id, ids);
        break;
      }
      case 'timer':
        state.liveTimers.add(pairKey(row.lead_id, ref));
        break;
      case 'dead':
        state.deadLettered.add(pairKey(row.lead_id, ref));
        break;
    }
  }
  return state;
}

/** Original message ids of replayed dead letters (dead letter id → message id). */
export async function loadReplayOriginals(
  db: Db,
  deadLetterIds: readonly string[],
): Promise<Map<string, string>> {
  if (deadLetterIds.length === 0) return new Map();
  const valid = deadLetterIds.filter((id) => UUID.test(id));
  if (valid.length === 0) return new Map();
  const rows = await db
    .selectFrom('dead_letters')
    .select(['id', 'message_id'])
    .where('id', 'in', valid)
    .execute();
  return new Map(rows.map((r) => [r.id, r.message_id]));
}
