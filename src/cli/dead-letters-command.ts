// `leadline dead-letters list` and `leadline dead-letters replay <id…> | --all`, against DATABASE_URL and
// NATS_URL (or the embedded PostgreSQL and the single-node inbox). A replay puts the message back at the end
// of its lead's stream with a fresh id; the running workers apply it after the lead's later messages, once.
import { listDeadLetters, replayDeadLetter, type DeadLetter } from '../actors/dead-letters.ts';
import { createBus } from '../bus/create-bus.ts';
import { CliError, commandLogger, loadEnv, openDatabase } from './cli-env.ts';
import { createProgress } from './progress.ts';

function row(d: DeadLetter): string {
  const error = d.error.replace(/\s+/g, ' ').slice(0, 60);
  const replayed = d.replayCount > 0 ? `replayed ×${d.replayCount}` : 'pending';
  return [d.id, d.leadId.padEnd(27), d.failedAt, `${d.attempts} attempts`, replayed, error].join('  ');
}

export interface DeadLetterListOptions {
  lead?: string;
  pending?: boolean;
  limit: string;
  json?: boolean;
}

export async function deadLettersListCommand(options: DeadLetterListOptions): Promise<void> {
  const { env } = await loadEnv();
  const logger = commandLogger();
  const { db, close } = await openDatabase(env, logger);
  try {
    const letters = await listDeadLetters(db, {
      ...(options.lead === undefined ? {} : { leadId: options.lead }),
      pending: options.pending === true,
      limit: Number(options.limit),
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(letters, null, 2)}\n`);
    } else if (letters.length === 0) {
      process.stdout.write('No dead letters.\n');
    } else {
      for (const letter of letters) process.stdout.write(`${row(letter)}\n`);
      process.stdout.write(`${letters.length} dead letter(s), newest first.\n`);
    }
  } finally {
    await close();
  }
}

export async function deadLettersReplayCommand(ids: string[], options: { all?: boolean }): Promise<void> {
  if (ids.length === 0 && !options.all) throw new CliError('give dead letter ids to replay, or --all');
  const { env } = await loadEnv();
  const logger = commandLogger();
  const { db, close } = await openDatabase(env, logger);
  const bus = await createBus(env, { db, logger });
  const progress = createProgress();
  let failed = 0;
  try {
    // --all: every dead letter never replayed, oldest first, so a lead's letters go back in failure order.
    const targets = options.all
      ? (await listDeadLetters(db, { pending: true, limit: 1000 })).map((d) => d.id).reverse()
      : ids;
    for (const [i, id] of targets.entries()) {
      progress.update(`replaying ${i + 1}/${targets.length} ${id}`);
      try {
        const result = await replayDeadLetter(db, bus, id);
        progress.done(`replayed ${id} as ${result.envelopeId}${result.duplicate ? ' (already queued)' : ''}`);
      } catch (error) {
        failed++;
        progress.done(`could not replay ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    progress.done(`${targets.length - failed} replayed, ${failed} failed`);
    if (bus.mode === 'single') {
      process.stdout.write(
        'Single-node bus: the running `leadline start` applies them (or the next start will).\n',
      );
    }
  } finally {
    progress.stop();
    await bus.close();
    await close();
  }
  if (failed > 0) process.exitCode = 1;
}
