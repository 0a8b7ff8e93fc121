import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/persistence/migrate.ts';
import { createTestDatabase } from '../helpers/database.ts';

describe('migrations', () => {
  it('install on a fresh database, then re-run as a no-op', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      const first = await migrateToLatest(t.db);
      expect(first.applied).toContain('0001_initial');
      const second = await migrateToLatest(t.db);
      expect(second.applied).toEqual([]);
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = 'public'`.execute(t.db);
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['leads', 'outbox', 'timers', 'system_events', 'dead_letters', 'inbox']),
      );
    } finally {
      await t.drop();
    }
  });

  it('a migration that lands after a higher-numbered one was applied still runs', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      await migrateToLatest(t.db);
      // As if 0012 had not existed yet when everything after it was applied.
      const { down } = (await import('../../src/persistence/migrations/0012_reconciliation.ts')) as {
        down: (db: typeof t.db) => Promise<void>;
      };
      await down(t.db);
      await sql`delete from kysely_migration where name = '0012_reconciliation'`.execute(t.db);
      const late = await migrateToLatest(t.db);
      expect(late.applied).toEqual(['0012_reconciliation']);
    } finally {
      await t.drop();
    }
  });

  it('concurrent starts migrate exactly once', async () => {
    const t = await createTestDatabase({ migrate: false });
    try {
      const outcomes = await Promise.all([
        migrateToLatest(t.db),
        migrateToLatest(t.db),
        migrateToLatest(t.db),
      ]);
      const appliedCounts = outcomes.map((o) => o.applied.length).sort();
      expect(appliedCounts.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      await t.drop();
    }
  });
});
