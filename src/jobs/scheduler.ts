// Periodic jobs. A `cluster` job runs exactly once per period across all workers: a run is claimed by
// inserting (job, period_start) into job_runs, and the primary key lets only one insert win. A `node` job
// runs on every worker each period (work that is local to a node, such as its own partitions' retries).
// A worker that dies mid-run loses that period's run; the next period runs again (jobs are idempotent).
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../persistence/database.ts';

export interface JobContext {
  now: Date;
  periodStart: Date;
}

export interface ScheduledJob {
  name: string;
  everyMs: number;
  scope: 'cluster' | 'node';
  /** May return a small JSON summary, stored in job_runs.result. */
  run(context: JobContext): Promise<Record<string, unknown> | undefined>;
}

export interface SchedulerDeps {
  db: Db;
  jobs: readonly ScheduledJob[];
  workerId: string;
  logger: Logger;
  metrics?: Metrics;
  /** How often due jobs are looked for (default 500 ms). */
  tickMs?: number;
  clock?: () => Date;
}

export interface Scheduler {
  start(): void;
  /** Stop ticking and wait for runs in progress. */
  stop(): Promise<void>;
  /** Run every job whose period has not been claimed yet; returns the names this node ran. */
  tick(now?: Date): Promise<string[]>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const clock = deps.clock ?? (() => new Date());
  const lastPeriod = new Map<string, number>();
  const running = new Map<string, Promise<boolean>>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> = Promise.resolve();

  async function claim(job: ScheduledJob, periodStart: Date): Promise<boolean> {
    if (job.scope === 'node') return true;
    const inserted = await deps.db
      .insertInto('job_runs')
      .values({ job: job.name, period_start: periodStart, worker_id: deps.workerId, started_at: clock() })
      .onConflict((oc) => oc.doNothing())
      .returning('job')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async function finish(job: ScheduledJob, periodStart: Date, outcome: 'ok' | 'failed', extra: object) {
    deps.metrics?.schedulerRuns.inc({ job: job.name, outcome });
    if (job.scope === 'node') return;
    await deps.db
      .updateTable('job_runs')
      .set({ finished_at: clock(), outcome, ...extra })
      .where('job', '=', job.name)
      .where('period_start', '=', periodStart)
      .execute();
  }

  async function runOnce(job: ScheduledJob, now: Date, periodStart: Date): Promise<boolean> {
    if (!(await claim(job, periodStart))) return false;
    try {
      const result = await job.run({ now, periodStart });
      await finish(job, periodStart, 'ok', { result: result ?? null });
    } catch (error) {
      deps.logger.error({ err: error, job: job.name }, 'scheduled job failed');
      await finish(job, periodStart, 'failed', { error: errorText(error) });
    }
    return true;
  }

  async function tick(now = clock()): Promise<string[]> {
    const started: Promise<string | undefined>[] = [];
    for (const job of deps.jobs) {
      const period = Math.floor(now.getTime() / job.everyMs) * job.everyMs;
      // One attempt per period per node, and never two overlapping runs of one job on a node.
      if (lastPeriod.get(job.name) === period || running.has(job.name)) continue;
      lastPeriod.set(job.name, period);
      const run = runOnce(job, now, new Date(period)).catch((error: unknown) => {
        deps.logger.warn({ err: error, job: job.name }, 'could not claim a scheduled job run');
        return false;
      });
      running.set(job.name, run);
      started.push(
        run.then((ran) => {
          running.delete(job.name);
          return ran ? job.name : undefined;
        }),
      );
    }
    return (await Promise.all(started)).filter((name) => name !== undefined);
  }

  return {
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        ticking = tick();
      }, deps.tickMs ?? 500);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await ticking.catch(() => undefined);
      await Promise.all(running.values());
    },
  };
}
