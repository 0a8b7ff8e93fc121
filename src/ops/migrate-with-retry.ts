// Migrations at start, retried while the database is still coming up (docker compose starts PostgreSQL
// and the app together; a refused connection for a few seconds is normal there).
import type { Kysely } from 'kysely';
import type { Logger } from '../observability/logger.ts';
import { migrateToLatest, type MigrationOutcome } from '../persistence/migrate.ts';

const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', '57P03']);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && TRANSIENT.has(code)) return true;
  return error instanceof Error && /timeout|terminat|starting up/i.test(error.message);
}

export async function migrateWithRetry<DB>(
  db: Kysely<DB>,
  logger: Logger,
  deadlineMs = 60_000,
): Promise<MigrationOutcome> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(db);
    } catch (error) {
      if (!isTransient(error) || Date.now() > deadline) throw error;
      logger.warn({ attempt, err: error }, 'database not reachable yet; retrying');
      await new Promise((r) => setTimeout(r, Math.min(2_000, 200 * attempt)));
    }
  }
}
