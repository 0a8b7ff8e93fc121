import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus.ts';
import { createInProcessBus } from '../../src/bus/in-process-bus.ts';
import { partitionOf } from '../../src/domain/ids.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeEnvelope, waitFor } from '../helpers/runtime-harness.ts';

describe('in-process bus', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a publish the database refuses fails alone: the others sharing its multi-row insert are accepted', async () => {
    const bus = createInProcessBus({ db: t.db, partitions: 2, pollIntervalMs: 50 });
    const good = [0, 1, 2, 3].map((i) => makeEnvelope({ leadId: `ld_share_${i}` }));
    // An id PostgreSQL refuses as text (NUL): the gateway never publishes one, this checks the isolation.
    const bad = makeEnvelope({ leadId: 'ld_share_bad', id: 'test:\u0000bad' });
    // Published in one tick: one insert for all five.
    const results = await Promise.allSettled(
      [...good.slice(0, 2), bad, ...good.slice(2)].map((e) => bus.publish(e)),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const stored = await t.db
      .selectFrom('inbox')
      .select('message_id')
      .where('lead_id', 'like', 'ld_share_%')
      .execute();
    expect(stored.map((r) => r.message_id).sort()).toEqual(good.map((e) => e.id).sort());
    await t.db.deleteFrom('inbox').execute();
    await bus.close();
  });

  it('dedupes on message id, delivers in seq order per partition, redelivers nak’d messages first, and recovers on restart', async () => {
    const bus = createInProcessBus({ db: t.db, partitions: 2, pollIntervalMs: 50 });
    const first = makeEnvelope({ leadId: 'ld_bus' });
    expect((await bus.publish(first)).duplicate).toBe(false);
    expect(await bus.publish(first)).toMatchObject({ duplicate: true });
    // Published before anyone consumes: delivered on start (restart recovery).
    for (let i = 0; i < 4; i++) await bus.publish(makeEnvelope({ leadId: 'ld_bus', event: { value: i } }));

    const seen: { id: string; count: number; partition: number }[] = [];
    let nakFirstOnce = true;
    await bus.startConsuming(async (batch: readonly Delivery[]) => {
      for (const d of batch) {
        seen.push({ id: d.envelope.id, count: d.deliveryCount, partition: d.partition });
        if (d.envelope.id === first.id && nakFirstOnce) {
          nakFirstOnce = false;
          await d.nak(20);
          // Everything after it in the partition must wait too (order).
          for (const rest of batch.slice(1)) await rest.nak(20);
          return;
        }
        await d.ack();
      }
    });
    expect(bus.status().ownedPartitions).toEqual([0, 1]);
    await waitFor(
      async () => (await t.db.selectFrom('inbox').selectAll().execute()).length === 0,
      5_000,
      'inbox drained',
    );
    await bus.stopConsuming();
    const ids = seen.map((s) => s.id);
    expect(ids[0]).toBe(first.id);
    // After the nak the first message comes again, first, with deliveryCount 2, and each message is then acked once.
    const afterNak = seen.slice(ids.indexOf(first.id, 1));
    expect(afterNak[0]).toMatchObject({ id: first.id, count: 2, partition: partitionOf('ld_bus', 2) });
    expect(afterNak.map((s) => s.id)).toHaveLength(5);
    expect(await t.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
    await bus.close();
  });

  it('wakes a consumer on publish without waiting for the poll', async () => {
    const bus = createInProcessBus({ db: t.db, partitions: 1, pollIntervalMs: 60_000 });
    const got: string[] = [];
    await bus.startConsuming(async (batch) => {
      for (const d of batch) {
        got.push(d.envelope.id);
        await d.ack();
      }
    });
    try {
      const envelope = makeEnvelope({ leadId: 'ld_wake' });
      const started = Date.now();
      await bus.publish(envelope);
      await waitFor(() => got.includes(envelope.id), 5_000, 'delivery');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await bus.close();
    }
  });
});

describe('in-process bus publishing', () => {
  it('concurrent publishes (with repeated ids) are each accepted once, in call order', async () => {
    const t = await createTestDatabase();
    const bus = createInProcessBus({ db: t.db, partitions: 1 });
    try {
      const envelopes = Array.from({ length: 50 }, (_, i) =>
        makeEnvelope({ leadId: 'ld_pub', event: { value: i } }),
      );
      const results = await Promise.all(
        [...envelopes, envelopes[3]!, envelopes[7]!].map((e) => bus.publish(e)),
      );
      expect(results.filter((r) => r.duplicate)).toHaveLength(2);
      expect(results.slice(0, 50).every((r) => !r.duplicate)).toBe(true);
      const seqs = results.slice(0, 50).map((r) => r.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(results[50]?.seq).toBe(results[3]?.seq);
      const rows = await t.db.selectFrom('inbox').select('message_id').orderBy('seq').execute();
      expect(rows.map((r) => r.message_id)).toEqual(envelopes.map((e) => e.id));
    } finally {
      await bus.close();
      await t.drop();
    }
  });
});
