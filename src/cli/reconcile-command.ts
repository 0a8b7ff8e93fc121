// `leadline reconcile --hours N [--studio ID]`: starts a reconciliation run over the SMS numbers (as POST
// /admin/reconciliation/runs does) and works it in this process with a progress bar, unless a running
// worker took it first (then this follows it). Prints the run's summary; exits 1 when the run failed.
import cliProgress from 'cli-progress';
import { createBus } from '../bus/create-bus.ts';
import { historySourcesFromEnv } from '../reconciliation/history-sources.ts';
import { workRun } from '../reconciliation/run-worker.ts';
import { createRun, leaseRun, RunConflictError, runView, type RunView } from '../reconciliation/run-store.ts';
import { defaultSenderOf, reconcileNumbersOf } from '../reconciliation/studio-numbers.ts';
import { loadStudioConfig } from '../studio/load-studio-config.ts';
import { StudioRegistry } from '../studio/studio-registry.ts';
import { CliError, commandLogger, loadEnv, openDatabase } from './cli-env.ts';

export interface ReconcileOptions {
  hours: string;
  studio?: string;
  json?: boolean;
}

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

export function runSummary(run: RunView): string {
  const lines = [
    `reconciliation ${run.id} ${run.status} in ${run.durationMs} ms over the last ${run.hoursBack} h: ` +
      `${run.messagesProcessed} inbound messages, ${run.newMessages} new (delivered now), ` +
      `${run.existingMessages} already received; consistency ${percent(run.consistencyRate)}, ` +
      `${run.findings.length} finding(s), ${run.errors.length} error(s)`,
  ];
  for (const n of run.numbers)
    lines.push(
      `  ${n.studioId} ${n.provider} ${n.number}: ${n.phase}, ${n.pages} pages, ${n.messagesProcessed} in ` +
        `(${n.newMessages} new), ${n.outbound} out (${n.outboundMatched} matched, ${n.missingAtProvider} ` +
        `missing at the provider)${n.error === null ? '' : `; error: ${n.error}`}`,
    );
  return lines.join('\n');
}

export async function reconcileCommand(options: ReconcileOptions): Promise<void> {
  const hours = Number(options.hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 31)
    throw new CliError('--hours: expected a whole number of hours from 1 to 744');
  const { env } = await loadEnv();
  const studios = new StudioRegistry(await loadStudioConfig(env.LEADLINE_CONFIG));
  if (options.studio !== undefined && !studios.byId(options.studio))
    throw new CliError(`--studio: no studio "${options.studio}"`);
  const numbers = reconcileNumbersOf(studios.all(), options.studio);
  if (numbers.length === 0) throw new CliError('no SMS numbers are configured (studios[].sms)');
  const logger = commandLogger();
  const { db, close } = await openDatabase(env, logger);
  const bus = await createBus(env, { db, logger });
  const tty = process.stdout.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: 'reconcile [{bar}] {value}/{total} numbers | {pages} pages | {messages} in | {fresh} new' },
    cliProgress.Presets.shades_classic,
  );
  const show = (run: RunView) => {
    const payload = {
      pages: run.numbers.reduce((a, n) => a + n.pages, 0),
      messages: run.messagesProcessed,
      fresh: run.newMessages,
    };
    const finished = run.numbers.filter((n) => n.phase === 'done' || n.phase === 'failed').length;
    if (tty) bar.update(finished, payload);
  };
  try {
    const now = new Date();
    let id: string | null;
    try {
      id = await createRun(db, {
        trigger: 'manual',
        hoursBack: hours,
        studioId: options.studio,
        numbers,
        now,
      });
    } catch (error) {
      if (error instanceof RunConflictError)
        throw new CliError(
          `a run is already reconciling ${error.numbers.join(', ')}; try again when it ends`,
        );
      throw error;
    }
    if (id === null) throw new CliError('the run could not be created');
    const runId = id;
    if (tty) bar.start(numbers.length, 0, { pages: 0, messages: 0, fresh: 0 });
    const workerId = `cli-${process.pid}`;
    let progress: Promise<unknown> = Promise.resolve();
    const leased = await leaseRun(db, workerId, new Date(), 60_000, runId);
    if (leased) {
      await workRun(
        {
          db,
          bus,
          studios,
          sources: historySourcesFromEnv(env),
          logger,
          workerId,
          alertWebhookUrl: env.LEADLINE_ALERT_WEBHOOK_URL,
          defaultSender: (studioId) => defaultSenderOf(studios.all(), studioId),
          // One refresh at a time, all finished before the database closes.
          onProgress: () => {
            progress = progress
              .then(() => runView(db, runId, new Date()))
              .then((run) => run && show(run))
              .catch(() => undefined);
          },
        },
        leased,
      );
      await progress;
    }
    // Followed here when a running worker took it (or to read the final figures).
    let run = await runView(db, runId, new Date());
    while (run?.status === 'running') {
      show(run);
      await new Promise((resolve) => setTimeout(resolve, 500));
      run = await runView(db, runId, new Date());
    }
    if (tty) bar.stop();
    if (!run) throw new CliError(`run ${runId} disappeared`);
    process.stdout.write(options.json ? `${JSON.stringify(run, null, 2)}\n` : `${runSummary(run)}\n`);
    if (bus.mode === 'single' && run.newMessages > 0 && leased)
      process.stdout.write(
        'Single-node bus: the running `leadline start` applies them (or the next start will).\n',
      );
    if (run.status === 'failed') process.exitCode = 1;
  } finally {
    if (tty) bar.stop();
    await bus.close();
    await close();
  }
}
