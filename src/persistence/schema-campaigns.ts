// Kysely table interfaces of contacts, campaigns and the cluster-wide send limits (migrations 0006, 0017).
import type { ColumnType, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `date` columns: written as YYYY-MM-DD; read them as `day::text` (pg would parse a Date at local midnight). */
type DateColumn = ColumnType<string, string, string>;
type Json = JSONColumnType<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>>;

export interface SendQuotasTable {
  studio_id: string;
  channel: string;
  sender: string;
  day: DateColumn;
  used: ColumnType<number, number | undefined, number>;
  /** Units the latest claim took (migration 0017): read only by that claim's RETURNING. */
  last_grant: ColumnType<number, number | undefined, number>;
}

export interface RateLimitsTable {
  key: string;
  /** GCRA: the theoretical arrival time of the next request. */
  tat: Timestamp;
}

export interface CircuitBreakersTable {
  provider: string;
  failures: ColumnType<number, number | undefined, number>;
  open_until: Timestamp | null;
  trial_until: Timestamp | null;
}

export interface ContactsTable {
  lead_id: string;
  studio_id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  /** MM-DD. */
  birthday: string | null;
  birth_year: number | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  consent: ColumnType<boolean, boolean | undefined, boolean>;
  consent_source: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CampaignsTable {
  id: string;
  studio_id: string;
  name: string;
  channel: string;
  segment: Json;
  message: Json;
  schedule: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null,
    Record<string, unknown> | null
  >;
  daily_quota: number;
  rate_per_minute: number;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type RunStatus = 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

export interface CampaignRunsTable {
  id: string;
  campaign_id: string;
  status: RunStatus;
  trigger: 'manual' | 'schedule';
  day: DateColumn;
  /** null until the run's targets are frozen. */
  targeted: number | null;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  error: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface CampaignTargetsTable {
  run_id: string;
  seq: number;
  lead_id: string;
  state: ColumnType<'pending' | 'published' | 'skipped', 'pending' | undefined, 'published' | 'skipped'>;
  reason: string | null;
  envelope: JSONColumnType<
    Record<string, unknown> | null,
    Record<string, unknown> | null | undefined,
    Record<string, unknown> | null
  >;
}

export interface CampaignSendsTable {
  campaign_id: string;
  lead_id: string;
  day: DateColumn;
  run_id: string;
}

export interface CampaignTables {
  send_quotas: SendQuotasTable;
  rate_limits: RateLimitsTable;
  circuit_breakers: CircuitBreakersTable;
  contacts: ContactsTable;
  campaigns: CampaignsTable;
  campaign_runs: CampaignRunsTable;
  campaign_targets: CampaignTargetsTable;
  campaign_sends: CampaignSendsTable;
}
