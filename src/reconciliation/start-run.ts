// Starting a manual reconciliation run: the one path POST /admin/reconciliation/runs and the console
// take. Checks the studio, finds the SMS numbers to reconcile, creates the run (refused while one of its
// numbers is being reconciled) and wakes the worker.
import type { Db } from '../persistence/database.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { createRun, RunConflictError, runView, type RunView } from './run-store.ts';
import { reconcileNumbersOf } from './studio-numbers.ts';

export type StartReconciliationOutcome =
  | { outcome: 'started'; run: RunView }
  | { outcome: 'invalid'; message: string; details: { path: string; message: string }[] }
  | { outcome: 'running'; numbers: readonly string[] }
  | { outcome: 'not_created' };

export async function startReconciliation(
  deps: { db: Db; studios: StudioRegistry; onReconciliationRun?: (() => void) | undefined },
  input: { hours: number; studioId?: string | undefined },
  now: Date,
): Promise<StartReconciliationOutcome> {
  const { hours, studioId } = input;
  if (studioId !== undefined && !deps.studios.byId(studioId))
    return {
      outcome: 'invalid',
      message: `studioId: no studio "${studioId}"`,
      details: [{ path: 'studioId', message: 'unknown studio' }],
    };
  const numbers = reconcileNumbersOf(deps.studios.all(), studioId);
  if (numbers.length === 0)
    return {
      outcome: 'invalid',
      message: 'No SMS numbers are configured to reconcile',
      details: [{ path: 'studioId', message: 'no sms numbers' }],
    };
  let id: string | null;
  try {
    id = await createRun(deps.db, { trigger: 'manual', hoursBack: hours, studioId, numbers, now });
  } catch (error) {
    if (error instanceof RunConflictError) return { outcome: 'running', numbers: error.numbers };
    throw error;
  }
  const run = id === null ? undefined : await runView(deps.db, id, now);
  if (!run) return { outcome: 'not_created' };
  deps.onReconciliationRun?.();
  return { outcome: 'started', run };
}
