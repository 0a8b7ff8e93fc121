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
  // One statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING): the relay claims
  // after every commit that wrote outbox rows, and a transaction of its own (BEGIN, SELECT, UPDATE, COMMIT)
  // was four round trips per claim (docs/performance.md).
  const rows = await db
    .updateTable('outbox')
    .set({ status: 'running', locked_until: lease })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox as o')
        .select('o.id')
        .where('o.status', 'in', ['pending', 'running'])
        .where('o.next_attempt_at', '<=', now)
        .where((w) => w.or([w('o.locked_until', 'is', null), w('o.locked_until', '<', now)]))
        .where((w) =>
          w.not(
            w.exists(
              w
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
        .skipLocked(),
    )
    .returningAll()
    .execute();
  // RETURNING comes in no particular order: keep the claim's (due first, then by seq).
  rows.sort(
    (a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || Number(a.seq) - Number(b.seq),
  );
  return rows.map((row) => ({ row, lease }));
}

export async function outboxBacklog(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirstOrThrow();
  return Number(count);
}
