// The funnel's figures from the history of status changes, against the real database: leads are written
// the way the actor host writes them (an insert, then updates of status with updated_at from the clock),
// and the trigger's history gives exact reach per step, medians of finished stays and stuck leads.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversion, funnelFigures } from '../../src/console/funnel-queries.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testIso } from '../helpers/test-clock.ts';

const t0 = new Date(testIso('2026-03-02T09:00:00Z')).getTime();
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

describe('funnel figures', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function walk(id: string, path: readonly [string, number][]): Promise<void> {
    const [[first, start], ...rest] = path as [[string, number], ...[string, number][]];
    await t.db
      .insertInto('leads')
      .values({
        id,
        studio_id: 'inkwell',
        phone: `+4477009${id.replace(/\D/g, '').padStart(5, '0')}`,
        name: id,
        status: first,
        step: null,
        answers: {},
        snapshot: '{}',
        machine_id: 'lead',
        machine_version: 1,
        version: 1,
        created_at: at(start),
        updated_at: at(start),
      })
      .execute();
    for (const [status, minute] of rest) {
      // A write that leaves the status alone (a message within the step) records nothing.
      await t.db
        .updateTable('leads')
        .set({ updated_at: at(minute - 0.5) })
        .where('id', '=', id)
        .execute();
      await t.db
        .updateTable('leads')
        .set({ status, updated_at: at(minute) })
        .where('id', '=', id)
        .execute();
    }
  }

  it('reach per step, conversion, medians of finished stays and stuck leads are exact', async () => {
    await walk('ld_1', [
      ['QUALIFYING', 0],
      ['PENDING_APPROVAL', 10],
      ['AWAITING_DEPOSIT', 70],
      ['BOOKING', 100],
      ['BOOKED', 101],
    ]);
    await walk('ld_2', [
      ['QUALIFYING', 0],
      ['PENDING_APPROVAL', 20],
      ['REJECTED', 50],
    ]);
    await walk('ld_3', [
      ['QUALIFYING', 0],
      ['NEEDS_HUMAN', 30],
      ['QUALIFYING', 40],
      ['PENDING_APPROVAL', 60],
    ]);
    await walk('ld_4', [['QUALIFYING', 0]]);
    await walk('ld_5', [
      ['NEW', 0],
      ['QUALIFYING', 5],
      ['OPTED_OUT', 6],
    ]);

    const now = at(60 * 30); // 30 hours in
    const figures = await funnelFigures(t.db, now, 24 * 3_600_000);
    expect(figures.steps.map((s) => [s.step, s.reached])).toEqual([
      ['NEW', 5],
      ['QUALIFYING', 5],
      ['PENDING_APPROVAL', 3],
      ['AWAITING_DEPOSIT', 1],
      ['BOOKING', 1],
      ['BOOKED', 1],
    ]);
    expect(figures.steps[2]?.rate).toBeCloseTo(3 / 5);
    expect(figures.steps[3]?.rate).toBeCloseTo(1 / 3);
    expect(figures.steps[0]?.rate).toBeNull();

    const stay = (s: string) => figures.stays.find((x) => x.status === s);
    // QUALIFYING stays that ended: 10, 20, 30, 20 (ld_3's second), 1 (ld_5) minutes; ld_4's is ongoing.
    expect(stay('QUALIFYING')).toEqual({
      status: 'QUALIFYING',
      current: 1,
      finished: 5,
      medianMs: 20 * 60_000,
    });
    // PENDING_APPROVAL: 60 (ld_1) and 30 (ld_2) minutes; ld_3 is still pending.
    expect(stay('PENDING_APPROVAL')).toEqual({
      status: 'PENDING_APPROVAL',
      current: 1,
      finished: 2,
      medianMs: 45 * 60_000,
    });
    expect(stay('NEEDS_HUMAN')?.medianMs).toBe(10 * 60_000);
    expect(stay('BOOKED')).toEqual({ status: 'BOOKED', current: 1, finished: 0, medianMs: null });

    // Stuck: in a moving status for more than 24 h by the time of entry, not of the last write.
    await t.db
      .updateTable('leads')
      .set({ updated_at: at(60 * 29) })
      .where('id', '=', 'ld_4')
      .execute();
    const stuck = (await funnelFigures(t.db, now, 24 * 3_600_000)).stuck;
    expect(stuck.map((s) => [s.id, s.status, s.since.toISOString()])).toEqual([
      ['ld_4', 'QUALIFYING', at(0).toISOString()],
      ['ld_3', 'PENDING_APPROVAL', at(60).toISOString()],
    ]);
    expect((await funnelFigures(t.db, at(60 * 24 + 30), 24 * 3_600_000)).stuck.map((s) => s.id)).toEqual([
      'ld_4',
    ]);
  });

  it('a lead that existed before the history counts by its status, its first stay unmeasured', async () => {
    await sql`insert into lead_status_changes (lead_id, studio_id, from_status, to_status, at, backfilled)
      values ('ld_old', 'inkwell', null, 'REJECTED', ${at(0)}, true),
             ('ld_old', 'inkwell', 'REJECTED', 'QUALIFYING', ${at(5)}, false)`.execute(t.db);
    const figures = await funnelFigures(t.db, at(10), 24 * 3_600_000);
    expect(figures.steps.find((s) => s.step === 'PENDING_APPROVAL')?.reached).toBe(4);
    // ld_old's REJECTED stay ended but its start is unknown; ld_2 is still REJECTED: nothing to measure.
    expect(figures.stays.find((s) => s.status === 'REJECTED')).toEqual({
      status: 'REJECTED',
      current: 1,
      finished: 0,
      medianMs: null,
    });
  });

  it('conversion is pure arithmetic over "got this far" counts', () => {
    const steps = conversion(
      new Map([
        [0, 2],
        [2, 2],
      ]),
    );
    expect(steps.map((s) => s.reached)).toEqual([4, 2, 2, 0, 0, 0]);
    expect(steps.map((s) => s.rate)).toEqual([null, 0.5, 1, 0, null, null]);
  });
});
