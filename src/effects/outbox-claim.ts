// Claiming work from the outbox. Only the OLDEST unfinished row of a lead is eligible, so a lead's second
// message never overtakes its first, even across relays; `FOR UPDATE SKIP LOCKED` lets several relays
// claim side by side without blocking; the lease (`locked_until`) hands a row back if its relay dies.
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { OutboxRow } from '../persistence/schema.ts';

export interface ClaimedRow {
  row: OutboxRow;
  /** The lease this relay holds; completion only counts while it still matches. */
  lease: Date;
}

export async function claimDueRows(db: Db, now: Date, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  const lease = new Date(now.getTime() + leaseMs);
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('outbox as o')
      .selectAll('o')
      .where('o.status', 'in', ['pending', 'running'])
      .where('o.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('o.locked_until', 'is', null), eb('o.locked_until', '<', now)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('outbox as p')
              .select(sql.lit(1).as('one'))
              .whereRef('p.lead_id', '=', 'o.lead_id')
              .whereRef('p.seq', '<', 'o.seq')
              .where('p.status', 'in', ['pending', 'running']),
          ),
        ),
      )
      .orderBy('o.next_attempt_at')
      .orderBy('o.seq')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return [];
    await tx
      .updateTable('outbox')
      .set({ status: 'running', locked_until: lease })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((row) => ({ row: { ...row, status: 'running' as const, locked_until: lease }, lease }));
  });
}

export async function outboxBacklog(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirstOrThrow();
  return Number(count);
}
