// Leases on a real nats-server: two buses split the partitions, a leaving bus hands its share over, a
// joining one takes a share back, and no partition is ever consumed by two buses at once.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryHandler } from '../../src/bus/bus.ts';
import type { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { natsUrl } from '../helpers/nats.ts';
import { connectBus, isolatedNames, testEnvelope, waitFor } from './nats-test-bus.ts';

const url = natsUrl();
const PARTITIONS = 8;
const LEASE_MS = 2000;
const ALL = Array.from({ length: PARTITIONS }, (_, i) => i);

describe.skipIf(!url)('partition leases', () => {
  const opened: NatsBus[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });

  it('splits, hands over and rebalances without two owners of one partition', async () => {
    const names = isolatedNames();
    const open = async (workerId: string) => {
      const bus = await connectBus(url ?? '', names, { partitions: PARTITIONS, leaseMs: LEASE_MS, workerId });
      opened.push(bus);
      return bus;
    };
    const producer = await open('producer');

    // Which bus is inside the handler for each partition right now: a second one entering is a violation.
    const inHandler = new Map<number, string>();
    const violations: string[] = [];
    const processed = new Set<string>();
    const handlerFor =
      (name: string): DeliveryHandler =>
      async (batch) => {
        const partition = batch[0]?.partition ?? -1;
        const other = inHandler.get(partition);
        if (other !== undefined) violations.push(`p${partition}: ${name} while ${other}`);
        inHandler.set(partition, name);
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const d of batch) {
          processed.add(d.envelope.id);
          await d.ack();
        }
        inHandler.delete(partition);
      };

    // Sample ownership while messages flow during every change below.
    const buses = new Map<string, NatsBus>();
    const sampler = setInterval(() => {
      const seen = new Map<number, string>();
      for (const [name, bus] of buses) {
        for (const p of bus.status().ownedPartitions) {
          const other = seen.get(p);
          if (other !== undefined) violations.push(`p${p} owned by ${other} and ${name}`);
          seen.set(p, name);
        }
      }
    }, 10);
    let published = 0;
    let publishing = true;
    const publisher = (async () => {
      while (publishing) {
        await producer.publish(testEnvelope(`lead_${published % 40}`, published));
        published++;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const owned = (bus: NatsBus) => bus.status().ownedPartitions;

    try {
      const a = await open('worker-a');
      buses.set('a', a);
      await a.startConsuming(handlerFor('a'));
      await waitFor('a owns everything', () => owned(a).length === PARTITIONS);

      const b = await open('worker-b');
      buses.set('b', b);
      const changes: (readonly number[])[] = [];
      b.onPartitionsChanged((p) => changes.push(p));
      await b.startConsuming(handlerFor('b'));
      await waitFor('an even split', () => owned(a).length === 4 && owned(b).length === 4, 3 * LEASE_MS);
      expect([...owned(a), ...owned(b)].sort()).toEqual(ALL);
      await waitFor('the change notification', () => changes.at(-1)?.length === 4);
      expect(changes.at(-1)).toEqual(owned(b));

      // A clean stop hands b's partitions back well within one lease timeout.
      const stoppedAt = Date.now();
      await b.close();
      buses.delete('b');
      await waitFor('a owns everything again', () => owned(a).length === PARTITIONS, LEASE_MS);
      expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS);

      const c = await open('worker-c');
      buses.set('c', c);
      await c.startConsuming(handlerFor('c'));
      await waitFor('rebalanced with c', () => owned(a).length === 4 && owned(c).length === 4, 3 * LEASE_MS);
    } finally {
      publishing = false;
      await publisher;
      clearInterval(sampler);
    }
    // Everything published was consumed by someone, and nothing was consumed by two buses at once.
    await waitFor('all messages processed', () => processed.size === published);
    expect(violations).toEqual([]);
  });
});
