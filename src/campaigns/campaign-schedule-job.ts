// Daily campaigns (`schedule: {daily: "10:00"}`, studio-local): a cluster job of the scheduler (one run per
// period across the workers) looks every minute for campaigns whose local time has come today and starts
// their run. The run itself is unique per (campaign, day) in the database, so a late tick, a second
// scheduler or a restart never makes a second one.
import { localReading, minutesOf } from '../domain/local-time.ts';
import type { Db } from '../persistence/database.ts';
import type { ScheduledJob } from '../jobs/scheduler.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { createRun } from './campaign-runs.ts';
import { scheduledCampaigns } from './campaign-store.ts';

export function campaignScheduleJob(deps: {
  db: Db;
  studios: StudioRegistry;
  everyMs?: number;
}): ScheduledJob {
  return {
    name: 'campaign-schedule',
    everyMs: deps.everyMs ?? 60_000,
    scope: 'cluster',
    async run({ now }) {
      let started = 0;
      for (const campaign of await scheduledCampaigns(deps.db)) {
        const studio = deps.studios.byId(campaign.studioId);
        if (!studio || campaign.schedule === undefined) continue;
        if (localReading(now, studio.timezone).minuteOfDay < minutesOf(campaign.schedule.daily)) continue;
        if ((await createRun(deps.db, campaign, studio, { trigger: 'schedule', now })) !== null) started++;
      }
      return { started };
    },
  };
}
