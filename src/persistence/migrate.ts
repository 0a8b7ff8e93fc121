// Runs migrations under a PostgreSQL advisory lock, so several processes starting at once migrate once.
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MIGRATION_LOCK_KEY = 7_311_550_411; // arbitrary, fixed: "leadline migrations"
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Loads ./migrations/*.ts (or .js once built), ordered by file name. */
class DirectoryMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(migrationsDir))
      .filter((f) => /^\d{4}_.*\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
      migrations[file.replace(/\.(ts|js)$/, '')] = mod;
    }
    return migrations;
  }
}

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationOutcome> {
  // The advisory lock is session-scoped: hold one connection for lock + migrate + unlock.
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      // Migration numbers are handed out to parallel work, so one may land after a higher one was already
      // applied somewhere (0015 after 0016): run it then instead of refusing to start. Migrations never
      // depend on a higher-numbered one.
      const migrator = new Migrator({
        db: conn,
        provider: new DirectoryMigrationProvider(),
        allowUnorderedMigrations: true,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
        throw new Error(
          `Migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
          {
            cause: error,
          },
        );
      }
      return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
