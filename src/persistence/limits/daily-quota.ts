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

/**
 * Takes one unit of the day's quota: the units used including this one, or null when `limit` are already
 * used. ONE statement: the day's row is inserted with `used = 1`, or, when it exists, updated by the
 * conditional `used = used + 1 WHERE used < limit`. Row locking serialises concurrent claimers, and each
 * re-checks the condition on the row as the previous one committed it, so no interleaving exceeds `limit`.
 * Inside a caller's transaction the unit is given back if that transaction rolls back.
 */
export async function claimDailyQuota(db: Db | Tx, key: QuotaKey, limit: number): Promise<number | null> {
  if (limit < 1) return null;
  const result = await sql<{ used: number }>`
    insert into send_quotas (studio_id, channel, sender, day, used)
    values (${key.studioId}, ${key.channel}, ${key.sender}, ${key.day}::date, 1)
    on conflict (studio_id, channel, sender, day) do update set used = send_quotas.used + 1
      where send_quotas.used < ${limit}
    returning used`.execute(db);
  return result.rows[0]?.used ?? null;
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
