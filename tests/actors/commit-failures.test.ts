import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../src/actors/dead-letters.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

describe.each(runtimeTransports())(
  'a message whose writes the database rejects, on the $name',
  ({ transport }) => {
    let rt: Runtime;
    beforeAll(async () => {
      // One partition: the bad lead and the good one share every batch.
      rt = await startRuntime({
        definitions: [testCounterDefinition],
        partitions: 1,
        transport,
        retryDelaysMs: [60_000],
        host: { retryPollMs: false },
      });
    });
    afterAll(async () => {
      await rt.stop();
    });

    it('is found and dead-lettered at once with its cause, without blocking the partition or its lead’s later messages', async () => {
      await rt.publish(makeEnvelope({ leadId: 'ld_x', event: { type: 'test.add', value: 1 } }));
      // A timestamp zod accepts but PostgreSQL rejects: the commit fails (every time), not the machine.
      const bad = makeEnvelope({
        leadId: 'ld_x',
        event: { type: 'test.schedule', key: 'k', dueAt: '0000-01-01T00:00:00Z' },
      });
      await rt.publish(bad);
      await rt.publish(makeEnvelope({ leadId: 'ld_x', event: { type: 'test.add', value: 3 } }));
      for (let i = 0; i < 3; i++)
        await rt.publish(makeEnvelope({ leadId: 'ld_y', event: { type: 'test.add', value: i } }));
      await rt.idle();
      expect((await leadValues(rt.db, 'ld_y'))?.values).toEqual([0, 1, 2]);
      // A permanent failure (PostgreSQL data error): no backoff, the lead's next message is applied.
      expect(await leadValues(rt.db, 'ld_x')).toEqual({ values: [1, 3], version: 2 });
      const parked = await rt.db
        .selectFrom('lead_retries')
        .selectAll()
        .where('lead_id', '=', 'ld_x')
        .execute();
      expect(parked).toEqual([]);
      const dead = await listDeadLetters(rt.db, { leadId: 'ld_x' });
      expect(dead.map((d) => d.messageId)).toEqual([bad.id]);
      expect(dead[0]?.error).toContain('commit failed');
      const events = await rt.db
        .selectFrom('system_events')
        .select('payload')
        .where('type', '=', 'runtime.dead_letter')
        .where('lead_id', '=', 'ld_x')
        .execute();
      expect(events.map((e) => e.payload)).toEqual([
        expect.objectContaining({
          messageId: bad.id,
          failureClass: 'permanent',
          cause: 'pg_data',
          attempts: 1,
        }),
      ]);
    });
  },
);
