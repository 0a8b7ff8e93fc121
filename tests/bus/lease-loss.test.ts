// A lease holder that may no longer own its partition stops consuming it (docs/nats.md "Leases"): when its
// renewal finds the lease taken by someone else (it stalled past the lease), and on its own ¾ of a lease
// after its last successful renewal (NATS not answering). A live lease is never taken over; an expired one is.
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionKey } from '../../src/bus/nats/lease-record.ts';
import type { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { natsUrl } from '../helpers/nats.ts';
import { startNatsServer } from '../helpers/servers.ts';
import { connectBus, isolatedNames, waitFor } from './nats-test-bus.ts';

const url = natsUrl();
const LEASE_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!url)('losing a partition lease', () => {
  const opened: NatsBus[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });

  it('stops a partition whose lease another worker took, and takes it back only once that lease expired', async () => {
    // A longer lease here: the renewal round (lease/4) must notice well before the ¾-lease guard would.
    const leaseMs = 2 * LEASE_MS;
    const names = isolatedNames();
    const bus = await connectBus(url ?? '', names, { partitions: 2, leaseMs, workerId: 'holder' });
    opened.push(bus);
    await bus.startConsuming(() => Promise.resolve());
    const owned = () => bus.status().ownedPartitions;
    await waitFor('both partitions held', () => owned().length === 2, 3 * leaseMs);

    const nc = await connect({ servers: url ?? '' });
    try {
      const kv = await new Kvm(nc).open(names.leaseBucket ?? '');
      // What a worker that took over after this one stalled past its lease would have written.
      const thief = async (expiresAt: number) =>
        kv.put(partitionKey(0), JSON.stringify({ owner: 'other-worker', expiresAt }));
      await thief(Date.now() + 60_000);
      // At the next renewal (within lease/4), not only when the guard fires ¾ lease after the last renewal.
      await waitFor('partition 0 given up', () => !owned().includes(0), leaseMs / 2);
      expect(owned()).toEqual([1]);
      // Another renewal round: the other worker's live lease is left alone.
      await sleep(leaseMs / 4 + 200);
      expect(owned()).toEqual([1]);
      expect((await kv.get(partitionKey(0)))?.json()).toMatchObject({ owner: 'other-worker' });

      await thief(Date.now() - 1);
      await waitFor('the expired lease claimed back', () => owned().includes(0), leaseMs);
    } finally {
      await nc.close();
    }
  });

  it('stops every partition ¾ of a lease after its last renewal while NATS does not answer, and takes them back after', async () => {
    const server = await startNatsServer();
    if (!server) throw new Error('could not start nats-server');
    try {
      const bus = await connectBus(server.url, isolatedNames(), { partitions: 2, leaseMs: LEASE_MS });
      opened.push(bus);
      await bus.startConsuming(() => Promise.resolve());
      const owned = () => bus.status().ownedPartitions;
      await waitFor('both partitions held', () => owned().length === 2, 3 * LEASE_MS);
      // A frozen server: renewals neither succeed nor fail.
      server.kill('SIGSTOP');
      const frozenAt = Date.now();
      try {
        await waitFor('partitions stopped', () => owned().length === 0, 2 * LEASE_MS);
        // Before any other worker may take a lease over: they expire at most a lease after the freeze.
        expect(Date.now() - frozenAt).toBeLessThan(LEASE_MS);
      } finally {
        server.kill('SIGCONT');
      }
      await waitFor('partitions taken back', () => owned().length === 2, 3 * LEASE_MS);
    } finally {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await server.stop();
    }
  });
});
