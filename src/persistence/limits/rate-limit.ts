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

export interface RateRequest {
  key: string;
  rule: RateLimitRule;
  /** Cells claimed together, all or none (default 1); at most the rule's burst. */
  cells?: number;
}

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
  const [claim] = await claimRates(db, [{ key, rule, cells }], now);
  if (!claim) throw new Error('claimRates answered nothing');
  return claim;
}

/**
 * claimRate for several keys in one statement (the relay's sends of one turn, one number each): each key
 * is decided on its own row exactly as claimRate decides it, and the answers come back in request order.
 * The keys must be distinct (one row cannot be moved twice by one statement).
 */
export async function claimRates(
  db: Db | Tx,
  requests: readonly RateRequest[],
  now: Date,
): Promise<RateClaim[]> {
  if (new Set(requests.map((r) => r.key)).size !== requests.length)
    throw new RangeError('claimRates: a key claimed twice in one statement');
  const claims = requests.map(({ key, rule, cells = 1 }) => {
    const burst = rule.burst ?? 1;
    if (!Number.isInteger(cells) || cells < 1 || cells > Math.max(1, burst))
      throw new RangeError(`claimRate: ${cells} cells do not fit a burst of ${burst} (${key})`);
    const intervalMs = 60_000 / rule.perMinute;
    // How far ahead of now tat may be for the claim to conform (for one cell: the tolerance).
    return { key, slackMs: intervalMs * (Math.max(0, burst - 1) - (cells - 1)), stepMs: intervalMs * cells };
  });
  const at = now.toISOString();
  // Rows are locked in key order, whatever the callers' order: two relays claiming overlapping numbers
  // never wait for each other in a cycle (a deadlock PostgreSQL would break by failing one of them).
  const sorted = [...claims].sort((a, b) => (a.key < b.key ? -1 : 1));
  // A new key is inserted (granted); an existing one moves only when it conforms. The inserted tat is
  // now + step, so the update reads its key's step back from `excluded` and its slack from the request.
  const result = await sql<{ key: string }>`
    with req as (
      select * from unnest(${sorted.map((r) => r.key)}::text[], ${sorted.map((r) => r.stepMs)}::float8[],
        ${sorted.map((r) => r.slackMs)}::float8[]) as r(key, step_ms, slack_ms)
    )
    insert into rate_limits (key, tat)
    select key, ${at}::timestamptz + step_ms * interval '1 millisecond' from req
    on conflict (key) do update
      set tat = greatest(rate_limits.tat, ${at}::timestamptz) + (excluded.tat - ${at}::timestamptz)
      where rate_limits.tat <= ${at}::timestamptz
        + (select r.slack_ms from req r where r.key = excluded.key) * interval '1 millisecond'
    returning key`.execute(db);
  const granted = new Set(result.rows.map((r) => r.key));
  const refused = claims.filter((c) => !granted.has(c.key)).map((c) => c.key);
  const tats =
    refused.length === 0
      ? new Map<string, number>()
      : new Map(
          (
            await db.selectFrom('rate_limits').select(['key', 'tat']).where('key', 'in', refused).execute()
          ).map((row) => [row.key, row.tat.getTime()]),
        );
  return claims.map((c) => {
    if (granted.has(c.key)) return { granted: true };
    const tat = tats.get(c.key) ?? now.getTime();
    return { granted: false, retryAfterMs: Math.max(1, Math.ceil(tat - c.slackMs - now.getTime())) };
  });
}
