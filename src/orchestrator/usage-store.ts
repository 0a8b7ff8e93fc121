// The orchestrator's usage in PostgreSQL (orchestrator_usage, migration 0015): one row per answered call,
// keyed by the outbox effect that made it (a retried effect is counted once), its cost computed from the
// studio's pricing when recorded. Also the reads: a session's tokens (the budget) and the sums per studio
// and model for GET /admin/usage.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { OrchestratorConfig } from '../studio/studio-schema.ts';

export interface UsageRecord {
  outboxId: string;
  studioId: string;
  leadId: string;
  sessionId: string | null;
  channel: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  at: Date;
}

/** What a call cost in USD by the studio's per-1,000-token prices. */
export function costUsd(
  pricing: OrchestratorConfig['pricing'],
  promptTokens: number,
  completionTokens: number,
) {
  return (promptTokens / 1000) * pricing.inputPer1k + (completionTokens / 1000) * pricing.outputPer1k;
}

/** Records one call's usage; a second record for the same outbox effect (a retry) changes nothing. */
export async function recordUsage(
  db: Db,
  usage: UsageRecord,
  pricing: OrchestratorConfig['pricing'],
): Promise<void> {
  await db
    .insertInto('orchestrator_usage')
    .values({
      outbox_id: usage.outboxId,
      studio_id: usage.studioId,
      lead_id: usage.leadId,
      session_id: usage.sessionId,
      channel: usage.channel,
      model: usage.model,
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      cost_usd: costUsd(pricing, usage.promptTokens, usage.completionTokens),
      at: usage.at,
    })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
}

/**
 * Tokens already spent in the budget's scope: the message-API session, or (WhatsApp and SMS, which have no
 * sessions) the lead's usage on that channel since `since` (the studio's sessionTimeout ago).
 */
export async function tokensSpent(
  db: Db,
  scope: { sessionId: string } | { leadId: string; channel: string; since: Date },
): Promise<number> {
  let query = db
    .selectFrom('orchestrator_usage')
    .select(sql<string>`coalesce(sum(prompt_tokens + completion_tokens), 0)`.as('tokens'));
  query =
    'sessionId' in scope
      ? query.where('session_id', '=', scope.sessionId)
      : query
          .where('lead_id', '=', scope.leadId)
          .where('channel', '=', scope.channel)
          .where('at', '>=', scope.since);
  const row = await query.executeTakeFirst();
  return Number(row?.tokens ?? 0);
}

export interface UsageFilter {
  studioId?: string | undefined;
  leadId?: string | undefined;
  sessionId?: string | undefined;
  since?: Date | undefined;
}

export interface UsageSum {
  studioId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  calls: number;
}

export async function usageSums(db: Db, filter: UsageFilter): Promise<UsageSum[]> {
  let query = db
    .selectFrom('orchestrator_usage')
    .select([
      'studio_id',
      'model',
      sql<string>`sum(prompt_tokens)`.as('prompt_tokens'),
      sql<string>`sum(completion_tokens)`.as('completion_tokens'),
      sql<string>`sum(cost_usd)`.as('cost_usd'),
      sql<string>`count(*)`.as('calls'),
    ])
    .groupBy(['studio_id', 'model'])
    .orderBy('studio_id')
    .orderBy('model');
  if (filter.studioId !== undefined) query = query.where('studio_id', '=', filter.studioId);
  if (filter.leadId !== undefined) query = query.where('lead_id', '=', filter.leadId);
  if (filter.sessionId !== undefined) query = query.where('session_id', '=', filter.sessionId);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  const rows = await query.execute();
  return rows.map((row) => ({
    studioId: row.studio_id,
    model: row.model,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    costUsd: Number(row.cost_usd),
    calls: Number(row.calls),
  }));
}

/** A studio's cost since `since` (the start of the UTC day for the daily limit). */
export async function costSince(db: Db, studioId: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('orchestrator_usage')
    .select(sql<string>`coalesce(sum(cost_usd), 0)`.as('cost'))
    .where('studio_id', '=', studioId)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.cost ?? 0);
}
