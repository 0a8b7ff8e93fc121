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
}

export const pairKey = (leadId: string, id: string): string => `${leadId}\u0000${id}`;

export interface BatchQuery {
  leadIds: readonly string[];
  /** Leads whose row must be read (not cached). */
  loadRows: readonly string[];
  messages: readonly { leadId: string; messageId: string }[];
  timers: readonly { leadId: string; timerId: string }[];
}

interface RawLeadRow {
  id: string;
  snapshot: unknown;
  machine_version: number;
  version: string;
  answers: Record<string, unknown>;
  status: string;
  step: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loadBatchState(db: Db, query: BatchQuery): Promise<BatchState> {
  // A timer id that is not a uuid cannot name a row: it is simply not live.
  const timerIds = query.timers.map((t) => t.timerId).filter((id) => UUID.test(id));
  const [rows, processed, parked, timers] = await Promise.all([
    query.loadRows.length === 0
      ? []
      : sql<RawLeadRow>`
          select id, snapshot, machine_version, version, answers, status, step from leads
          where id = any(${query.loadRows}::text[])`
          .execute(db)
          .then((r) => r.rows),
    query.messages.length === 0
      ? []
      : sql<{ lead_id: string; message_id: string }>`
          select lead_id, message_id from processed_messages
          where (lead_id, message_id) in (select * from unnest(${query.messages.map((m) => m.leadId)}::text[],
            ${query.messages.map((m) => m.messageId)}::text[]))`
          .execute(db)
          .then((r) => r.rows),
    sql<{ lead_id: string; message_id: string }>`
      select lead_id, message_id from lead_retries where lead_id = any(${query.leadIds}::text[])`
      .execute(db)
      .then((r) => r.rows),
    timerIds.length === 0
      ? []
      : sql<{ lead_id: string; id: string }>`
          select lead_id, id::text from timers where id = any(${timerIds}::uuid[])`
          .execute(db)
          .then((r) => r.rows),
  ]);
  const state: BatchState = {
    rows: new Map(),
    processed: new Set(processed.map((r) => pairKey(r.lead_id, r.message_id))),
    parked: new Map(),
    liveTimers: new Set(timers.map((r) => pairKey(r.lead_id, r.id))),
  };
  for (const row of rows) {
    state.rows.set(row.id, {
      snapshot: row.snapshot,
      machineVersion: row.machine_version,
      version: Number(row.version),
      answers: row.answers,
      status: row.status,
      step: row.step,
    });
  }
  for (const row of parked) {
    const ids = state.parked.get(row.lead_id) ?? new Set<string>();
    ids.add(row.message_id);
    state.parked.set(row.lead_id, ids);
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
