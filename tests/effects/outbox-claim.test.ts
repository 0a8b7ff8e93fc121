// The relay's claim: only a lead's oldest unfinished row is taken, and the work of one claim follows the
// claim, not the backlog (a burst grows the outbox faster than autovacuum analyses it; the claim must not
// get slower as the backlog grows, or the backlog grows faster). Real PostgreSQL; the cost is read from the
// statement's plan (rows visited), not timed.
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueRows, claimStatement } from '../../src/effects/outbox-claim.ts';
import type { Db } from '../../src/persistence/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { executedPlan, planNodes } from '../helpers/executed-plan.ts';

async function insertRows(db: Db, leads: number, perLead: number): Promise<void> {
  await db.executeQuery(
    CompiledQuery.raw(
      `insert into outbox (id, lead_id, kind, payload, next_attempt_at)
       select gen_random_uuid(), 'ld_' || l, 'effect.message.send', '{}'::jsonb, now() - interval '1 minute'
       from generate_series(1, $1::int) l, generate_series(1, $2::int) n order by n, l`,
      [leads, perLead],
    ),
  );
}

describe('outbox claim', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it("takes each lead's oldest unfinished row only, never a later one while an earlier is running", async () => {
    await insertRows(t.db, 3, 2);
    const first = await claimDueRows(t.db, new Date(), 10, 60_000);
    expect(first.map((c) => c.row.lead_id).sort()).toEqual(['ld_1', 'ld_2', 'ld_3']);
    // Their second rows wait for the first ones, which are running (leased).
    expect(await claimDueRows(t.db, new Date(), 10, 60_000)).toEqual([]);
    await t.db
      .updateTable('outbox')
      .set({ status: 'done', locked_until: null })
      .where('id', '=', first[0]!.row.id)
      .execute();
    const next = await claimDueRows(t.db, new Date(), 10, 60_000);
    expect(next.map((c) => c.row.lead_id)).toEqual([first[0]!.row.lead_id]);
    expect(Number(next[0]!.row.seq)).toBeGreaterThan(Number(first[0]!.row.seq));
    await t.db.deleteFrom('outbox').execute();
  });

  it('checks a bounded window of due rows, however large the backlog (statistics never analysed)', async () => {
    // 4,000 leads with two rows each, inserted in one burst: 8,000 unfinished rows.
    await insertRows(t.db, 4_000, 2);
    const limit = 16;
    const now = new Date();
    const plan = await executedPlan(t.db, claimStatement(now, limit, new Date(now.getTime() + 60_000)));
    // Every probe of a lead's other rows (alias p) runs once per candidate: at most the window, where a
    // check over the whole unfinished set would run once per unfinished row.
    const probes = planNodes(plan).filter((n) => n.Alias === 'p');
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of probes) expect(probe['Actual Loops'] ?? 0).toBeLessThanOrEqual(limit * 8);
    const claimed = await claimDueRows(t.db, new Date(), limit, 60_000);
    expect(claimed).toHaveLength(limit);
    expect(new Set(claimed.map((c) => c.row.lead_id)).size).toBe(limit);
  });
});
