import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { leadValues } from './lead-store.ts';

describe('actor host (in-process bus)', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startRuntime({ definitions: [testCounterDefinition] });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('applies each lead’s messages in order, one version per message, with outbox and transcript rows', async () => {
    for (const value of [1, 2, 3]) {
      await rt.publish(
        makeEnvelope({
          leadId: 'ld_a',
          event: { type: 'test.add', value },
          transcript: { direction: 'in', kind: 'text', text: `v${value}` },
        }),
      );
      await rt.publish(makeEnvelope({ leadId: 'ld_b', event: { type: 'test.add', value: value * 10 } }));
    }
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_a')).toEqual({ values: [1, 2, 3], version: 3 });
    expect(await leadValues(rt.db, 'ld_b')).toEqual({ values: [10, 20, 30], version: 3 });
    const outbox = await rt.db
      .selectFrom('outbox')
      .selectAll()
      .where('lead_id', '=', 'ld_a')
      .orderBy('seq')
      .execute();
    expect(outbox.map((o) => o.payload)).toEqual(
      [1, 2, 3].map((value) => ({ type: 'effect.test.record', value })),
    );
    const transcript = await rt.db
      .selectFrom('transcript')
      .select(['text', 'direction'])
      .where('lead_id', '=', 'ld_a')
      .orderBy('id')
      .execute();
    expect(transcript).toEqual([1, 2, 3].map((v) => ({ text: `v${v}`, direction: 'in' })));
    const processed = await rt.db
      .selectFrom('processed_messages')
      .select('lead_version')
      .where('lead_id', '=', 'ld_a')
      .execute();
    expect(processed.map((p) => Number(p.lead_version)).sort()).toEqual([1, 2, 3]);
  });

  it('acks a duplicate envelope id without applying it again', async () => {
    const envelope = makeEnvelope({ leadId: 'ld_dup', event: { type: 'test.add', value: 'x' } });
    await rt.publish(envelope);
    await rt.idle();
    await rt.publish(envelope);
    await rt.idle();
    expect(await leadValues(rt.db, 'ld_dup')).toEqual({ values: ['x'], version: 1 });
  });
});
