import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, startRuntime } from '../helpers/runtime-harness.ts';
import { leadValues } from './lead-store.ts';

describe('fencing', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('two hosts racing on one lead never both commit the same version', async () => {
    // Two hosts, each with its own in-process bus over the same inbox: both receive every message.
    const a = await startRuntime({ db: t.db, definitions: [testCounterDefinition], partitions: 1 });
    const b = await startRuntime({ db: t.db, definitions: [testCounterDefinition], partitions: 1 });
    try {
      const N = 60;
      for (let i = 0; i < N; i++) {
        await (i % 2 === 0 ? a : b).publish(
          makeEnvelope({ leadId: 'ld_race', event: { type: 'test.add', value: i } }),
        );
      }
      await a.idle();
      await b.idle();
      expect(await leadValues(t.db, 'ld_race')).toEqual({
        values: Array.from({ length: N }, (_, i) => i),
        version: N,
      });
      const versions = await sql<{ lead_version: string; n: string }>`
        select lead_version, count(*) as n from processed_messages where lead_id = 'ld_race' group by lead_version`.execute(
        t.db,
      );
      expect(versions.rows.length).toBe(N);
      expect(versions.rows.every((r) => r.n === '1')).toBe(true);
      const outbox = await t.db
        .selectFrom('outbox')
        .select('payload')
        .where('lead_id', '=', 'ld_race')
        .orderBy('seq')
        .execute();
      expect(outbox.map((o) => o.payload.value)).toEqual(Array.from({ length: N }, (_, i) => i));
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a host with a stale cached actor loses the fenced commit, reloads and applies on top', async () => {
    // A is driven by hand (no bus loop), so it keeps its cached actor; B runs normally.
    const a = await startRuntime({
      db: t.db,
      definitions: [testCounterDefinition],
      partitions: 1,
      start: false,
    });
    const b = await startRuntime({
      db: t.db,
      definitions: [testCounterDefinition],
      partitions: 1,
      start: false,
    });
    let seq = 0;
    const deliver = (value: number): Delivery => ({
      envelope: makeEnvelope({ leadId: 'ld_stale', event: { type: 'test.add', value } }),
      partition: 0,
      seq: ++seq,
      deliveryCount: 1,
      ack: () => Promise.resolve(),
      nak: () => Promise.resolve(),
      working: () => undefined,
    });
    try {
      await a.host.handle([deliver(1)]);
      expect(a.host.store.getSnapshot().context.actorsInMemory).toBe(1);
      await b.host.handle([deliver(2)]);
      await a.host.handle([deliver(3)]);
      expect(a.host.store.getSnapshot().context.conflicts).toBeGreaterThan(0);
      expect(await leadValues(t.db, 'ld_stale')).toEqual({ values: [1, 2, 3], version: 3 });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
