// `leadline campaigns run ID`: starts a run of the campaign (as POST /admin/campaigns/:id/runs does) and
// follows it with a progress bar until it is finished. The running workers do the sending; Ctrl-C stops
// watching, not the run.
import cliProgress from 'cli-progress';
import { createRun, runView, type RunView } from '../campaigns/campaign-runs.ts';
import { findCampaign } from '../campaigns/campaign-store.ts';
import { loadStudioConfig } from '../studio/load-studio-config.ts';
import { CliError, commandLogger, loadEnv, openDatabase } from './cli-env.ts';

const handled = (run: RunView) =>
  run.sent + run.failed + Object.values(run.skipped).reduce((a, b) => a + b, 0);
const summary = (run: RunView) =>
  `run ${run.id} ${run.status}: ${run.targeted} targeted, ${run.sent} sent, ${run.failed} failed, ` +
  `skipped ${Object.entries(run.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ')}`;

export async function campaignsRunCommand(id: string, options: { json?: boolean; pollMs?: string }) {
  const { env } = await loadEnv();
  const studios = (await loadStudioConfig(env.LEADLINE_CONFIG)).studios;
  const { db, close } = await openDatabase(env, commandLogger());
  const tty = process.stdout.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: 'campaign [{bar}] {value}/{total} sent {sent} failed {failed} skipped {skipped}' },
    cliProgress.Presets.shades_classic,
  );
  try {
    const campaign = await findCampaign(db, id);
    if (!campaign) throw new CliError(`no campaign "${id}"`);
    const studio = studios.find((s) => s.id === campaign.studioId);
    if (!studio)
      throw new CliError(`campaign "${id}" belongs to studio "${campaign.studioId}", not configured`);
    const runId = await createRun(db, campaign, studio, { trigger: 'manual', now: new Date() });
    if (runId === null) throw new CliError('the run could not be created');
    let run = await runView(db, runId);
    if (tty && run) bar.start(run.targeted, 0, { sent: 0, failed: 0, skipped: 0 });
    while (run && (run.status === 'running' || run.status === 'paused' || run.pending > 0)) {
      if (run.status === 'cancelled' || run.status === 'failed') break;
      const payload = { sent: run.sent, failed: run.failed, skipped: handled(run) - run.sent - run.failed };
      if (tty) bar.update(handled(run), payload);
      else process.stdout.write(`${summary(run)}\n`);
      await new Promise((resolve) => setTimeout(resolve, Number(options.pollMs ?? 500)));
      run = await runView(db, runId);
    }
    if (tty) bar.stop();
    if (!run) throw new CliError(`run ${runId} disappeared`);
    process.stdout.write(options.json ? `${JSON.stringify(run, null, 2)}\n` : `${summary(run)}\n`);
  } finally {
    if (tty) bar.stop();
    await close();
  }
}
