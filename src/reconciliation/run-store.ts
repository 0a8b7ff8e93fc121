// Reconciliation runs as rows: creating one (one run at a time per number, enforced by a partial unique
// index), leasing it to the worker that works it (an expired lease lets another worker resume it from the
// cursors it saved), and reading a run the way the admin API shows it.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../persistence/database.ts';
import type { ReconcileNumber } from './history.ts';

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type RunTrigger = 'manual' | 'schedule';

/** A number of the request is already being reconciled by another run. */
export class RunConflictError extends Error {
  override name = 'RunConflictError';
  readonly numbers: readonly string[];
  constructor(numbers: readonly string[]) {
    super(`a reconciliation run is already working ${numbers.join(', ')}`);
    this.numbers = numbers;
  }
}

export interface NewRun {
  trigger: RunTrigger;
  hoursBack: number;
  studioId?: string | undefined;
  numbers: readonly ReconcileNumber[];
  now: Date;
  /** Scheduled runs: the day (YYYY-MM-DD) they belong to; a second run for the day is not created. */
  scheduleDay?: string;
}

export async function busyNumbers(db: Db, numbers: readonly string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('reconciliation_run_numbers')
    .select('number')
    .where('number', 'in', numbers)
    .where('phase', 'not in', ['done', 'failed'])
    .execute();
  return rows.map((r) => r.number);
}

const isUniqueViolation = (error: unknown, constraint: string) =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  error.code === '23505' &&
  'constraint' in error &&
  error.constraint === constraint;

/** Creates a run with its numbers; RunConflictError when one of them is in a running run; null when the day is scheduled already. */
export async function createRun(db: Db, run: NewRun): Promise<string | null> {
  const id = `rcn_${randomUUID()}`;
  try {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('reconciliation_runs')
        .values({
          id,
          status: 'running',
          trigger: run.trigger,
          studio_id: run.studioId ?? null,
          hours_back: run.hoursBack,
          window_start: new Date(run.now.getTime() - run.hoursBack * 3_600_000),
          started_at: run.now,
          schedule_day: run.scheduleDay ?? null,
        })
        .execute();
      if (run.numbers.length > 0)
        await tx
          .insertInto('reconciliation_run_numbers')
          .values(
            run.numbers.map((n) => ({
              run_id: id,
              number: n.number,
              studio_id: n.studioId,
              provider: n.provider,
              phone_number_id: n.phoneNumberId ?? null,
              phase: 'scan' as const,
            })),
          )
          .execute();
    });
  } catch (error) {
    if (isUniqueViolation(error, 'reconciliation_runs_schedule_day_key')) return null;
    if (isUniqueViolation(error, 'reconciliation_one_run_per_number'))
      throw new RunConflictError(
        await busyNumbers(
          db,
          run.numbers.map((n) => n.number),
        ),
      );
    throw error;
  }
  return id;
}

export interface LeasedRun {
  id: string;
  windowStart: Date;
  startedAt: Date;
}

/** Takes the oldest running run nobody holds (or whose holder's lease ran out); `runId`: only that one. */
export async function leaseRun(
  db: Db,
  owner: string,
  now: Date,
  leaseMs: number,
  runId?: string,
): Promise<LeasedRun | undefined> {
  const row = await db
    .updateTable('reconciliation_runs')
    .set({ lease_owner: owner, lease_until: new Date(now.getTime() + leaseMs) })
    .where(
      'id',
      '=',
      db
        .selectFrom('reconciliation_runs')
        .select('id')
        .where('status', '=', 'running')
        .$if(runId !== undefined, (qb) => qb.where('id', '=', runId ?? ''))
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('started_at')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'window_start', 'started_at'])
    .executeTakeFirst();
  return row && { id: row.id, windowStart: row.window_start, startedAt: row.started_at };
}

/** Extends the lease; false when another worker holds the run now (stop working it). */
export async function renewLease(
  db: Db,
  runId: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable('reconciliation_runs')
    .set({ lease_until: new Date(now.getTime() + leaseMs) })
    .where('id', '=', runId)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Hands the run back (a worker shutting down): the next worker resumes it at once. */
export async function releaseLease(db: Db, runId: string, owner: string): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ lease_owner: null, lease_until: null })
    .where('id', '=', runId)
    .where('lease_owner', '=', owner)
    .execute();
}

export async function appendRunError(db: Db, runId: string, error: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ errors: sql`errors || ${JSON.stringify([error])}::jsonb` })
    .where('id', '=', runId)
    .execute();
}

export async function finishRun(db: Db, runId: string, status: RunStatus, now: Date): Promise<void> {
  await db
    .updateTable('reconciliation_runs')
    .set({ status, finished_at: now, lease_owner: null, lease_until: null })
    .where('id', '=', runId)
    .execute();
}

export interface NumberView {
  number: string;
  studioId: string;
  provider: string;
  phase: string;
  pages: number;
  messagesProcessed: number;
  newMessages: number;
  existingMessages: number;
  outbound: number;
  outboundMatched: number;
  missingAtProvider: number;
  findings: unknown[];
  error: string | null;
}

export interface RunView {
  id: string;
  status: RunStatus;
  trigger: RunTrigger;
  studioId: string | null;
  startedAt: string;
  finishedAt: string | null;
  hoursBack: number;
  messagesProcessed: number;
  newMessages: number;
  existingMessages: number;
  errors: unknown[];
  durationMs: number;
  /** Outbound messages that both sides agree on ÷ all outbound messages either side knows (1 when none). */
  consistencyRate: number;
  findings: unknown[];
  numbers: NumberView[];
}

async function numberViews(db: Db, runIds: readonly string[]): Promise<Map<string, NumberView[]>> {
  const byRun = new Map<string, NumberView[]>();
  if (runIds.length === 0) return byRun;
  const rows = await db
    .selectFrom('reconciliation_run_numbers as n')
    .selectAll('n')
    .select((eb) => [
      eb
        .selectFrom('reconciliation_items as i')
        .select(sql<string>`count(distinct i.provider_message_id)`.as('c'))
        .whereRef('i.run_id', '=', 'n.run_id')
        .whereRef('i.number', '=', 'n.number')
        .where('i.outcome', '=', 'new')
        .as('delivered_new'),
      eb
        .selectFrom('reconciliation_items as i')
        .select(sql<string>`count(distinct i.provider_message_id)`.as('c'))
        .whereRef('i.run_id', '=', 'n.run_id')
        .whereRef('i.number', '=', 'n.number')
        .where('i.outcome', '=', 'existing')
        .where((inner) =>
          inner.not(
            inner.exists(
              inner
                .selectFrom('reconciliation_items as j')
                .select('j.envelope_id')
                .whereRef('j.run_id', '=', 'i.run_id')
                .whereRef('j.provider_message_id', '=', 'i.provider_message_id')
                .where('j.outcome', '=', 'new'),
            ),
          ),
        )
        .as('delivered_existing'),
    ])
    .where('n.run_id', 'in', runIds)
    .orderBy('n.number')
    .execute();
  for (const r of rows) {
    const newMessages = Number(r.delivered_new ?? 0);
    const view: NumberView = {
      number: r.number,
      studioId: r.studio_id,
      provider: r.provider,
      phase: r.phase,
      pages: r.pages,
      messagesProcessed: r.inbound,
      newMessages,
      existingMessages: r.existing + Number(r.delivered_existing ?? 0),
      outbound: r.outbound,
      outboundMatched: r.outbound_matched,
      missingAtProvider: r.missing_at_provider,
      findings: r.findings,
      error: r.error,
    };
    byRun.set(r.run_id, [...(byRun.get(r.run_id) ?? []), view]);
  }
  return byRun;
}

const sum = (views: readonly NumberView[], pick: (v: NumberView) => number) =>
  views.reduce((total, v) => total + pick(v), 0);

export function consistencyRate(views: readonly NumberView[]): number {
  const known = sum(views, (v) => v.outbound + v.missingAtProvider);
  return known === 0 ? 1 : Math.round((sum(views, (v) => v.outboundMatched) / known) * 10_000) / 10_000;
}

async function views(db: Db, ids: readonly string[] | 'recent', now: Date, limit = 50): Promise<RunView[]> {
  let query = db.selectFrom('reconciliation_runs').selectAll().orderBy('started_at', 'desc');
  query = ids === 'recent' ? query.limit(limit) : query.where('id', 'in', ids.length > 0 ? ids : ['']);
  const runs = await query.execute();
  const numbers = await numberViews(
    db,
    runs.map((r) => r.id),
  );
  return runs.map((r) => {
    const ns = numbers.get(r.id) ?? [];
    return {
      id: r.id,
      status: r.status,
      trigger: r.trigger,
      studioId: r.studio_id,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      hoursBack: r.hours_back,
      messagesProcessed: sum(ns, (v) => v.messagesProcessed),
      newMessages: sum(ns, (v) => v.newMessages),
      existingMessages: sum(ns, (v) => v.existingMessages),
      errors: r.errors,
      durationMs: (r.finished_at ?? now).getTime() - r.started_at.getTime(),
      consistencyRate: consistencyRate(ns),
      findings: ns.flatMap((v) => v.findings),
      numbers: ns,
    };
  });
}

export async function runView(db: Db, id: string, now: Date): Promise<RunView | undefined> {
  return (await views(db, [id], now))[0];
}

export async function recentRuns(db: Db, now: Date, limit = 50): Promise<RunView[]> {
  return views(db, 'recent', now, limit);
}
