// `leadline migrate`: applies pending migrations (under the same advisory lock as start) and exits.
import { migrateWithRetry } from '../boot/migrate-with-retry.ts';
import { commandLogger, loadEnv, openDatabase } from './cli-env.ts';

export async function migrateCommand(): Promise<void> {
  const { env } = await loadEnv();
  const logger = commandLogger();
  const { db, address, close } = await openDatabase(env, logger);
  try {
    const { applied } = await migrateWithRetry(db, logger, address, env.LEADLINE_DATABASE_WAIT);
    process.stdout.write(
      applied.length === 0
        ? 'Database is up to date.\n'
        : `Applied ${applied.length}: ${applied.join(', ')}\n`,
    );
  } finally {
    await close();
  }
}
