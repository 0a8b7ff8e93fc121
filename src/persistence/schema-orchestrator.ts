// Kysely table interfaces of the orchestrator's usage and its daily cost alerts (migration 0015).
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** PostgreSQL numeric: read as a string (exact), written as a number. */
type Numeric = ColumnType<string, number | string, number | string>;

export interface OrchestratorUsageTable {
  /** The `effect.orchestrator.ask` row that made the call: a retried effect is counted once. */
  outbox_id: string;
  studio_id: string;
  lead_id: string;
  /** The message-API session; null on WhatsApp and SMS. */
  session_id: string | null;
  channel: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: Numeric;
  at: Timestamp;
}

export interface OrchestratorCostAlertsTable {
  studio_id: string;
  /** The UTC day (YYYY-MM-DD) whose cost passed the limit. */
  day: ColumnType<string, string, string>;
  cost_usd: Numeric;
  limit_usd: Numeric;
  at: Timestamp;
}

export interface OrchestratorTables {
  orchestrator_usage: OrchestratorUsageTable;
  orchestrator_cost_alerts: OrchestratorCostAlertsTable;
}
