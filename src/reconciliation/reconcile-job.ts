// The daily reconciliation: a cluster job of the scheduler (one run per period across the workers) looks
// every minute whether today's LEADLINE_RECONCILE_AT (UTC) has come and starts the day's run over every SMS
// number. The run row is unique per day (schedule_day), so a late tick, a second scheduler or a restart
// never makes a second one; a number another run is still working is left out of the day's run (all of
// them busy: the job looks again the next minute).
import type { ScheduledJob } from '../jobs/scheduler.ts';
import type { Db } from '../persistence/database.ts';
import type { ReconcileNumber } from './history.ts';
import { busyNumbers, createRun, RunConflictError } from './run-store.ts';

export const SCHEDULED_HOURS_BACK = 48;

/** Minutes after midnight UTC of an `HH:MM`. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function reconcileScheduleJob(deps: {
  db: Db;
  at: string;
  numbers: () => readonly ReconcileNumber[];
  onRunCreated?: () => void;
  everyMs?: number;
}): ScheduledJob {
  return {
    name: 'reconciliation-schedule',
    everyMs: deps.everyMs ?? 60_000,
    scope: 'cluster',
    async run({ now }) {
      const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
      if (minutes < minuteOfDay(deps.at)) return { started: false };
      const all = deps.numbers();
      if (all.length === 0) return { started: false, reason: 'no SMS numbers' };
      const busy = new Set(
        await busyNumbers(
          deps.db,
          all.map((n) => n.number),
        ),
      );
      const numbers = all.filter((n) => !busy.has(n.number));
      // Every number is being worked: look again next minute (the day's run is not created yet).
      if (numbers.length === 0) return { started: false, skippedBusy: [...busy] };
      const id = await createRun(deps.db, {
        trigger: 'schedule',
        hoursBack: SCHEDULED_HOURS_BACK,
        numbers,
        now,
        scheduleDay: now.toISOString().slice(0, 10),
      }).catch((error: unknown) => {
        if (error instanceof RunConflictError) return null;
        throw error;
      });
      if (id !== null) deps.onRunCreated?.();
      return { started: id !== null, ...(id === null ? {} : { runId: id }), skippedBusy: [...busy] };
    },
  };
}
