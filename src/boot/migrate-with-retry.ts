// Migrations at start, retried while the database is still coming up (docker compose starts PostgreSQL
// and the app together; a refused connection for a few seconds is normal there). An operator reads these
// lines: each retry is one line naming where the address came from (DATABASE_URL) and why it failed, never
// a stack trace, and giving up is a ConfigError (one line, exit 1) saying the same.
// A loop rather than cockatiel's retry: the deadline is wall-clock, a wrong address must stop at once and
// each attempt's line is the output; with cockatiel the same three branches would move into its callbacks.
import type { Kysely } from 'kysely';
import { ConfigError } from '../config/env.ts';
import { redactUrl } from '../config/values.ts';
import type { Logger } from '../observability/logger.ts';
import { migrateToLatest, type MigrationOutcome } from '../persistence/migrate.ts';

const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN', '57P03']);
/** Refusals no retry will change: a wrong host name, password, user or database name. */
const WRONG_ADDRESS = new Set(['ENOTFOUND', '28P01', '28000', '3D000']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isTransient(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined && TRANSIENT.has(code)) return true;
  return error instanceof Error && /timeout|terminat|starting up/i.test(error.message);
}

/** "ECONNREFUSED" / "password authentication failed for user x (28P01)": why, in a few words. */
function reasonOf(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (error instanceof AggregateError && code !== undefined) return code;
  return code !== undefined && message !== undefined && !message.includes(code)
    ? `${message} (${code})`
    : (message ?? String(error));
}

export interface DatabaseAddress {
  /** Where the address came from, as the operator set it: "DATABASE_URL" or "embedded PostgreSQL". */
  source: string;
  url: string;
}

export async function migrateWithRetry<DB>(
  db: Kysely<DB>,
  logger: Logger,
  address: DatabaseAddress,
  deadlineMs = 60_000,
): Promise<MigrationOutcome> {
  const started = Date.now();
  const where = `${address.source} (${redactUrl(address.url)})`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(db);
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && WRONG_ADDRESS.has(code)) {
        throw new ConfigError(`${where}: ${reasonOf(error)}`, { cause: error });
      }
      if (!isTransient(error)) throw error;
      const waited = Math.round((Date.now() - started) / 1000);
      if (Date.now() - started > deadlineMs) {
        throw new ConfigError(`${where}: not reachable after ${waited}s (${reasonOf(error)}); giving up`, {
          cause: error,
        });
      }
      logger.warn(
        `database not reachable yet at ${where}: ${reasonOf(error)}; retrying (attempt ${attempt})`,
      );
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
    }
  }
}
