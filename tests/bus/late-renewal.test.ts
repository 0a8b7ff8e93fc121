// A lease renewal that answers after the ¾-lease guard already gave the partition up must not arm a guard of
// its own: that guard would later stop the fresh lease claimed in the meantime (a spurious loss and restart
// of a healthy partition). The renewal is made slow by holding back one KV update sent to a real nats-server.
import { Kvm, type KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveNatsBusConfig } from '../../src/bus/nats/nats-bus-config.ts';
import { PartitionLeases, type LossReason } from '../../src/bus/nats/partition-leases.ts';
import { natsUrl } from '../helpers/nats.ts';
import { isolatedNames, waitFor } from './nats-test-bus.ts';

const url = natsUrl();
const LEASE_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The real bucket, except that the next `update` call waits `delayMs` before it is sent. */
function withOneSlowUpdate(kv: KV, delayMs: number): { kv: KV; slowNextUpdate(): void } {
  let slow = false;
  const update: KV['update'] = async (...args) => {
    if (slow) {
      slow = false;
      await sleep(delayMs);
    }
    return kv.update(...args);
  };
  const wrapped = new Proxy(kv, {
    get(target, property, receiver) {
      if (property === 'update') return update;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { kv: wrapped, slowNextUpdate: () => (slow = true) };
}

describe.skipIf(!url)('a renewal that answers after the guard fired', () => {
  let nc: NatsConnection | undefined;
  let leases: PartitionLeases | undefined;
  afterEach(async () => {
    await leases?.stop();
    await nc?.close();
  });

  it('loses the partition once, then keeps the lease it claims again', async () => {
    nc = await connect({ servers: url ?? '' });
    const names = isolatedNames();
    const kv = await new Kvm(nc).create(names.leaseBucket ?? '', { history: 1 });
    const slow = withOneSlowUpdate(kv, 625);
    const losses: LossReason[] = [];
    let acquisitions = 0;
    const config = resolveNatsBusConfig({ servers: url ?? '', partitions: 1, leaseMs: LEASE_MS, ...names });
    leases = new PartitionLeases(slow.kv, config, {
      acquired: () => {
        acquisitions += 1;
        return Promise.resolve();
      },
      lost: (_partition, reason) => {
        losses.push(reason);
        return Promise.resolve();
      },
      changed: () => undefined,
    });
    leases.start();
    const owned = () => leases?.owned() ?? [];
    await waitFor('partition 0 held', () => owned().includes(0), 3 * LEASE_MS);
    // Let a renewal round succeed first, so the guard runs from a known renewal.
    await sleep(LEASE_MS / 2);

    // Rounds run every lease/4 and the guard stops the partition ¾ lease after the last good renewal: a
    // renewal answering 625 ms late comes back after the guard fired (~500 ms into it) but before the
    // guard it would arm (750 ms) is due. The same round then claims the partition back.
    slow.slowNextUpdate();
    await waitFor('the partition given up', () => losses.length > 0, 2 * LEASE_MS);
    await waitFor('the partition claimed back', () => owned().includes(0), 2 * LEASE_MS);
    // Two more lease periods: a stale guard would have stopped the new lease within one.
    await sleep(2 * LEASE_MS);
    expect(losses).toEqual(['expired']);
    expect(acquisitions).toBe(2);
    expect(owned()).toEqual([0]);
  });
});
