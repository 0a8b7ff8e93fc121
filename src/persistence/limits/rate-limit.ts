// A cluster-wide rate limit: GCRA (the generic cell rate algorithm) with its one number of state, the
// theoretical arrival time `tat`, in a row. A request at `now` is allowed when tat - tolerance <= now, and
// moves tat to max(tat, now) + interval. One conditional upsert decides and moves it, so any number of
// workers share one pace. `now` is the caller's clock (injected, like every time in Leadline), never the
// database's, so tests and a worker's other decisions agree on what time it is.
import { sql } from 'kysely';
import type { Db, Tx } from '../database.ts';

export interface RateLimitRule {
  perMinute: number;
  /** Requests allowed back to back after a quiet spell (default 1: evenly spaced). */
  burst?: number;
}

export type RateClaim = { granted: true } | { granted: false; retryAfterMs: number };

/**
 * Claims `cells` requests at once (default 1; a campaign run's batch): allowed when all of them conform,
 * i.e. max(tat, now) + cells * interval <= now + tolerance + interval, which moves tat by cells * interval.
 * More cells than the burst never conform, so callers split larger batches.
 */
export async function claimRate(
  db: Db | Tx,
  key: string,
  rule: RateLimitRule,
  now: Date,
  cells = 1,
): Promise<RateClaim> {
  const burst = rule.burst ?? 1;
  if (!Number.isInteger(cells) || cells < 1 || cells > Math.max(1, burst))
    throw new RangeError(`claimRate: ${cells} cells do not fit a burst of ${burst}`);
  const intervalMs = 60_000 / rule.perMinute;
  // How far ahead of now tat may be for the claim to conform (for one cell: the tolerance).
  const slackMs = intervalMs * (Math.max(0, burst - 1) - (cells - 1));
  const stepMs = intervalMs * cells;
  const at = now.toISOString();
  const result = await sql<{ tat: Date }>`
    insert into rate_limits (key, tat)
    values (${key}, ${at}::timestamptz + ${stepMs} * interval '1 millisecond')
    on conflict (key) do update
      set tat = greatest(rate_limits.tat, ${at}::timestamptz) + ${stepMs} * interval '1 millisecond'
      where rate_limits.tat <= ${at}::timestamptz + ${slackMs} * interval '1 millisecond'
    returning tat`.execute(db);
  if (result.rows.length === 1) return { granted: true };
  const row = await db.selectFrom('rate_limits').select('tat').where('key', '=', key).executeTakeFirst();
  const tat = row ? row.tat.getTime() : now.getTime();
  return { granted: false, retryAfterMs: Math.max(1, Math.ceil(tat - slackMs - now.getTime())) };
}
