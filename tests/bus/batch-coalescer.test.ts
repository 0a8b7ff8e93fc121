// The coalescer between the NATS partition consumers and the host: few concurrent host calls, batches that
// waited merged into one call, and every per-partition guarantee of the Bus interface kept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus.ts';
import { BatchCoalescer } from '../../src/bus/nats/batch-coalescer.ts';

let nextSeq = 1;
function delivery(partition: number): Delivery {
  const seq = nextSeq++;
  const at = new Date(0).toISOString();
  return {
    envelope: {
      id: `m${seq}`,
      leadId: `lead_${partition}`,
      actorType: 'test',
      studioId: 's',
      acceptedAt: at,
      event: { type: 'test.add', at, value: seq },
    },
    partition,
    seq,
    deliveryCount: 1,
    ack: () => Promise.resolve(),
    nak: () => Promise.resolve(),
    working: () => undefined,
  };
}

const tick = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('BatchCoalescer', () => {
  it('merges the batches that waited while calls were in flight into one call', async () => {
    const calls: number[][] = [];
    const releases: (() => void)[] = [];
    const coalescer = new BatchCoalescer(
      (batch) => {
        calls.push(batch.map((d) => d.partition));
        return new Promise<void>((resolve) => releases.push(resolve));
      },
      { maxConcurrent: 1 },
    );
    const first = coalescer.submit([delivery(0)]);
    const waiting = [1, 2, 3].map((p) => coalescer.submit([delivery(p), delivery(p)]));
    await tick(0);
    expect(calls).toEqual([[0]]);
    releases[0]?.();
    await first;
    await tick(0);
    expect(calls).toEqual([[0], [1, 1, 2, 2, 3, 3]]);
    releases[1]?.();
    await Promise.all(waiting);
  });

  it('stops filling a call at maxDeliveries, taking whole batches only', async () => {
    const calls: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const coalescer = new BatchCoalescer(
      async (batch) => {
        calls.push(batch.length);
        await gate;
      },
      { maxConcurrent: 1, maxDeliveries: 4 },
    );
    const all = [1, 2, 3, 4].map((p) => coalescer.submit([delivery(p), delivery(p), delivery(p)]));
    release();
    await Promise.all(all);
    // The first call goes alone at once; the next takes whole batches until it holds at least 4.
    expect(calls).toEqual([3, 6, 3]);
  });

  it('rejects every batch of a call whose handler threw, and goes on with the next', async () => {
    let fail = true;
    const coalescer = new BatchCoalescer(
      async () => {
        await tick(1);
        if (fail) throw new Error('database down');
      },
      { maxConcurrent: 1 },
    );
    const first = coalescer.submit([delivery(0)]);
    const merged = [coalescer.submit([delivery(1)]), coalescer.submit([delivery(2)])];
    await expect(first).rejects.toThrow('database down');
    fail = false;
    await Promise.all(merged);
  });

  it('keeps calls bounded, a partition in one call at a time, and every delivery once and in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 }),
        async (partitions, maxConcurrent, delays) => {
          const handled = new Map<number, number[]>();
          const busy = new Set<number>();
          let inFlight = 0;
          let maxInFlight = 0;
          let overlap = false;
          let call = 0;
          const coalescer = new BatchCoalescer(
            async (batch) => {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              const mine = new Set(batch.map((d) => d.partition));
              for (const p of mine) {
                if (busy.has(p)) overlap = true;
                busy.add(p);
              }
              for (const d of batch) handled.set(d.partition, [...(handled.get(d.partition) ?? []), d.seq]);
              await tick(delays[call++ % delays.length] ?? 0);
              for (const p of mine) busy.delete(p);
              inFlight--;
            },
            { maxConcurrent, maxDeliveries: 5 },
          );
          const submitted = new Map<number, number[]>();
          // Each partition consumer submits its next batch only after the previous one resolved.
          await Promise.all(
            partitions.map(async (sizes, p) => {
              for (const size of sizes) {
                const batch = Array.from({ length: size }, () => delivery(p));
                submitted.set(p, [...(submitted.get(p) ?? []), ...batch.map((d) => d.seq)]);
                await coalescer.submit(batch);
              }
            }),
          );
          expect(overlap).toBe(false);
          expect(maxInFlight).toBeLessThanOrEqual(maxConcurrent);
          for (const [p, seqs] of submitted) expect(handled.get(p)).toEqual(seqs);
          expect([...handled.keys()].sort()).toEqual([...submitted.keys()].sort());
        },
      ),
      { numRuns: 60 },
    );
  });
});
