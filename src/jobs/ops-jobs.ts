// The periodic jobs of a worker. What is not here, and why:
// - outbox retries: the relay polls its own due rows (next_attempt_at) every pollIntervalMs;
// - deposit expiry and stale leads: the lead machine schedules durable timers (deposit.expiresAfter,
//   reminderAfter, staleAfter) and the `timers` job turns due ones into events, so no table sweep is needed.
import type { ActorHost } from '../actors/actor-host.ts';
import { fireDueTimers } from '../actors/fire-due-timers.ts';
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import { runAlertCheck } from './alert-job.ts';
import { defaultAlertThresholds } from './alert-rules.ts';
import { runProbe } from './probe.ts';
import { applyRetention, defaultRetention } from './retention.ts';
import type { ScheduledJob } from './scheduler.ts';

export interface OpsJobDeps {
  db: Db;
  bus: Bus;
  logger: Logger;
  workerId: string;
  host?: ActorHost;
  /** Studio id carried by probe envelopes. */
  probeStudioId: string;
  /** 0 disables the probe. */
  probeIntervalMs: number;
  probeTimeoutMs?: number;
  alertWebhookUrl?: string | undefined;
  alertCooldownMs: number;
  systemEventRetentionMs: number;
  /** Re-queues attachments whose upload got stuck (effects module); returns how many. */
  sweepAttachments?: (now: Date) => Promise<number>;
  /** Periods, mostly for tests. */
  periods?: Partial<Record<'timers' | 'retries' | 'alerts' | 'retention' | 'attachments', number>>;
}

const job = (
  name: string,
  everyMs: number,
  scope: ScheduledJob['scope'],
  run: ScheduledJob['run'],
): ScheduledJob => ({ name, everyMs, scope, run });

export function opsJobs(deps: OpsJobDeps): ScheduledJob[] {
  const p = deps.periods ?? {};
  const { host, sweepAttachments: sweep } = deps;
  const jobs: (ScheduledJob | false | undefined)[] = [
    // Node scope: fireDueTimers claims rows with FOR UPDATE SKIP LOCKED, so every node may run it.
    job('timers', p.timers ?? 1_000, 'node', async ({ now }) => ({
      fired: await fireDueTimers(deps.db, deps.bus, now, 500),
    })),
    job('alerts', p.alerts ?? 60_000, 'cluster', async ({ now }) => {
      const thresholds = { ...defaultAlertThresholds, cooldownMs: deps.alertCooldownMs };
      const alertDeps = { db: deps.db, logger: deps.logger, webhookUrl: deps.alertWebhookUrl, thresholds };
      return { fired: (await runAlertCheck(alertDeps, now)).map((a) => a.eventType) };
    }),
    job('retention', p.retention ?? 3_600_000, 'cluster', ({ now }) =>
      applyRetention(deps.db, now, { ...defaultRetention, systemEventsMs: deps.systemEventRetentionMs }),
    ),
    // Node scope: a host retries the parked leads it can process (it also polls on its own; this nudges).
    host &&
      job('lead-retries', p.retries ?? 2_000, 'node', async ({ now }) => ({
        leads: await host.processDueRetries(now),
      })),
    sweep &&
      job('attachment-sweep', p.attachments ?? 60_000, 'cluster', async ({ now }) => ({
        requeued: await sweep(now),
      })),
    deps.probeIntervalMs > 0 &&
      job('probe', deps.probeIntervalMs, 'cluster', async () => {
        const outcome = await runProbe({
          db: deps.db,
          bus: deps.bus,
          workerId: deps.workerId,
          studioId: deps.probeStudioId,
          ...(deps.probeTimeoutMs === undefined ? {} : { timeoutMs: deps.probeTimeoutMs }),
        });
        if (!outcome.ok) deps.logger.warn({ probe: outcome }, 'health probe failed');
        return { ...outcome };
      }),
  ];
  return jobs.filter((j): j is ScheduledJob => j !== false && j !== undefined);
}
