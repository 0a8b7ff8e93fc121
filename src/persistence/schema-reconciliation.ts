// Kysely table interfaces of reconciliation runs and channel health checks (migration 0012).
import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type JsonArray = ColumnType<unknown[], string | undefined, string>;

export interface ReconciliationRunsTable {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  trigger: 'manual' | 'schedule';
  studio_id: string | null;
  hours_back: number;
  /** The history is read from here (started_at − hours_back). */
  window_start: Timestamp;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  errors: JsonArray;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  schedule_day: string | null;
}

/** A number's part of a run: `scan` (paging the history) → `deliver` → `done` | `failed`. */
export interface ReconciliationRunNumbersTable {
  run_id: string;
  number: string;
  studio_id: string;
  provider: 'twilio' | 'openphone';
  phone_number_id: string | null;
  phase: 'scan' | 'deliver' | 'done' | 'failed';
  /** The source's cursor of the next page to read (null: from the start, or finished). */
  cursor: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null | undefined,
    Record<string, unknown> | null
  >;
  pages: Generated<number>;
  /** Inbound provider messages in the window. */
  inbound: Generated<number>;
  /** Of those, already received (by the webhook) before this run. */
  existing: Generated<number>;
  /** Outbound messages in the provider's history, and how many matched what Leadline sent. */
  outbound: Generated<number>;
  outbound_matched: Generated<number>;
  /** Messages Leadline sent (provider id known) that the provider's history does not have. */
  missing_at_provider: Generated<number>;
  findings: JsonArray;
  error: string | null;
}

/** A missed inbound SMS item staged by a scan, published in provider-time order by the delivery phase. */
export interface ReconciliationItemsTable {
  run_id: string;
  envelope_id: string;
  number: string;
  provider_message_id: string;
  lead_id: string;
  sent_at: Timestamp;
  envelope: ColumnType<unknown, string, string>;
  /** null: not yet published; `new`: delivered by this run; `existing`: the bus or the lead had it already. */
  outcome: 'new' | 'existing' | null;
}

export interface ReconciliationOutboundTable {
  run_id: string;
  number: string;
  provider_message_id: string;
  matched: boolean;
}

export interface ChannelHealthChecksTable {
  id: string;
  studio_id: string;
  channel: string;
  provider: string;
  number: string;
  sent_at: Timestamp;
  deadline_at: Timestamp;
  provider_message_id: string | null;
  received_at: Timestamp | null;
  /** null while in flight. */
  ok: boolean | null;
  error: string | null;
}

export interface ReconciliationTables {
  reconciliation_runs: ReconciliationRunsTable;
  reconciliation_run_numbers: ReconciliationRunNumbersTable;
  reconciliation_items: ReconciliationItemsTable;
  reconciliation_outbound: ReconciliationOutboundTable;
  channel_health_checks: ChannelHealthChecksTable;
}
