// The daily cost alert: a cluster job (once a minute across the workers) sums each studio's orchestrator
// cost since the start of the UTC day and, past the studio's `orchestrator.dailyCostLimitUsd`, sends
// `alert.orchestrator_daily_cost` through the alert sink. Once per studio per day: the (studio, day) row in
// orchestrator_cost_alerts is claimed first (insert once), so two workers or later runs never repeat it.
import type { Logger } from '../observability/logger.ts';
import { sendAlert } from '../jobs/alert-job.ts';
import type { ScheduledJob } from '../jobs/scheduler.ts';
import type { Db } from '../persistence/database.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { OrchestratorEvent } from './outcomes.ts';
import { costSince } from './usage-store.ts';

export const DAILY_COST_ALERT = 'alert.orchestrator_daily_cost' satisfies OrchestratorEvent;

export interface CostAlertDeps {
  db: Db;
  logger: Logger;
  studios: () => readonly Studio[];
  alertWebhookUrl?: string | undefined;
}

async function claimAlert(
  db: Db,
  row: { studioId: string; day: string; cost: number; limit: number; now: Date },
) {
  const claimed = await db
    .insertInto('orchestrator_cost_alerts')
    .values({ studio_id: row.studioId, day: row.day, cost_usd: row.cost, limit_usd: row.limit, at: row.now })
    .onConflict((oc) => oc.columns(['studio_id', 'day']).doNothing())
    .returning('studio_id')
    .executeTakeFirst();
  return claimed !== undefined;
}

/** The studios alerted now (each at most once per UTC day). */
export async function checkDailyCosts(deps: CostAlertDeps, now: Date): Promise<string[]> {
  const day = now.toISOString().slice(0, 10);
  const startOfDay = new Date(`${day}T00:00:00.000Z`);
  const alerted: string[] = [];
  for (const studio of deps.studios()) {
    const limit = studio.orchestrator?.dailyCostLimitUsd;
    if (limit === undefined) continue;
    const cost = await costSince(deps.db, studio.id, startOfDay);
    if (cost <= limit) continue;
    if (!(await claimAlert(deps.db, { studioId: studio.id, day, cost, limit, now }))) continue;
    await sendAlert(
      { db: deps.db, logger: deps.logger, webhookUrl: deps.alertWebhookUrl },
      {
        eventType: DAILY_COST_ALERT,
        message: `${studio.name}'s orchestrator cost today (UTC) is $${cost.toFixed(4)}, past its daily limit of $${limit.toFixed(2)}`,
        observation: { studioId: studio.id, day, costUsd: cost, limitUsd: limit },
      },
      now,
    );
    alerted.push(studio.id);
  }
  return alerted;
}

export function orchestratorCostJob(deps: CostAlertDeps & { everyMs?: number }): ScheduledJob {
  return {
    name: 'orchestrator-cost',
    everyMs: deps.everyMs ?? 60_000,
    scope: 'cluster',
    run: async ({ now }) => ({ alerted: await checkDailyCosts(deps, now) }),
  };
}
