// Working reconciliation runs. Any process with the database, the bus and the provider credentials can
// work a run (the workers, or `leadline reconcile` itself): it leases the run row, and for each number
// pages through the provider's history, saving the cursor with each page, delivers what the scan staged,
// checks the outbound side, and finishes the run with its system events and alerts. A worker that dies
// leaves a lease that runs out; the next worker resumes each number from its saved cursor.
import type { Bus } from '../bus/bus.ts';
import type { Logger } from '../observability/logger.ts';
import { sendAlert } from '../jobs/alert-job.ts';
import type { Db } from '../persistence/database.ts';
import { recordSystemEvent } from '../persistence/system-events.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { deliverStaged } from './deliver.ts';
import type { HistoryCursor, HistorySources, ReconcileNumber } from './history.ts';
import { missingAtProvider } from './integrity.ts';
import {
  appendRunError,
  finishRun,
  leaseRun,
  renewLease,
  releaseLease,
  runView,
  type LeasedRun,
  type RunView,
} from './run-store.ts';
import { applyPage } from './scan-page.ts';

export const MISSED_MESSAGES_EVENT = 'reconciliation.missed_messages';
export const RUN_FAILED_EVENT = 'reconciliation.failed';
/** Our own sends this close to the run's start may not be listed by the provider yet. */
const LISTING_GRACE_MS = 2 * 60_000;

export interface ReconcileWorkerDeps {
  db: Db;
  bus: Bus;
  studios: StudioRegistry;
  sources: HistorySources;
  logger: Logger;
  workerId: string;
  /** How long a worker holds a run between renewals (renewed after every page). */
  leaseMs?: number;
  pollMs?: number;
  clock?: () => Date;
  alertWebhookUrl?: string | undefined;
  /** The studio's default SMS sender (the number a send without `from` leaves from). */
  defaultSender?: (studioId: string) => string | undefined;
  /** True once the process is shutting down: the run is handed back between pages. */
  stopped?: () => boolean;
  /** Called after each page and phase change, e.g. for a progress bar. */
  onProgress?: (runId: string) => void;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type NumberRow = ReconcileNumber & { phase: string; cursor: HistoryCursor | null };

async function numbersOf(db: Db, runId: string): Promise<NumberRow[]> {
  const rows = await db
    .selectFrom('reconciliation_run_numbers')
    .select(['number', 'studio_id', 'provider', 'phone_number_id', 'phase', 'cursor'])
    .where('run_id', '=', runId)
    .orderBy('number')
    .execute();
  return rows.map((r) => ({
    number: r.number,
    studioId: r.studio_id,
    provider: r.provider,
    phoneNumberId: r.phone_number_id ?? undefined,
    phase: r.phase,
    cursor: r.cursor,
  }));
}

async function setPhase(db: Db, runId: string, number: string, phase: 'done' | 'failed', error?: string) {
  await db
    .updateTable('reconciliation_run_numbers')
    .set({ phase, error: error ?? null })
    .where('run_id', '=', runId)
    .where('number', '=', number)
    .execute();
}

class LeaseLost extends Error {}

async function reconcileNumber(deps: ReconcileWorkerDeps, run: LeasedRun, row: NumberRow): Promise<void> {
  const clock = deps.clock ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 60_000;
  const source = deps.sources[row.provider];
  if (!source) throw new Error(`no ${row.provider} credentials: its history cannot be read`);
  const studio = deps.studios.byId(row.studioId);
  let { phase, cursor } = row;
  while (phase === 'scan') {
    if (deps.stopped?.()) throw new LeaseLost();
    if (!(await renewLease(deps.db, run.id, deps.workerId, clock(), leaseMs))) throw new LeaseLost();
    const page = await source.page(row, run.windowStart, cursor);
    await applyPage(deps.db, { runId: run.id, number: row, studio, now: clock() }, page);
    cursor = page.next;
    phase = cursor === null ? 'deliver' : 'scan';
    deps.onProgress?.(run.id);
  }
  if (!(await renewLease(deps.db, run.id, deps.workerId, clock(), leaseMs))) throw new LeaseLost();
  await deliverStaged(deps, run.id, row.number);
  await missingAtProvider(deps.db, {
    runId: run.id,
    studioId: row.studioId,
    number: row.number,
    isDefaultSender: deps.defaultSender?.(row.studioId) === row.number,
    windowStart: run.windowStart,
    until: new Date(run.startedAt.getTime() - LISTING_GRACE_MS),
  });
  await setPhase(deps.db, run.id, row.number, 'done');
  deps.onProgress?.(run.id);
}

async function announce(deps: ReconcileWorkerDeps, view: RunView, now: Date): Promise<void> {
  const raise = async (
    event: { type: string; level: 'warn' | 'error' },
    alert: string,
    message: string,
    observation: Record<string, unknown>,
  ) => {
    await recordSystemEvent(deps.db, { ...event, payload: observation, at: now });
    const sink = { db: deps.db, logger: deps.logger, webhookUrl: deps.alertWebhookUrl };
    await sendAlert(sink, { eventType: alert, message, observation }, now);
  };
  if (view.newMessages > 0) {
    const numbers = view.numbers
      .filter((n) => n.newMessages > 0)
      .map((n) => ({
        studioId: n.studioId,
        provider: n.provider,
        number: n.number,
        newMessages: n.newMessages,
      }));
    await raise(
      { type: MISSED_MESSAGES_EVENT, level: 'warn' },
      'alert.reconciliation_missed_messages',
      `reconciliation ${view.id} found ${view.newMessages} SMS message(s) whose webhook never arrived ` +
        `(${numbers.map((n) => `${n.number}: ${n.newMessages}`).join(', ')}); they were delivered now`,
      { runId: view.id, newMessages: view.newMessages, numbers },
    );
  }
  if (view.status === 'failed')
    await raise(
      { type: RUN_FAILED_EVENT, level: 'error' },
      'alert.reconciliation_failed',
      `reconciliation ${view.id} failed: ${view.errors.length} number(s) could not be reconciled`,
      { runId: view.id, errors: view.errors },
    );
}

/** Works a leased run to its end; `lost` when another worker took the lease meanwhile. */
export async function workRun(deps: ReconcileWorkerDeps, run: LeasedRun): Promise<'finished' | 'lost'> {
  const clock = deps.clock ?? (() => new Date());
  let failed = false;
  for (const row of await numbersOf(deps.db, run.id)) {
    if (row.phase === 'done') continue;
    if (row.phase === 'failed') {
      failed = true;
      continue;
    }
    try {
      await reconcileNumber(deps, run, row);
    } catch (error) {
      if (error instanceof LeaseLost) {
        await releaseLease(deps.db, run.id, deps.workerId);
        return 'lost';
      }
      failed = true;
      const message = errorText(error);
      deps.logger.error(
        { err: error, runId: run.id, number: row.number },
        'reconciliation of a number failed',
      );
      await setPhase(deps.db, run.id, row.number, 'failed', message);
      await appendRunError(deps.db, run.id, {
        studioId: row.studioId,
        provider: row.provider,
        number: row.number,
        message,
      });
    }
  }
  const now = clock();
  await finishRun(deps.db, run.id, failed ? 'failed' : 'succeeded', now);
  const view = await runView(deps.db, run.id, now);
  if (view) {
    await announce(deps, view, now);
    deps.logger.info(
      { runId: view.id, status: view.status, newMessages: view.newMessages, existing: view.existingMessages },
      'reconciliation run finished',
    );
  }
  deps.onProgress?.(run.id);
  return 'finished';
}

/** Leases and works one run if one is waiting; returns its id. */
export async function workNextRun(deps: ReconcileWorkerDeps): Promise<string | undefined> {
  const clock = deps.clock ?? (() => new Date());
  const run = await leaseRun(deps.db, deps.workerId, clock(), deps.leaseMs ?? 60_000);
  if (!run) return undefined;
  await workRun(deps, run);
  return run.id;
}

export interface ReconcileWorker {
  start(): void;
  stop(): Promise<void>;
  /** Looks for a waiting run now (a run was just created in this process). */
  wake(): void;
  /** Works runs until none is waiting (tests). */
  drain(): Promise<string[]>;
}

export function createReconcileWorker(options: ReconcileWorkerDeps): ReconcileWorker {
  let stopping = false;
  const deps: ReconcileWorkerDeps = { ...options, stopped: () => stopping };
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<unknown> = Promise.resolve();
  let working = false;
  const drain = async () => {
    const done: string[] = [];
    while (!stopping) {
      const id = await workNextRun(deps);
      if (id === undefined) break;
      done.push(id);
    }
    return done;
  };
  const tick = () => {
    if (working) return;
    working = true;
    busy = drain()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'reconciliation worker failed; will retry'))
      .finally(() => {
        working = false;
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.pollMs ?? 2_000);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await busy;
    },
    wake: () => {
      if (!stopping) tick();
    },
    drain,
  };
}
