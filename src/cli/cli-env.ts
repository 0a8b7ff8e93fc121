// What every command needs first: the environment (with development defaults outside production), parsed
// once; a bad value ends the process with one line naming the variable. And a database: DATABASE_URL, or
// the embedded PostgreSQL under LEADLINE_HOME (shared with a running `leadline start`, if there is one).
import { ConfigError, parseEnv, type Env } from '../config/env.ts';
import { withResolvedHome } from '../config/home.ts';
import type { DatabaseAddress } from '../boot/migrate-with-retry.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { StudioConfigError } from '../studio/load-studio-config.ts';
import { applyDevDefaults, type DevDefaults } from '../boot/dev-secrets.ts';
import { createDatabase, type Db } from '../persistence/database.ts';
import { startEmbeddedPostgres } from '../persistence/embedded-postgres.ts';

export class CliError extends Error {
  override name = 'CliError';
}

/** Configuration and usage errors are the operator's to fix: one line, no stack trace. */
export function exitWith(error: unknown): never {
  const message =
    error instanceof ConfigError || error instanceof CliError || error instanceof StudioConfigError
      ? // A YAML parse error adds a multi-line code frame; its first line names the file and position.
        (error.message.split('\n')[0] ?? error.message)
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`leadline: ${message}\n`);
  process.exit(1);
}

export async function loadEnv(): Promise<{ env: Env; dev: DevDefaults }> {
  try {
    // LEADLINE_HOME first (found upwards when unset), so dev secrets are read from the project's home.
    const dev = await applyDevDefaults(withResolvedHome(process.env));
    return { env: parseEnv(dev.env), dev };
  } catch (error) {
    return exitWith(error);
  }
}

/** A quiet logger for one-shot commands (warnings only, unless LOG_LEVEL says otherwise). */
export function commandLogger(): Logger {
  return createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'leadline-cli' });
}

export async function openDatabase(
  env: Env,
  logger: Logger,
): Promise<{ db: Db; address: DatabaseAddress; close: () => Promise<void> }> {
  const embedded =
    env.DATABASE_URL === undefined
      ? await startEmbeddedPostgres({ home: env.LEADLINE_HOME, logger })
      : undefined;
  const address: DatabaseAddress =
    env.DATABASE_URL === undefined
      ? { source: 'embedded PostgreSQL', url: embedded?.url ?? '' }
      : { source: 'DATABASE_URL', url: env.DATABASE_URL };
  const db = createDatabase({
    connectionString: address.url,
    max: 4,
    onError: (error) => logger.warn(`idle database connection failed: ${error.message}`),
  });
  return {
    db,
    address,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
