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
  /**
   * The row was claimed before and its lease ran out with nothing recorded: the relay that held it died
   * (or hung) during the call, so whether the provider acted is unknown.
   */
  abandoned: boolean;
}

export async function claimDueRows(db: Db, now: Date, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  const lease = new Date(now.getTime() + leaseMs);
  // One statement (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING): the relay claims
  // after every commit that wrote outbox rows, and a transaction of its own (BEGIN, SELECT, UPDATE, COMMIT)
  // was four round trips per claim (docs/performance.md).
  // The status before the claim comes back as `prior` (RETURNING sees only the new row): a row that was
  // already running was abandoned by a relay that never recorded its call.
  const rows = await db
    .updateTable('outbox as u')
    .from((eb) =>
      eb
        .selectFrom('outbox as o')
        .select(['o.id', 'o.status as prior'])
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
        .skipLocked()
        .as('c'),
    )
    .set({ status: 'running', locked_until: lease })
    .whereRef('u.id', '=', 'c.id')
    .returningAll('u')
    .returning('c.prior')
    .execute();
  // RETURNING comes in no particular order: keep the claim's (due first, then by seq).
  rows.sort(
    (a, b) => a.next_attempt_at.getTime() - b.next_attempt_at.getTime() || Number(a.seq) - Number(b.seq),
  );
  return rows.map(({ prior, ...row }) => ({
    row,
    lease,
    abandoned: prior === 'running' && row.result === null,
  }));
}

export async function outboxBacklog(db: Db): Promise<number> {
  const { count } = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirstOrThrow();
  return Number(count);
}
