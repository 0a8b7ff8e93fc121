// The daily reconciliation job: nothing before LEADLINE_RECONCILE_AT (UTC), one run for the day at or after
// it however often the cluster job ticks, again the next day; a number another run is working is left out.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reconcileScheduleJob } from '../../src/reconciliation/reconcile-job.ts';
import { createRun } from '../../src/reconciliation/run-store.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testIso } from '../helpers/test-clock.ts';
import { numbers } from './reconcile-harness.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

it('starts one scheduled run a day at LEADLINE_RECONCILE_AT, over the numbers no run is working', async () => {
  let woken = 0;
  const job = reconcileScheduleJob({
    db: t.db,
    at: '02:00',
    numbers: () => numbers,
    onRunCreated: () => woken++,
  });
  const tick = (iso: string) => {
    const now = new Date(testIso(iso));
    return job.run({ now, periodStart: now });
  };
  expect(job.scope).toBe('cluster');
  expect(await tick('2026-03-02T01:59:00Z')).toMatchObject({ started: false });
  // Someone is reconciling the OpenPhone number by hand.
  await createRun(t.db, {
    trigger: 'manual',
    hoursBack: 1,
    numbers: numbers.slice(1),
    now: new Date(testIso('2026-03-02T01:59:30Z')),
  });
  expect(await tick('2026-03-02T02:00:00Z')).toMatchObject({
    started: true,
    skippedBusy: [numbers[1]?.number],
  });
  expect(await tick('2026-03-02T02:01:00Z')).toMatchObject({ started: false });
  expect(await tick('2026-03-02T23:59:00Z')).toMatchObject({ started: false });
  const runs = await t.db
    .selectFrom('reconciliation_runs')
    .select(['trigger', 'hours_back', 'schedule_day'])
    .where('trigger', '=', 'schedule')
    .execute();
  expect(runs).toEqual([
    { trigger: 'schedule', hours_back: 48, schedule_day: testIso('2026-03-02T02:00:00Z').slice(0, 10) },
  ]);
  const scheduledNumbers = await t.db
    .selectFrom('reconciliation_run_numbers as n')
    .innerJoin('reconciliation_runs as r', 'r.id', 'n.run_id')
    .select('n.number')
    .where('r.trigger', '=', 'schedule')
    .execute();
  expect(scheduledNumbers.map((n) => n.number)).toEqual([numbers[0]?.number]);
  expect(woken).toBe(1);
  expect(await tick('2026-03-03T02:00:00Z')).toMatchObject({ started: false }); // Twilio's run is still running
});
