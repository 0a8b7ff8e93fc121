// A cluster-wide circuit breaker: one row per provider (`circuit_breakers`), so every relay of the cluster
// sees the same consecutive failures, the same open circuit and the same single trial call. Each decision
// is one conditional statement (no read-then-write race); every time is the caller's clock, never the
// database's.
//
//   closed     open_until is null; `failures` counts consecutive retryable failures (any relay's)
//   open       now < open_until: calls wait until open_until
//   half-open  open_until <= now: the first relay to claim `trial_until` makes the one trial call; the
//              others wait until the trial's deadline (a trial whose relay died is retried after it)
import { sql } from 'kysely';
import type { Db } from '../database.ts';

export interface BreakerRule {
  /** Consecutive retryable failures that open the circuit. */
  threshold: number;
  /** How long an open circuit stays open, and how long one trial call may take. */
  cooldownMs: number;
}

export interface BreakerRow {
  failures: number;
  openUntil: Date | null;
  trialUntil: Date | null;
}

const closed: BreakerRow = { failures: 0, openUntil: null, trialUntil: null };

function rowOf(row: { failures: number; open_until: Date | null; trial_until: Date | null } | undefined) {
  return row ? { failures: row.failures, openUntil: row.open_until, trialUntil: row.trial_until } : closed;
}

export async function readBreaker(db: Db, provider: string): Promise<BreakerRow> {
  const row = await db
    .selectFrom('circuit_breakers')
    .select(['failures', 'open_until', 'trial_until'])
    .where('provider', '=', provider)
    .executeTakeFirst();
  return rowOf(row);
}

/**
 * The circuit's cooldown has passed: try to become the one trial call. Returns null when this caller holds
 * the trial (go ahead), otherwise the time to try again.
 */
export async function claimTrial(
  db: Db,
  provider: string,
  rule: BreakerRule,
  now: Date,
): Promise<Date | null> {
  const at = now.toISOString();
  const claimed = await sql<{ provider: string }>`
    update circuit_breakers
       set trial_until = ${at}::timestamptz + ${rule.cooldownMs} * interval '1 millisecond'
     where provider = ${provider}
       and open_until <= ${at}::timestamptz
       and (trial_until is null or trial_until <= ${at}::timestamptz)
    returning provider`.execute(db);
  if (claimed.rows.length === 1) return null;
  const row = await readBreaker(db, provider);
  if (row.openUntil === null) return null; // closed meanwhile by another relay's success
  const until = [row.openUntil, row.trialUntil].filter((d): d is Date => d !== null);
  const latest = Math.max(...until.map((d) => d.getTime()));
  return latest > now.getTime() ? new Date(latest) : new Date(now.getTime() + rule.cooldownMs);
}

/** A retryable failure: one more consecutive failure; the threshold (or a failed trial) opens the circuit. */
export async function recordBreakerFailure(
  db: Db,
  provider: string,
  rule: BreakerRule,
  now: Date,
): Promise<BreakerRow> {
  const at = now.toISOString();
  const reopen = sql`${at}::timestamptz + ${rule.cooldownMs} * interval '1 millisecond'`;
  const result = await sql<{ failures: number; open_until: Date | null; trial_until: Date | null }>`
    insert into circuit_breakers (provider, failures, open_until)
    values (${provider}, 1, case when 1 >= ${rule.threshold} then ${reopen} end)
    on conflict (provider) do update
       set failures = circuit_breakers.failures + 1,
           open_until = case
             when circuit_breakers.open_until is not null
               or circuit_breakers.failures + 1 >= ${rule.threshold} then ${reopen}
           end,
           trial_until = null
    returning failures, open_until, trial_until`.execute(db);
  return rowOf(result.rows[0]);
}

/** The provider answered: the circuit closes and the failure count starts again. */
export async function recordBreakerSuccess(db: Db, provider: string): Promise<void> {
  await db
    .updateTable('circuit_breakers')
    .set({ failures: 0, open_until: null, trial_until: null })
    .where('provider', '=', provider)
    .where((eb) => eb.or([eb('failures', '>', 0), eb('open_until', 'is not', null)]))
    .execute();
}
