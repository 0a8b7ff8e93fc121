// Reading probe results: the readiness check (is the latest probe failing?) and the 24-hour summary.
import { sql } from 'kysely';
import type { CheckStatus } from '../gateway/gateway-deps.ts';
import type { Db } from '../persistence/database.ts';

export interface ProbeSummary {
  windowHours: number;
  checks: number;
  successes: number;
  /** successes / checks, or null when there were no checks. */
  successRate: number | null;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  lastProbeAt: string | null;
  lastProbeOk: boolean | null;
}

export async function probeSummary(db: Db, now: Date, windowHours = 24): Promise<ProbeSummary> {
  const since = new Date(now.getTime() - windowHours * 3_600_000);
  const row = await db
    .selectFrom('probe_results')
    .select([
      sql<string>`count(*) filter (where ok is not null)`.as('checks'),
      sql<string>`count(*) filter (where ok)`.as('successes'),
      sql<number | null>`percentile_cont(0.5) within group (order by latency_ms) filter (where ok)`.as('p50'),
      sql<number | null>`percentile_cont(0.99) within group (order by latency_ms) filter (where ok)`.as(
        'p99',
      ),
    ])
    .where('sent_at', '>=', since)
    .executeTakeFirstOrThrow();
  const last = await db
    .selectFrom('probe_results')
    .select(['sent_at', 'ok'])
    .where('ok', 'is not', null)
    .orderBy('sent_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const checks = Number(row.checks);
  const successes = Number(row.successes);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    windowHours,
    checks,
    successes,
    successRate: checks === 0 ? null : successes / checks,
    p50LatencyMs: round(row.p50),
    p99LatencyMs: round(row.p99),
    lastProbeAt: last ? last.sent_at.toISOString() : null,
    lastProbeOk: last ? last.ok : null,
  };
}

/**
 * Readiness: `degraded` (HTTP 200, status "degraded") while the most recent finished probe failed, `ok`
 * otherwise (also before the first probe). Not `unavailable`: the gateway still accepts webhooks durably,
 * so taking it out of rotation would only make providers retry; the failing pipeline is an alert instead.
 */
export function probeReadinessCheck(db: Db) {
  return async (): Promise<{ status: CheckStatus; detail?: unknown }> => {
    const last = await db
      .selectFrom('probe_results')
      .select(['id', 'sent_at', 'ok', 'error', 'latency_ms'])
      .where('ok', 'is not', null)
      .orderBy('sent_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return { status: 'ok', detail: 'no probe has run yet' };
    const detail = { at: last.sent_at.toISOString(), latencyMs: last.latency_ms, error: last.error };
    return { status: last.ok === true ? 'ok' : 'degraded', detail };
  };
}
