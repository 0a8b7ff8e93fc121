import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, startRuntime } from '../helpers/runtime-harness.ts';
import { leadValues } from './lead-store.ts';

interface Persisted {
  context: { values: unknown[] };
}

describe('versioned snapshots', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const v1 = await startRuntime({
      db: t.db,
      definitions: [createTestCounterDefinition({ machineVersion: 1 })],
    });
    await v1.publish(makeEnvelope({ leadId: 'ld_m', event: { type: 'test.add', value: 'old' } }));
    await v1.publish(makeEnvelope({ leadId: 'ld_r', event: { type: 'test.add', value: 'old' } }));
    await v1.publish(makeEnvelope({ leadId: 'ld_r', event: { type: 'test.add', value: 'old2' } }));
    await v1.idle();
    await v1.stop();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('runs snapshot migrations on hydrate and stores the new machine_version', async () => {
    const v2 = createTestCounterDefinition({
      machineVersion: 2,
      snapshotMigrations: {
        1: (persisted) => {
          const p = persisted as Persisted;
          return { ...p, context: { ...p.context, values: p.context.values.map((v) => `v2:${String(v)}`) } };
        },
      },
    });
    const rt = await startRuntime({ db: t.db, definitions: [v2] });
    try {
      await rt.publish(makeEnvelope({ leadId: 'ld_m', event: { type: 'test.add', value: 'new' } }));
      await rt.idle();
      expect(await leadValues(t.db, 'ld_m')).toEqual({ values: ['v2:old', 'new'], version: 2 });
      const row = await t.db
        .selectFrom('leads')
        .select('machine_version')
        .where('id', '=', 'ld_m')
        .executeTakeFirstOrThrow();
      expect(row.machine_version).toBe(2);
      const events = await t.db
        .selectFrom('system_events')
        .select('type')
        .where('lead_id', '=', 'ld_m')
        .execute();
      expect(events.map((e) => e.type)).toEqual(['runtime.snapshot_migrated']);
    } finally {
      await rt.stop();
    }
  });

  it('rebuilds an unmigratable snapshot from the lead’s answers instead of dropping it', async () => {
    const v3 = createTestCounterDefinition({
      machineVersion: 3,
      // No migration from 1: the snapshot cannot be migrated.
      snapshotMigrations: { 2: (p) => p },
      rebuild: (row) => ({
        status: 'active',
        value: 'counting',
        context: { values: [`rebuilt:${String(row.answers.count)}`], pad: '' },
        children: {},
        historyValue: {},
      }),
    });
    const rt = await startRuntime({ db: t.db, definitions: [v3] });
    try {
      await rt.publish(makeEnvelope({ leadId: 'ld_r', event: { type: 'test.add', value: 'new' } }));
      await rt.idle();
      expect(await leadValues(t.db, 'ld_r')).toEqual({ values: ['rebuilt:2', 'new'], version: 3 });
      const events = await t.db
        .selectFrom('system_events')
        .select(['type', 'level'])
        .where('lead_id', '=', 'ld_r')
        .execute();
      expect(events).toEqual([{ type: 'runtime.snapshot_rebuilt', level: 'warn' }]);
    } finally {
      await rt.stop();
    }
  });
});
