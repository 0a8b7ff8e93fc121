// The NATS bus against a real nats-server: order per partition, Nats-Msg-Id dedupe, ack semantics.
import { afterEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus.ts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { TRACE_HEADER, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { envelopeSchema } from '../../src/domain/envelope.ts';
import { partitionOf } from '../../src/domain/ids.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { natsUrl } from '../helpers/nats.ts';
import { startNatsServer } from '../helpers/servers.ts';
import { connectBus, isolatedNames, testEnvelope, waitFor } from './nats-test-bus.ts';

const url = natsUrl();
const stepOf = (d: Delivery): number => Number(envelopeSchema.parse(d.envelope).event.n);

describe.skipIf(!url)('NATS bus', () => {
  const opened: NatsBus[] = [];
  const open = async (...args: Parameters<typeof connectBus> extends [unknown, ...infer R] ? R : never) => {
    const bus = await connectBus(url ?? '', ...args);
    opened.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });

  it('delivers every lead in publish order, a partition in one host call at a time, batches merged', async () => {
    const names = isolatedNames();
    // One host call at a time: the partitions' batches that wait meanwhile must be merged.
    const bus = await open(names, { handlerConcurrency: 1 });
    const leads = Array.from({ length: 12 }, (_, i) => `lead_${i}`);
    for (let n = 0; n < 25; n++) {
      await Promise.all(leads.map((lead) => bus.publish(testEnvelope(lead, n))));
    }
    // The first call waits until every partition is owned (leases are claimed one round at a time, slower
    // on a loaded machine), so the other partitions' batches are waiting meanwhile and must be merged;
    // without the gate a partition claimed early could drain alone and the check would depend on timing.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: Delivery[] = [];
    const busy = new Set<number>();
    let overlapped = false;
    let merged = false;
    await bus.startConsuming(async (batch) => {
      await gate;
      // A call may carry several partitions' batches (batch-coalescer.ts), but a partition never two at once.
      const partitions = new Set(batch.map((d) => d.partition));
      if (partitions.size > 1) merged = true;
      for (const partition of partitions) {
        if (busy.has(partition)) overlapped = true;
        busy.add(partition);
      }
      await new Promise((resolve) => setTimeout(resolve, 15));
      for (const d of batch) {
        seen.push(d);
        await d.ack();
      }
      for (const partition of partitions) busy.delete(partition);
    });
    await waitFor('every partition owned', () => bus.status().ownedPartitions.length === 4);
    release();
    await waitFor('300 deliveries', () => seen.length >= 300);
    expect(overlapped).toBe(false);
    expect(merged).toBe(true);
    for (const lead of leads) {
      const steps = seen.filter((d) => d.envelope.leadId === lead).map(stepOf);
      expect(steps).toEqual(Array.from({ length: 25 }, (_, n) => n));
    }
    for (const d of seen) expect(d.partition).toBe(partitionOf(d.envelope.leadId, 4));
    for (let p = 0; p < 4; p++) {
      const seqs = seen.filter((d) => d.partition === p).map((d) => d.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(seen[0]?.deliveryCount).toBe(1);
    expect(bus.status()).toMatchObject({ mode: 'nats', connected: true, partitions: 4 });
    expect(bus.status().ownedPartitions).toEqual([0, 1, 2, 3]);
  });

  it('reports a repeated Nats-Msg-Id as a duplicate and stores it once', async () => {
    const bus = await open(isolatedNames());
    const envelope = testEnvelope('lead_dup', 1, 'whatsapp:wamid.same');
    const first = await bus.publish(envelope);
    const second = await bus.publish({ ...envelope, acceptedAt: new Date().toISOString() });
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ duplicate: true, seq: first.seq });
    await bus.ping();
  });

  it('redelivers what was not acked and never what was', async () => {
    const names = isolatedNames();
    const first = await open(names);
    for (let n = 0; n < 3; n++) await first.publish(testEnvelope('lead_a', n));
    const acked: number[] = [];
    const naked: number[] = [];
    await first.startConsuming(async (batch) => {
      for (const d of batch) {
        // Step 1 is refused once (nak): it must come back, with deliveryCount 2.
        if (stepOf(d) === 1 && d.deliveryCount === 1) {
          naked.push(stepOf(d));
          await d.nak();
        } else if (stepOf(d) === 2) {
          naked.push(stepOf(d)); // step 2 is left un-settled: the next owner must get it
        } else {
          acked.push(stepOf(d));
          await d.ack();
        }
      }
    });
    await waitFor('step 1 redelivered and acked', () => acked.includes(1));
    expect(acked).toEqual([0, 1]);
    await first.close();

    // A new worker takes over: the un-acked step 2 comes back, the acked ones do not.
    const second = await open(names);
    await second.publish(testEnvelope('lead_a', 3));
    const later: Delivery[] = [];
    await second.startConsuming(async (batch) => {
      for (const d of batch) {
        later.push(d);
        await d.ack();
      }
    });
    await waitFor('the marker message', () => later.some((d) => stepOf(d) === 3));
    expect(later.map(stepOf)).toEqual([2, 3]);
  });

  it('keeps a lead in order when the host naks: the given-back message comes back before newer ones', async () => {
    const bus = await open(isolatedNames(), { partitions: 1 });
    for (let n = 0; n < 6; n++) {
      await bus.publish(testEnvelope('lead_a', n));
      await bus.publish(testEnvelope('lead_b', n));
    }
    // Like the host: apply each message once (dedupe by id), and give a lead's messages back from the first
    // failing one on (here: lead_a step 2 fails once, its commit "failed").
    const applied = new Map<string, number[]>();
    const done = new Set<string>();
    let failedOnce = false;
    let secondTry = 0;
    await bus.startConsuming(async (batch) => {
      const givenBack = new Set<string>();
      for (const d of batch) {
        const lead = d.envelope.leadId;
        if (givenBack.has(lead)) {
          await d.nak(50);
          continue;
        }
        if (lead === 'lead_a' && stepOf(d) === 2 && !failedOnce) {
          failedOnce = true;
          givenBack.add(lead);
          await d.nak(50);
          // Newer messages of the lead arrive meanwhile: they must not overtake the given-back ones.
          for (let n = 6; n < 9; n++) await bus.publish(testEnvelope('lead_a', n));
          continue;
        }
        if (lead === 'lead_a' && stepOf(d) === 2) secondTry = d.deliveryCount;
        if (!done.has(d.envelope.id)) {
          done.add(d.envelope.id);
          applied.set(lead, [...(applied.get(lead) ?? []), stepOf(d)]);
        }
        await d.ack();
      }
    });
    await waitFor('both leads applied', () => done.size === 15);
    expect(applied.get('lead_a')).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(applied.get('lead_b')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(secondTry).toBe(2);
  });

  it('stores the trace id and Nats-Msg-Id as headers on the lead subject', async () => {
    const names = isolatedNames();
    const bus = await open(names);
    const envelope = testEnvelope('lead_trace', 7, 'stripe:evt_123');
    const { seq } = await bus.publish(envelope);
    const nc = await connect({ servers: url ?? '' });
    try {
      const stored = await (await jetstreamManager(nc)).streams.getMessage(names.streamName ?? '', { seq });
      expect(stored?.subject).toBe(`${names.subjectPrefix ?? ''}.${partitionOf('lead_trace', 4)}.lead_trace`);
      expect(stored?.header.get(TRACE_HEADER)).toBe('trace-7');
      expect(stored?.header.get('Nats-Msg-Id')).toBe('stripe:evt_123');
    } finally {
      await nc.close();
    }
  });

  it('removes only what it cannot route (its bytes recorded); a routable invalid envelope reaches the host', async () => {
    const names = isolatedNames();
    const database = await createTestDatabase();
    const nc = await connect({ servers: url ?? '' });
    try {
      const bus = await open(names, { partitions: 1, db: database.db });
      const js = jetstream(nc);
      const subject = `${names.subjectPrefix ?? ''}.0.lead_bad`;
      await js.publish(subject, 'not json at all');
      await js.publish(subject, JSON.stringify({ id: 'x:no-lead' }));
      // Routable but not an envelope (no studio, no event): the host's to judge, with its full content.
      await js.publish(subject, JSON.stringify({ id: 'x:routable', leadId: 'lead_bad', note: 'kept' }));
      await bus.publish(testEnvelope('lead_bad', 1, 'x:valid'));
      const seen: Delivery[] = [];
      await bus.startConsuming(async (batch) => {
        for (const d of batch) {
          seen.push(d);
          await d.ack();
        }
      });
      await waitFor('the routable messages', () => seen.length >= 2);
      expect(seen.map((d) => d.envelope.id)).toEqual(['x:routable', 'x:valid']);
      expect(seen[0]?.envelope).toEqual({ id: 'x:routable', leadId: 'lead_bad', note: 'kept' });
      const events = await database.db
        .selectFrom('system_events')
        .select(['type', 'level', 'payload'])
        .where('type', '=', 'bus.malformed_message')
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.payload)).toMatchObject([
        { reason: 'not JSON', excerpt: 'not json at all', bytes: 15 },
        { excerpt: '{"id":"x:no-lead"}' },
      ]);
      expect(String(events[1]?.payload.reason)).toMatch(/^leadId/);
      expect(events.every((e) => e.level === 'error')).toBe(true);
    } finally {
      await nc.close();
      await database.drop();
    }
  });

  it('fails readiness at once while its server is down, and still closes', async () => {
    const server = await startNatsServer();
    if (!server) throw new Error('could not start nats-server');
    try {
      const bus = await connectBus(server.url, isolatedNames());
      opened.push(bus);
      await bus.ping();
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      await waitFor('the disconnect to be noticed', () => !bus.status().connected);
      await expect(bus.ping()).rejects.toThrow(/disconnected/);
      await bus.close();
      expect(bus.status().connected).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('rejects a publish nobody stored (no stream for the subject): never reported accepted', async () => {
    const names = isolatedNames();
    const bus = await open(names);
    const nc = await connect({ servers: url ?? '' });
    try {
      await (await jetstreamManager(nc)).streams.delete(names.streamName ?? '');
    } finally {
      await nc.close();
    }
    await expect(bus.publish(testEnvelope('lead_gone', 1))).rejects.toThrow(/did not answer/);
  });

  it('refuses to consume with a partition count other than the stream was started with', async () => {
    const names = isolatedNames();
    const bus = await open(names);
    await bus.startConsuming(() => Promise.resolve());
    const other = await open(names, { partitions: 8 });
    await expect(other.startConsuming(() => Promise.resolve())).rejects.toThrow(/LEADLINE_PARTITIONS=8/);
  });
});
