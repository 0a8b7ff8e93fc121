// Kysely table interfaces. Rows are mapped to domain types at the repository edge.
//
// One clock: every time that decides behaviour (due times, expiries, leases, windows, retention, alert
// windows) is written from the injected clock as a parameter, never from PostgreSQL's now(). The columns
// whose migrations still default to now() are either always written explicitly by the code (outbox and
// attachment next_attempt_at, system_events.at, processed_at, failed_at, job_runs.started_at) or audit
// columns nothing compares with the injected clock (inbox.accepted_at, bookings.created_at,
// action_tokens.used_at, dead_letters.replayed_at).
import type { ColumnType, Generated, JSONColumnType, Selectable } from 'kysely';
import type { CampaignTables } from './schema-campaigns.ts';
import type { ReconciliationTables } from './schema-reconciliation.ts';
import type { MessageApiTables } from './schema-message-api.ts';
import type { OrchestratorTables } from './schema-orchestrator.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** bigint columns come back from pg as strings; we write numbers. */
type BigIntColumn = ColumnType<string, number | string | bigint, number | string | bigint>;
type Json = JSONColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;
type JsonUnknown = ColumnType<unknown, string, string>;

export interface LeadsTable {
  id: string;
  actor_type: ColumnType<string, string | undefined, string>;
  studio_id: string;
  phone: string | null;
  name: string | null;
  status: string;
  step: string | null;
  answers: Json;
  snapshot: JsonUnknown;
  machine_id: string;
  machine_version: number;
  version: BigIntColumn;
  last_inbound_at: Timestamp | null;
  /** The channel of the latest inbound message (migration 0013). */
  channel: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** A lead's brand-scoped identifiers, unique per (studio, type, value) (migration 0013). */
export interface LeadIdentifiersTable {
  studio_id: string;
  type: 'phone' | 'email' | 'deviceId';
  value: string;
  lead_id: string;
  created_at: ColumnType<Date, Date | string, never>;
}

export interface ProcessedMessagesTable {
  lead_id: string;
  message_id: string;
  lead_version: BigIntColumn;
  processed_at: CreatedAt;
}

export interface TranscriptTable {
  id: Generated<string>;
  lead_id: string;
  direction: 'in' | 'out';
  kind: string;
  text: string | null;
  data: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null,
    Record<string, unknown> | null
  >;
  provider_message_id: string | null;
  outbox_id: string | null;
  delivery_status: string | null;
  at: Timestamp;
}

export interface OutboxTable {
  id: string;
  seq: Generated<string>;
  lead_id: string;
  kind: string;
  payload: Json;
  status: ColumnType<
    'pending' | 'running' | 'done' | 'failed',
    'pending' | 'running' | 'done' | 'failed' | undefined
  >;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: Timestamp | null;
  result: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null,
    Record<string, unknown> | null
  >;
  trace_id: string | null;
  /** The envelope whose application emitted this row (null on rows written before migration 0016). */
  envelope_id: string | null;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
  /** Every attempt, in order (migration 0003; written by src/effects/outbox-record.ts). */
  attempt_log: ColumnType<OutboxAttempt[], string | undefined, string>;
  /**
   * The envelope fed back to the lead (`effect:<id>`), stored with `result` once the provider succeeded and
   * before it is published (migration 0005): a row with a result that is not yet done is finished by
   * re-publishing it, without executing the effect again.
   */
  feedback: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null | undefined,
    Record<string, unknown> | null
  >;
}

export interface OutboxAttempt {
  attempt: number;
  at: string;
  outcome: 'done' | 'retry' | 'failed';
  error?: string;
  nextAttemptAt?: string;
}

export interface TimersTable {
  id: string;
  lead_id: string;
  actor_type: ColumnType<string, string | undefined, string>;
  studio_id: string;
  key: string;
  due_at: Timestamp;
  fired_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SystemEventsTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | string | undefined, never>;
  level: 'debug' | 'info' | 'warn' | 'error';
  type: string;
  lead_id: string | null;
  payload: Json;
}

export interface LeadRetriesTable {
  seq: Generated<string>;
  lead_id: string;
  message_id: string;
  envelope: JsonUnknown;
  attempts: Generated<number>;
  last_error: string | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  created_at: CreatedAt;
}

export interface DeadLettersTable {
  id: string;
  lead_id: string;
  message_id: string;
  envelope: JsonUnknown;
  error: string;
  attempts: number;
  failed_at: CreatedAt;
  replayed_at: Timestamp | null;
  replay_count: Generated<number>;
}

export interface InboxTable {
  seq: Generated<string>;
  message_id: string;
  lead_id: string;
  partition: number;
  envelope: JsonUnknown;
  accepted_at: CreatedAt;
  delivered_at: Timestamp | null;
}

/** Media received from leads (src/effects/media): PENDING → UPLOADED | FAILED. */
export interface AttachmentsTable {
  id: string;
  lead_id: string;
  studio_id: string;
  message_id: string;
  media_id: string;
  outbox_id: string | null;
  purpose: ColumnType<string, string | undefined, string>;
  status: ColumnType<'PENDING' | 'UPLOADED' | 'FAILED', 'PENDING' | 'UPLOADED' | 'FAILED' | undefined>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  locked_until: Timestamp | null;
  reason: string | null;
  mime_type: string | null;
  size: ColumnType<string | null, number | null | undefined, number | null>;
  sha256: string | null;
  storage_key: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Reserved slots: (studio_id, slot_start) is unique, so a slot belongs to one lead. */
export interface BookingsTable {
  studio_id: string;
  slot_start: Timestamp;
  slot_end: Timestamp;
  lead_id: string;
  outbox_id: string | null;
  created_at: CreatedAt;
}

/** Used artist action-link nonces (single use). */
export interface ActionTokensTable {
  nonce: string;
  lead_id: string;
  action: string;
  used_at: CreatedAt;
}

/** One run of a periodic job (src/jobs/scheduler.ts): the primary key makes a period run once. */
export interface JobRunsTable {
  job: string;
  period_start: Timestamp;
  worker_id: string;
  started_at: CreatedAt;
  finished_at: Timestamp | null;
  outcome: 'ok' | 'failed' | null;
  error: string | null;
  result: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null,
    Record<string, unknown> | null
  >;
}

/** Synthetic health probes (src/jobs/probe.ts): ok is null while in flight. */
export interface ProbeResultsTable {
  id: string;
  sent_at: Timestamp;
  completed_at: Timestamp | null;
  latency_ms: number | null;
  ok: boolean | null;
  error: string | null;
  worker_id: string;
}

/** What a provider with no credentials would have sent, outside production (src/effects/sandbox). */
export interface SandboxMessagesTable {
  id: string;
  at: Timestamp;
  channel: string;
  studio_id: string;
  lead_id: string | null;
  outbox_id: string | null;
  sender: string;
  recipient: string;
  kind: string;
  text: string | null;
  payload: Json;
}

/** Written by a trigger on leads (migration 0010): one row per status change, at the row's updated_at. */
export interface LeadStatusChangesTable {
  id: Generated<string>;
  lead_id: string;
  studio_id: string;
  from_status: string | null;
  to_status: string;
  at: Timestamp;
  backfilled: ColumnType<boolean, boolean | undefined, boolean>;
}

/** A message an artist wrote to the studio number (artists are never leads). */
export interface ArtistMessagesTable {
  provider_message_id: string;
  studio_id: string;
  artist_id: string;
  /** The provider's timestamp: the artist's 24-hour window is measured from it. */
  sent_at: Timestamp;
  received_at: Timestamp;
  text: string | null;
  /** The lead an "approve"/"reject" reply acted on, and the action. */
  lead_id: string | null;
  action: string | null;
  /** Where it came: only a WhatsApp message opens the artist's WhatsApp window (migration 0018). */
  channel: ColumnType<'whatsapp' | 'sms', 'whatsapp' | 'sms' | undefined, 'whatsapp' | 'sms'>;
}

/** Contacts, campaigns and the send limits: schema-campaigns.ts; reconciliation: schema-reconciliation.ts;
 * the message API: schema-message-api.ts. */
export interface Database extends CampaignTables, ReconciliationTables, MessageApiTables, OrchestratorTables {
  leads: LeadsTable;
  job_runs: JobRunsTable;
  probe_results: ProbeResultsTable;
  processed_messages: ProcessedMessagesTable;
  transcript: TranscriptTable;
  outbox: OutboxTable;
  lead_identifiers: LeadIdentifiersTable;
  timers: TimersTable;
  system_events: SystemEventsTable;
  lead_retries: LeadRetriesTable;
  dead_letters: DeadLettersTable;
  inbox: InboxTable;
  attachments: AttachmentsTable;
  bookings: BookingsTable;
  action_tokens: ActionTokensTable;
  sandbox_messages: SandboxMessagesTable;
  lead_status_changes: LeadStatusChangesTable;
  artist_messages: ArtistMessagesTable;
}

export type LeadRow = Selectable<LeadsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type DeadLetterRow = Selectable<DeadLettersTable>;
