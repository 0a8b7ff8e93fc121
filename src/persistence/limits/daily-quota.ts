// The daily send quota per (studio, channel, sender), claimed atomically for the whole cluster. One row per
// studio-local day: `used` only grows, and tomorrow is simply another row, so the quota "resets" without a
// TTL or an expiry that could race an increment (what lost the old outreach tool its quotas under load).
import { sql } from 'kysely';
import type { Db, Tx } from '../database.ts';

export interface QuotaKey {
  studioId: string;
  channel: string;
  /** The sending identity: a WhatsApp phoneNumberId or an SMS number. */
  sender: string;
  /** The studio-local day, YYYY-MM-DD (src/domain/local-time.ts). */
  day: string;
}

export interface QuotaGrant {
  /** Units taken: `units`, fewer when the quota ran out on them, 0 when it was used up already. */
  granted: number;
  /** Units used of the day including these; null when nothing was granted. */
  used: number | null;
}

/**
 * Takes up to `units` of the day's quota (a campaign run's batch of targets). ONE statement: the day's row
 * is inserted with `used = min(units, limit)`, or, when it exists, updated by the conditional
 * `used = used + least(units, limit - used) WHERE used < limit`. Row locking serialises concurrent
 * claimers, and each re-computes its grant on the row as the previous one committed it, so no interleaving
 * exceeds `limit` and the grants add up to min(demand, limit). `last_grant` carries this claim's grant out
 * through RETURNING (it is set from the same old row as `used`). Inside a caller's transaction the units
 * are given back if that transaction rolls back.
 */
export async function claimDailyQuotaUnits(
  db: Db | Tx,
  key: QuotaKey,
  limit: number,
  units: number,
): Promise<QuotaGrant> {
  if (limit < 1 || units < 1) return { granted: 0, used: null };
  const result = await sql<{ used: number; last_grant: number }>`
    insert into send_quotas (studio_id, channel, sender, day, used, last_grant)
    values (${key.studioId}, ${key.channel}, ${key.sender}, ${key.day}::date,
      least(${units}::int, ${limit}::int), least(${units}::int, ${limit}::int))
    on conflict (studio_id, channel, sender, day) do update
      set used = send_quotas.used + least(${units}::int, ${limit}::int - send_quotas.used),
        last_grant = least(${units}::int, ${limit}::int - send_quotas.used)
      where send_quotas.used < ${limit}
    returning used, last_grant`.execute(db);
  const row = result.rows[0];
  return row ? { granted: row.last_grant, used: row.used } : { granted: 0, used: null };
}

/** One unit (claimDailyQuotaUnits with 1): the units used including this one, or null when none is left. */
export async function claimDailyQuota(db: Db | Tx, key: QuotaKey, limit: number): Promise<number | null> {
  const grant = await claimDailyQuotaUnits(db, key, limit, 1);
  return grant.granted === 1 ? grant.used : null;
}

/** Units used on a day (0 when nothing was claimed). */
export async function quotaUsed(db: Db | Tx, key: QuotaKey): Promise<number> {
  const row = await db
    .selectFrom('send_quotas')
    .select('used')
    .where('studio_id', '=', key.studioId)
    .where('channel', '=', key.channel)
    .where('sender', '=', key.sender)
    .where(sql<boolean>`day = ${key.day}::date`)
    .executeTakeFirst();
  return row?.used ?? 0;
}
