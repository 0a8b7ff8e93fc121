// Reading the channel health checks: one row per configured SMS number for GET /admin/health/channels,
// and the readiness check (`degraded`, naming each channel whose latest finished probe failed).
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { ReconcileNumber } from './history.ts';

export interface ChannelHealth {
  studioId: string;
  channel: 'sms';
  provider: string;
  number: string;
  /** The latest finished probe (null: none yet). */
  lastCheckAt: string | null;
  /** Its outcome (null: no finished probe yet). */
  ok: boolean | null;
  error: string | null;
  checks24h: number;
  /** Successful ÷ finished probes of the last 24 hours (null: none). */
  successRate24h: number | null;
}

export async function channelHealth(
  db: Db,
  numbers: readonly ReconcileNumber[],
  now: Date,
): Promise<ChannelHealth[]> {
  if (numbers.length === 0) return [];
  const list = numbers.map((n) => n.number);
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const [latest, counts] = await Promise.all([
    db
      .selectFrom('channel_health_checks')
      .distinctOn('number')
      .select(['number', 'sent_at', 'ok', 'error'])
      .where('number', 'in', list)
      .where('ok', 'is not', null)
      .orderBy('number')
      .orderBy('sent_at', 'desc')
      .execute(),
    db
      .selectFrom('channel_health_checks')
      .select([
        'number',
        sql<string>`count(*) filter (where ok is not null)`.as('checks'),
        sql<string>`count(*) filter (where ok)`.as('successes'),
      ])
      .where('number', 'in', list)
      .where('sent_at', '>=', since)
      .groupBy('number')
      .execute(),
  ]);
  const last = new Map(latest.map((r) => [r.number, r]));
  const count = new Map(counts.map((r) => [r.number, r]));
  return numbers.map((n) => {
    const l = last.get(n.number);
    const checks = Number(count.get(n.number)?.checks ?? 0);
    const successes = Number(count.get(n.number)?.successes ?? 0);
    return {
      studioId: n.studioId,
      channel: 'sms',
      provider: n.provider,
      number: n.number,
      lastCheckAt: l ? l.sent_at.toISOString() : null,
      ok: l ? l.ok : null,
      error: l?.error ?? null,
      checks24h: checks,
      successRate24h: checks === 0 ? null : Math.round((successes / checks) * 10_000) / 10_000,
    };
  });
}

/**
 * Readiness: `degraded` while a channel's latest finished probe failed (traffic is still accepted).
 * `numbers` are the probed ones (probedNumbers): a sandbox number's old checks, from before its
 * credentials were removed, say nothing about it now.
 */
export function channelReadinessCheck(db: Db, numbers: () => readonly ReconcileNumber[]) {
  return async (): Promise<{ status: 'ok' | 'degraded'; detail?: unknown }> => {
    const health = await channelHealth(db, numbers(), new Date());
    const failing = health
      .filter((h) => h.ok === false)
      .map((h) => ({
        studioId: h.studioId,
        channel: h.channel,
        number: h.number,
        lastCheckAt: h.lastCheckAt,
        error: h.error,
      }));
    return failing.length === 0 ? { status: 'ok' } : { status: 'degraded', detail: { failing } };
  };
}
