// Claiming work from the outbox. Only the OLDEST unfinished row of a lead is eligible, so a lead's second
// message never overtakes its first, even across relays; `FOR UPDATE SKIP LOCKED` lets several relays
// claim side by side without blocking; the lease (`locked_until`) hands a row back if its relay dies.
import { sql, type RawBuilder } from 'kysely';
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

/**
 * How many due rows, in claim order, a claim looks at for every row it may take. A row is taken only when it
 * is its lead's oldest unfinished row; the window bounds the work per claim whatever the backlog (see
 * below), and a window holding only later rows of running leads claims less this time, not wrongly.
 */
const WINDOW_PER_ROW = 8;

type ClaimedOutboxRow = OutboxRow & { prior: OutboxRow['status'] };

/** The claim as one statement (exported for the test that reads its plan). */
export function claimStatement(now: Date, limit: number, lease: Date): RawBuilder<ClaimedOutboxRow> {
  // One statement: the relay claims after every commit that wrote outbox rows, and a transaction of its
  // own (BEGIN, SELECT, UPDATE, COMMIT) was four round trips per claim (docs/performance.md).
  // Shaped so that its cost follows the claim, not the backlog, whatever the planner's statistics say (a
  // burst grows the table faster than autovacuum analyses it): `due` takes the first rows in claim order
  // from the partial due index (migration 0021) and is MATERIALIZED, so the per-row check below runs on
  // those rows only; "its lead's oldest unfinished row" is one probe of the partial per-lead index (the
  // first unfinished seq, LIMIT 1). As a NOT EXISTS over the whole unfinished set, a stale plan checked
  // every unfinished row on every claim: 1.1 s per claim at 6,000 pending rows, so a backlog made the
  // relay slower, which grew the backlog ("The claim that grew with its backlog").
  // The status before the claim comes back as `prior` (RETURNING sees only the new row): a row that was
  // already running was abandoned by a relay that never recorded its call.
  const window = limit * WINDOW_PER_ROW;
  return sql<ClaimedOutboxRow>`
    with due as materialized (
      select id, lead_id, seq, next_attempt_at from outbox
      where status in ('pending', 'running') and next_attempt_at <= ${now}
        and (locked_until is null or locked_until < ${now})
      order by next_attempt_at, seq
      limit ${window}
    ), claim as (
      -- due's conditions again on the row itself: a row another relay claimed or finished meanwhile is
      -- re-read once locked, and skipped.
      select o.id, o.status as prior from due d join outbox o on o.id = d.id
      where o.status in ('pending', 'running') and (o.locked_until is null or o.locked_until < ${now})
        and d.seq = (select p.seq from outbox p
          where p.lead_id = d.lead_id and p.status in ('pending', 'running') order by p.seq limit 1)
      order by d.next_attempt_at, d.seq
      limit ${limit}
      for update of o skip locked
    )
    update outbox u set status = 'running', locked_until = ${lease}
    from claim c where u.id = c.id
    returning u.*, c.prior`;
}

export async function claimDueRows(db: Db, now: Date, limit: number, leaseMs: number): Promise<ClaimedRow[]> {
  const lease = new Date(now.getTime() + leaseMs);
  const { rows } = await claimStatement(now, limit, lease).execute(db);
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
