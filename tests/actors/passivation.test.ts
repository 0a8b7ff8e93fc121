import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

const CAP = 3;

describe.each(runtimeTransports())('passivation on the $name', ({ transport }) => {
  let rt: Runtime;
  let maxInMemory = 0;
  beforeAll(async () => {
    rt = await startRuntime({
      definitions: [testCounterDefinition],
      transport,
      host: { maxActorsInMemory: CAP, idleTimeoutMs: 60_000 },
    });
    rt.host.store.subscribe((s) => {
      maxInMemory = Math.max(maxInMemory, s.context.actorsInMemory);
    });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it(`with an LRU cap of ${CAP}, actors in memory never exceed it and evicted leads rehydrate and continue`, async () => {
    for (let round = 0; round < 3; round++) {
      for (let lead = 0; lead < 10; lead++) {
        await rt.publish(
          makeEnvelope({ leadId: `ld_lru${lead}`, event: { type: 'test.add', value: round } }),
        );
      }
    }
    await rt.idle();
    expect(maxInMemory).toBeGreaterThan(0);
    expect(maxInMemory).toBeLessThanOrEqual(CAP);
    for (let lead = 0; lead < 10; lead++) {
      expect(await leadValues(rt.db, `ld_lru${lead}`)).toEqual({ values: [0, 1, 2], version: 3 });
    }
  });

  it('idle actors are passivated, and the next message hydrates from the database', async () => {
    await rt.publish(makeEnvelope({ leadId: 'ld_idle', event: { type: 'test.add', value: 'a' } }));
    await rt.idle();
    expect(rt.host.store.getSnapshot().context.actorsInMemory).toBeGreaterThan(0);
    expect(rt.host.passivateIdle(new Date(Date.now() + 61_000))).toBeGreaterThan(0);
    expect(rt.host.store.getSnapshot().context.actorsInMemory).toBe(0);
    // Prove the next message reads the row (a cached actor would not see this edit).
    await sql`update leads set snapshot = jsonb_set(snapshot, '{context,values}', '["from-db"]') where id = 'ld_idle'`.execute(
      rt.db,
    );
    await rt.publish(makeEnvelope({ leadId: 'ld_idle', event: { type: 'test.add', value: 'b' } }));
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_idle')).toEqual({ values: ['from-db', 'b'], version: 2 });
  });
});
