import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { createScheduler, type ScheduledJob } from '../../src/jobs/scheduler.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

describe('scheduler', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('two schedulers on one database run each cluster job once per period', async () => {
    const runs: { job: string; worker: string; period: number }[] = [];
    const jobsFor = (worker: string): ScheduledJob[] =>
      ['fast', 'slow'].map((name) => ({
        name: `${name}-${t.url.slice(-6)}`,
        everyMs: name === 'fast' ? 1_000 : 3_000,
        scope: 'cluster' as const,
        run: async ({ periodStart }) => {
          runs.push({ job: name, worker, period: periodStart.getTime() });
          await new Promise((r) => setTimeout(r, 5));
          return { worker };
        },
      }));
    const metrics = new Metrics();
    const a = createScheduler({ db: t.db, jobs: jobsFor('a'), workerId: 'a', logger: silentLogger, metrics });
    const b = createScheduler({ db: t.db, jobs: jobsFor('b'), workerId: 'b', logger: silentLogger, metrics });

    const base = Date.UTC(2026, 0, 1, 0, 0, 0);
    // Both nodes tick concurrently, several times within each second, for 9 seconds.
    for (let ms = 0; ms < 9_000; ms += 250) {
      await Promise.all([a.tick(new Date(base + ms)), b.tick(new Date(base + ms + 10))]);
    }
    const fast = runs.filter((r) => r.job === 'fast');
    const slow = runs.filter((r) => r.job === 'slow');
    expect(fast).toHaveLength(9);
    expect(new Set(fast.map((r) => r.period)).size).toBe(9);
    expect(slow).toHaveLength(3);
    expect(new Set(slow.map((r) => r.period)).size).toBe(3);

    const rows = await t.db.selectFrom('job_runs').selectAll().execute();
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.outcome === 'ok' && r.finished_at !== null)).toBe(true);
    const counted = await metrics.registry.getSingleMetricAsString('leadline_scheduler_runs_total');
    expect(counted).toMatch(/outcome="ok"\} 9/);
  });

  it('node-scoped jobs run on every node; a failing run is recorded and the next period runs again', async () => {
    let nodeRuns = 0;
    let attempts = 0;
    const jobs: ScheduledJob[] = [
      {
        name: 'node-local',
        everyMs: 1_000,
        scope: 'node',
        run: () => {
          nodeRuns++;
          return Promise.resolve(undefined);
        },
      },
      {
        name: 'flaky',
        everyMs: 1_000,
        scope: 'cluster',
        run: () => {
          attempts++;
          if (attempts === 1) return Promise.reject(new Error('boom'));
          return Promise.resolve(undefined);
        },
      },
    ];
    const a = createScheduler({ db: t.db, jobs, workerId: 'a', logger: silentLogger });
    const b = createScheduler({ db: t.db, jobs, workerId: 'b', logger: silentLogger });
    const base = Date.UTC(2026, 0, 2);
    for (const ms of [0, 500, 1_000, 1_500]) {
      await Promise.all([a.tick(new Date(base + ms)), b.tick(new Date(base + ms))]);
    }
    expect(nodeRuns).toBe(4);
    expect(attempts).toBe(2);
    const flaky = await t.db
      .selectFrom('job_runs')
      .select(['outcome', 'error'])
      .where('job', '=', 'flaky')
      .orderBy('period_start')
      .execute();
    expect(flaky).toEqual([
      { outcome: 'failed', error: 'boom' },
      { outcome: 'ok', error: null },
    ]);
  });

  it('start() runs jobs on its own timer and stop() waits for the run in progress', async () => {
    let finished = 0;
    const s = createScheduler({
      db: t.db,
      jobs: [
        {
          name: 'timed',
          everyMs: 100,
          scope: 'cluster',
          run: async () => {
            await new Promise((r) => setTimeout(r, 30));
            finished++;
            return undefined;
          },
        },
      ],
      workerId: 'solo',
      logger: silentLogger,
      tickMs: 20,
    });
    s.start();
    const deadline = Date.now() + 5_000;
    while (finished < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await s.stop();
    const after = finished;
    const started = await t.db.selectFrom('job_runs').select('outcome').where('job', '=', 'timed').execute();
    expect(after).toBeGreaterThanOrEqual(2);
    expect(started.every((r) => r.outcome === 'ok')).toBe(true);
  });
});
