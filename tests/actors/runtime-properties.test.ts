// Property tests over random interleavings of many leads' messages with duplicates, dropped acks (a crash
// between commit and ack → redelivery) and host restarts, on both buses: the in-process one and NATS
// JetStream (16 partitions, so the NATS bus merges several partitions' batches into one host call).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { makeEnvelope, startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { leadValues } from './lead-store.ts';

type Op =
  | { kind: 'send'; lead: number; dropAck: boolean }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'restart' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('send' as const), lead: fc.nat(7), dropAck: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

// 16 partitions on NATS, so the bus merges several partitions' batches into one host call.
const transports = runtimeTransports().map((t) => ({
  ...t,
  partitions: t.transport === 'in-process' ? 3 : 16,
}));

describe.each(transports)('actor runtime properties on the $name', ({ transport, partitions }) => {
  let rt: Runtime;
  const busy = new Map<string, number>();
  const dropOnce = new Set<string>();
  let overlapping: string[] = [];
  let run = 0;

  beforeAll(async () => {
    rt = await startRuntime({
      definitions: [testCounterDefinition],
      partitions,
      transport,
      host: {
        hooks: {
          onLeadBusy(leadId, isBusy) {
            const n = (busy.get(leadId) ?? 0) + (isBusy ? 1 : -1);
            if (n > 1) overlapping.push(leadId);
            busy.set(leadId, n);
          },
          dropAck(envelope) {
            return dropOnce.delete(envelope.id);
          },
        },
      },
    });
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('each lead’s final snapshot equals its distinct messages applied in stream order, each exactly once, never two in flight', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        run++;
        overlapping = [];
        const sent: Envelope[] = [];
        const expected = new Map<string, unknown[]>();
        for (const op of ops) {
          if (op.kind === 'restart') {
            await rt.restartHost();
            continue;
          }
          let envelope: Envelope;
          if (op.kind === 'duplicate') {
            const original = sent[op.pick % Math.max(sent.length, 1)];
            if (!original) continue;
            envelope = original;
          } else {
            const leadId = `ld_p${run}_${op.lead}`;
            envelope = makeEnvelope({ leadId, event: { type: 'test.add', value: `${run}.${sent.length}` } });
            sent.push(envelope);
            expected.set(leadId, [...(expected.get(leadId) ?? []), envelope.event.value]);
            if (op.dropAck) dropOnce.add(envelope.id);
          }
          await rt.publish(envelope);
        }
        await rt.idle();
        expect(overlapping).toEqual([]);
        for (const [leadId, values] of expected) {
          expect(await leadValues(rt.db, leadId)).toEqual({ values, version: values.length });
          const processed = await rt.db
            .selectFrom('processed_messages')
            .select('message_id')
            .where('lead_id', '=', leadId)
            .execute();
          expect(processed.map((p) => p.message_id).sort()).toEqual(
            sent
              .filter((e) => e.leadId === leadId)
              .map((e) => e.id)
              .sort(),
          );
          // Effects too are written once per applied message.
          const outbox = await rt.db
            .selectFrom('outbox')
            .select('payload')
            .where('lead_id', '=', leadId)
            .orderBy('seq')
            .execute();
          expect(outbox.map((o) => o.payload.value)).toEqual(values);
        }
      }),
      { numRuns: 15 },
    );
  });
});
