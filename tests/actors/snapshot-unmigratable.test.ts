// Snapshots the running code cannot take as they are (docs/runtime.md "Versioned snapshots"): one written by
// newer code (after a rollback) is rebuilt, never restored as is; without a rebuild, an unmigratable snapshot
// fails the message (parked for retry) and the row is kept untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import type { Db } from '../../src/persistence/database.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, startRuntime } from '../helpers/runtime-harness.ts';
import { leadValues } from './lead-store.ts';

type Definition = ReturnType<typeof createTestCounterDefinition>;

/** Applies one `test.add` of `value` to `leadId` with `definition` (a process running that code). */
async function applyWith(db: Db, definition: Definition, leadId: string, value: string): Promise<void> {
  const rt = await startRuntime({
    db,
    definitions: [definition],
    retryDelaysMs: [60_000],
    host: { retryPollMs: false },
  });
  try {
    await rt.publish(makeEnvelope({ leadId, event: { type: 'test.add', value } }));
    await rt.idle();
  } finally {
    await rt.stop();
  }
}

const row = (db: Db, leadId: string) =>
  db
    .selectFrom('leads')
    .select(['snapshot', 'version', 'machine_version'])
    .where('id', '=', leadId)
    .executeTakeFirstOrThrow();

describe('snapshots the running code cannot restore as they are', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a snapshot written by newer code (a rollback) is rebuilt from the lead’s answers', async () => {
    await applyWith(t.db, createTestCounterDefinition({ machineVersion: 3 }), 'ld_future', 'from-v3');
    const rolledBack = createTestCounterDefinition({
      machineVersion: 2,
      rebuild: (lead) => ({
        status: 'active',
        value: 'counting',
        context: { values: [`rebuilt:${String(lead.answers.count)}`], pad: '' },
        children: {},
        historyValue: {},
      }),
    });
    await applyWith(t.db, rolledBack, 'ld_future', 'from-v2');
    expect(await leadValues(t.db, 'ld_future')).toEqual({ values: ['rebuilt:1', 'from-v2'], version: 2 });
    expect((await row(t.db, 'ld_future')).machine_version).toBe(2);
    const events = await t.db
      .selectFrom('system_events')
      .select(['type', 'payload'])
      .where('lead_id', '=', 'ld_future')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['runtime.snapshot_rebuilt']);
    expect(events[0]?.payload).toMatchObject({
      from: 3,
      to: 2,
      reason: expect.stringMatching(/newer/) as string,
    });
  });

  it('without a rebuild, an unmigratable snapshot fails the message and the row is kept untouched', async () => {
    await applyWith(t.db, createTestCounterDefinition({ machineVersion: 1 }), 'ld_stuck', 'v1');
    const before = await row(t.db, 'ld_stuck');
    // Version 2 code with no migration from 1 and no rebuild.
    const message = makeEnvelope({ leadId: 'ld_stuck', event: { type: 'test.add', value: 'v2' } });
    const rt = await startRuntime({
      db: t.db,
      definitions: [createTestCounterDefinition({ machineVersion: 2 })],
      retryDelaysMs: [60_000],
      host: { retryPollMs: false },
    });
    try {
      await rt.publish(message);
      await rt.idle();
    } finally {
      await rt.stop();
    }
    expect(await row(t.db, 'ld_stuck')).toEqual(before);
    const parked = await t.db
      .selectFrom('lead_retries')
      .select(['message_id', 'last_error'])
      .where('lead_id', '=', 'ld_stuck')
      .execute();
    expect(parked).toEqual([
      { message_id: message.id, last_error: expect.stringMatching(/cannot be migrated/) as string },
    ]);
  });
});
