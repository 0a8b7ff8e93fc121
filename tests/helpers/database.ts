// A fresh, migrated database per test file (unique name, dropped afterwards). Real PostgreSQL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Db } from '../../src/persistence/database.ts';
import { migrateToLatest } from '../../src/persistence/migrate.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  /** Closes `db` and drops the database. */
  drop(): Promise<void>;
}

async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `leadline_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  const db = createDatabase({ connectionString: url.toString(), max: 10 });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
