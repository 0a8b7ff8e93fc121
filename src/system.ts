// The composition root: starts everything a role needs, in one place, and stops it in reverse order.
//   all     — gateway + actor host + outbox relay + scheduler (npm start: one process, one node)
//   gateway — HTTP only: webhooks and admin API publish onto the bus
//   worker  — actor host + outbox relay + scheduler, plus a small HTTP listener for /healthz, /readyz and
//             /metrics so orchestrators can probe it and Prometheus can scrape the host's figures
// Order of opening: database (embedded when DATABASE_URL is unset) → migrations → bus → host → relay →
// scheduler → HTTP. Shutdown closes HTTP first (stop accepting), then the scheduler and relay finish their
// runs, the host drains and hands its partitions back, and the bus, pool and embedded server close last.
import type { FastifyInstance } from 'fastify';
import type { ActorDefinition } from './actors/actor-definition.ts';
import { createActorHost, type ActorHost } from './actors/actor-host.ts';
import { parseRetryDelays } from './actors/retry-policy.ts';
import type { Bus } from './bus/bus.ts';
import { createBus } from './bus/create-bus.ts';
import type { Env } from './config/env.ts';
import { campaignScheduleJob } from './campaigns/campaign-schedule-job.ts';
import { createCampaignWorker } from './campaigns/run-worker.ts';
import { createOutboxRelay } from './effects/outbox-relay.ts';
import { mediaStoreFromEnv } from './effects/media/media-store-from-env.ts';
import { sweepStuckAttachments } from './effects/media/sweep-attachments.ts';
import { buildApp } from './gateway/app.ts';
import { createLeadDefinition } from './machines/lead/lead-definition.ts';
import { createInspection } from './observability/inspector.ts';
import { listen } from './gateway/server.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { Metrics } from './observability/metrics.ts';
import { opsJobs } from './jobs/ops-jobs.ts';
import { orchestratorCostJob } from './orchestrator/cost-alert-job.ts';
import { buildOpsServer } from './boot/ops-server.ts';
import { probeDefinition } from './machines/probe/probe-machine.ts';
import { probeReadinessCheck } from './jobs/probe-status.ts';
import { createScheduler } from './jobs/scheduler.ts';
import { createDatabase, type Db } from './persistence/database.ts';
import { startEmbeddedPostgres } from './persistence/embedded-postgres.ts';
import { migrateWithRetry } from './boot/migrate-with-retry.ts';
import { channelHealthJob, probedNumbers } from './reconciliation/channel-health.ts';
import { channelReadinessCheck } from './reconciliation/channel-health-status.ts';
import { historySourcesFromEnv, providerClientsFromEnv } from './reconciliation/history-sources.ts';
import { reconcileScheduleJob } from './reconciliation/reconcile-job.ts';
import { createReconcileWorker, type ReconcileWorker } from './reconciliation/run-worker.ts';
import { defaultSenderOf, reconcileNumbersOf } from './reconciliation/studio-numbers.ts';
import { loadStudioConfig } from './studio/load-studio-config.ts';
import { StudioRegistry } from './studio/studio-registry.ts';
import type { StudioConfig } from './studio/studio-schema.ts';
import { defaultWorkerId } from './bus/nats/nats-bus-config.ts';

export type Role = 'all' | 'gateway' | 'worker';
export const roles: readonly Role[] = ['all', 'gateway', 'worker'];

export interface StartSystemOptions {
  env: Env;
  role: Role;
  /** Default: LEADLINE_CONFIG, else leadline.config.yaml in the project root when present, else the demo studio. */
  studioConfig?: StudioConfig;
  logger?: Logger;
  /** Actor types the host runs (default: the lead machine for the configured studios and the probe). */
  definitions?: (studios: StudioRegistry) => readonly ActorDefinition[];
  /** Tuning for tests: scheduler tick, job periods, probe timeout. */
  tuning?: {
    schedulerTickMs?: number;
    probeTimeoutMs?: number;
    /** The outbox relay's idle poll (default 500 ms); a test sets it long to see that commits wake it. */
    relayPollMs?: number;
    periods?: Parameters<typeof opsJobs>[0]['periods'];
  };
}

export interface RunningSystem {
  role: Role;
  /** Where HTTP listens (gateway routes for gateway/all; health and metrics only for worker). */
  url: string;
  databaseUrl: string;
  /** The database was started here (embedded PostgreSQL under LEADLINE_HOME). */
  embeddedDatabase: boolean;
  studios: StudioRegistry;
  db: Db;
  bus: Bus;
  host?: ActorHost;
  app: FastifyInstance;
  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void>;
}

interface Resource {
  name: string;
  close(): Promise<void>;
}

export function defaultDefinitions(studios: StudioRegistry): readonly ActorDefinition[] {
  return [createLeadDefinition(studios), probeDefinition];
}

async function closeAll(resources: Resource[], logger: Logger): Promise<void> {
  for (const resource of resources.splice(0).reverse()) {
    try {
      await resource.close();
      logger.debug({ resource: resource.name }, 'closed');
    } catch (error) {
      logger.error({ err: error, resource: resource.name }, 'error while closing');
    }
  }
}

export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  const { env, role } = options;
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const resources: Resource[] = [];
  let closing = false;
  const open = <T>(name: string, value: T, close: () => Promise<void>): T => {
    resources.push({ name, close });
    return value;
  };
  try {
    let databaseUrl = env.DATABASE_URL;
    if (databaseUrl === undefined) {
      const embedded = await startEmbeddedPostgres({ home: env.LEADLINE_HOME, logger });
      open('embedded-postgres', embedded, () => embedded.stop());
      databaseUrl = embedded.url;
    }
    const db = createDatabase({
      connectionString: databaseUrl,
      max: env.LEADLINE_DATABASE_POOL,
      // While shutting down, the embedded server may say goodbye (57P01) to connections already ending.
      onError: (error) =>
        logger[closing ? 'debug' : 'warn']({ err: error }, 'idle database connection failed'),
    });
    open('database', db, () => db.destroy());
    const migrated = await migrateWithRetry(
      db,
      logger,
      {
        source: env.DATABASE_URL === undefined ? 'embedded PostgreSQL' : 'DATABASE_URL',
        url: databaseUrl,
      },
      env.LEADLINE_DATABASE_WAIT,
    );
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'database migrated');

    const studios = new StudioRegistry(options.studioConfig ?? (await loadStudioConfig(env.LEADLINE_CONFIG)));
    const metrics = new Metrics({ defaultMetrics: true });
    const workerId = env.LEADLINE_WORKER_ID ?? defaultWorkerId();
    const bus = await createBus({ ...env, LEADLINE_WORKER_ID: workerId }, { db, logger });
    open('bus', bus, () => bus.close());

    // LEADLINE_INSPECT: the Stately inspector relay (null when unset).
    const inspection = await createInspection(env, logger);
    if (inspection) open('inspector', inspection, () => Promise.resolve(inspection.stop()));

    // Filesystem under LEADLINE_HOME, or S3 when LEADLINE_S3_BUCKET is set; shared by relay and routes.
    const mediaStore = mediaStoreFromEnv(env);
    let host: ActorHost | undefined;
    let reconciler: ReconcileWorker | undefined;
    if (role === 'worker' && bus.mode === 'single') {
      logger.warn('worker role without NATS_URL: run only one actor-hosting process on this database');
    }
    if (role !== 'gateway') {
      const definitions = (options.definitions ?? defaultDefinitions)(studios);
      // The relay runs beside the host in every role that commits (all, worker), so the host wakes it in
      // process after each commit that wrote outbox rows (bound once the relay exists, below). Other
      // workers' relays need no nudge: a row is claimed by whichever relay polls first, and this one is
      // already on its way. See docs/performance.md.
      let wakeRelay: () => void = () => undefined;
      const started = createActorHost({
        db,
        bus,
        definitions: [...definitions],
        logger: logger.child({ component: 'actor-host' }),
        metrics,
        retryDelaysMs: parseRetryDelays(env.LEADLINE_RETRY_DELAYS),
        onOutboxWritten: () => wakeRelay(),
        // LEADLINE_INSPECT: every applied transition is streamed to the Stately inspector (phones masked).
        ...(inspection
          ? {
              hooks: {
                afterApply: (leadId, machine, snapshot, event) => {
                  inspection.report(leadId, machine, snapshot, event);
                },
              },
            }
          : {}),
      });
      await started.start();
      host = open('actor-host', started, () => started.stop());

      const relay = createOutboxRelay({
        db,
        bus,
        env,
        studios,
        logger,
        metrics,
        mediaStore,
        // A killed worker's claimed effects come back to the others as fast as its partitions do.
        options: {
          leaseMs: env.LEADLINE_LEASE_TIMEOUT,
          concurrency: env.LEADLINE_RELAY_CONCURRENCY,
          ...(options.tuning?.relayPollMs === undefined
            ? {}
            : { pollIntervalMs: options.tuning.relayPollMs }),
        },
      });
      relay.start();
      wakeRelay = () => relay.wake();
      open('outbox-relay', relay, () => relay.stop());

      // Campaign runs are leased rows: any worker works them, a killed one's run moves on its lease.
      const campaigns = createCampaignWorker({
        db,
        bus,
        studios,
        logger,
        workerId,
        leaseMs: env.LEADLINE_LEASE_TIMEOUT,
      });
      campaigns.start();
      open('campaign-worker', campaigns, () => campaigns.stop());

      // Reconciliation runs are leased rows too: any worker works them, a killed one's run resumes elsewhere.
      const historySources = historySourcesFromEnv(env);
      const reconcile = createReconcileWorker({
        db,
        bus,
        studios,
        sources: historySources,
        logger: logger.child({ component: 'reconciliation' }),
        workerId,
        alertWebhookUrl: env.LEADLINE_ALERT_WEBHOOK_URL,
        defaultSender: (studioId) => defaultSenderOf(studios.all(), studioId),
      });
      reconcile.start();
      reconciler = open('reconcile-worker', reconcile, () => reconcile.stop());

      const probeInterval = env.LEADLINE_PROBE_INTERVAL;
      const scheduler = createScheduler({
        db,
        workerId,
        logger: logger.child({ component: 'scheduler' }),
        metrics,
        ...(options.tuning?.schedulerTickMs === undefined ? {} : { tickMs: options.tuning.schedulerTickMs }),
        jobs: opsJobs({
          db,
          bus,
          logger,
          workerId,
          host: started,
          probeStudioId: studios.all()[0]?.id ?? 'probe',
          probeIntervalMs: probeInterval,
          probeTimeoutMs:
            options.tuning?.probeTimeoutMs ?? Math.min(30_000, Math.max(1_000, probeInterval / 2)),
          alertWebhookUrl: env.LEADLINE_ALERT_WEBHOOK_URL,
          alertCooldownMs: env.LEADLINE_ALERT_COOLDOWN,
          systemEventRetentionMs: env.LEADLINE_SYSTEM_EVENT_RETENTION,
          sweepAttachments: (now) => sweepStuckAttachments(db, now),
          ...(options.tuning?.periods ? { periods: options.tuning.periods } : {}),
        }).concat(
          campaignScheduleJob({ db, studios }),
          reconcileScheduleJob({
            db,
            at: env.LEADLINE_RECONCILE_AT,
            // A provider without credentials has no history to read: outside production it is the
            // sandbox (nothing was sent or received there), and a production start refuses it.
            numbers: () =>
              reconcileNumbersOf(studios.all()).filter((n) => historySources[n.provider] !== undefined),
            onRunCreated: () => reconcile.wake(),
          }),
          channelHealthJob({
            db,
            logger,
            clients: providerClientsFromEnv(env),
            numbers: () => reconcileNumbersOf(studios.all()),
            alertWebhookUrl: env.LEADLINE_ALERT_WEBHOOK_URL,
          }),
          orchestratorCostJob({
            db,
            logger,
            studios: () => studios.all(),
            alertWebhookUrl: env.LEADLINE_ALERT_WEBHOOK_URL,
          }),
        ),
      });
      scheduler.start();
      open('scheduler', scheduler, () => scheduler.stop());
    }

    const channelClients = providerClientsFromEnv(env);
    const readinessChecks = {
      probe: probeReadinessCheck(db),
      channels: channelReadinessCheck(db, () =>
        probedNumbers(reconcileNumbersOf(studios.all()), channelClients),
      ),
    };
    const hostStatus = host ? () => host.store.getSnapshot().context : undefined;
    const app =
      role === 'worker'
        ? await buildOpsServer({ env, db, bus, studios, logger, metrics, readinessChecks })
        : await buildApp({
            env,
            db,
            bus,
            studios,
            logger,
            metrics,
            readinessChecks,
            ...(hostStatus ? { hostStatus } : {}),
            ...(reconciler ? { onReconciliationRun: () => reconciler.wake() } : {}),
            mediaStore,
          });
    open('http', app, () => app.close());
    const url = await listen(app, { host: env.HOST, port: env.PORT });

    let stopping: Promise<void> | undefined;
    return {
      role,
      url,
      databaseUrl,
      embeddedDatabase: env.DATABASE_URL === undefined,
      studios,
      db,
      bus,
      app,
      ...(host ? { host } : {}),
      stop() {
        stopping ??= (async () => {
          closing = true;
          logger.info({ role }, 'shutting down');
          await closeAll(resources, logger);
          logger.info({ role }, 'stopped');
        })();
        return stopping;
      },
    };
  } catch (error) {
    closing = true;
    await closeAll(resources, logger);
    throw error;
  }
}
