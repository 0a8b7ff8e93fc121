// One benchmark mode (nats | single) in this process: fresh database, bus, actor host with the test-counter
// machine (~1.5 KB snapshots), then the throughput, latency and passivation measurements.
import { randomBytes } from 'node:crypto';
import { createActorHost } from '../src/actors/actor-host.ts';
import type { Bus } from '../src/bus/bus.ts';
import { createInProcessBus } from '../src/bus/in-process-bus.ts';
import { NatsBus } from '../src/bus/nats/nats-bus.ts';
import { createTestCounterDefinition } from '../src/machines/test-counter/test-counter-definition.ts';
import type { BenchInfra } from './bench-infra.ts';
import { measureBusOnly } from './bus-only.ts';
import { withCommitClock } from './commit-clock.ts';
import { removeNatsNames } from './nats-names.ts';
import { collectGarbage, memoryBreakdown, rssMb, sampleRss } from './rss-sampler.ts';
import { measureLatency, measureThroughput, type Rig } from './workloads.ts';

export interface BenchSettings {
  partitions: number;
  leads: number;
  messages: number;
  window: number;
  ratePerSec: number;
  latencySeconds: number;
  passivationLeads: number;
}

export type Mode = 'nats' | 'single';

const print = (row: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(row)}\n`);
};

export async function runMode(mode: Mode, infra: BenchInfra, settings: BenchSettings): Promise<void> {
  const runId = randomBytes(3).toString('hex');
  if (mode === 'nats' && infra.natsUrl) {
    const busOnly = await measureBusOnly(infra.natsUrl, settings);
    print({ bench: 'bus', mode, leads: settings.leads, messages: settings.messages, ...busOnly });
  }
  const { db, drop } = await infra.freshDatabase();
  const names = {
    streamName: `BENCH_${runId}`,
    subjectPrefix: `bench${runId}.inbox`,
    leaseBucket: `bench_${runId}`,
  };
  let inner: Bus;
  if (mode === 'nats') {
    if (!infra.natsUrl) throw new Error('bench: no NATS server (set NATS_URL or put nats-server on PATH)');
    inner = await NatsBus.connect({ servers: infra.natsUrl, partitions: settings.partitions, ...names });
  } else {
    inner = createInProcessBus({ db, partitions: settings.partitions });
  }
  const clock = withCommitClock(inner);
  const host = createActorHost({
    db,
    bus: clock.bus,
    definitions: [createTestCounterDefinition({ padBytes: 1500 })],
  });
  const rss = sampleRss();
  try {
    await host.start();
    const deadline = Date.now() + 60_000;
    while (inner.status().ownedPartitions.length < settings.partitions && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rig: Rig = { bus: clock.bus, clock, runId };
    await measureThroughput(rig, { leads: 500, messages: 2000, window: settings.window, tag: 'w' });

    const throughput = await measureThroughput(rig, {
      leads: settings.leads,
      messages: settings.messages,
      window: settings.window,
      tag: 't',
    });
    await infra.settle();
    const latency = await measureLatency(rig, {
      leads: settings.leads,
      ratePerSec: settings.ratePerSec,
      seconds: settings.latencySeconds,
    });
    print({
      bench: 'e2e',
      mode,
      leads: settings.leads,
      messages: settings.messages,
      msgsPerSec: throughput.msgsPerSec,
      p50Ms: latency.p50Ms,
      p99Ms: latency.p99Ms,
      rssMb: rss.peakMb(),
    });
    print({ bench: 'latency', mode, offeredPerSec: settings.ratePerSec, ...latency });

    const touched = await measureThroughput(rig, {
      leads: settings.passivationLeads,
      messages: settings.passivationLeads,
      window: settings.window,
      tag: 'p',
    });
    collectGarbage();
    print({
      bench: 'passivation',
      mode,
      leads: settings.passivationLeads,
      msgsPerSec: touched.msgsPerSec,
      actorsInMemory: host.store.getSnapshot().context.actorsInMemory,
      rssMb: rssMb(),
      peakRssMb: rss.peakMb(),
      ...memoryBreakdown(),
    });
  } finally {
    rss.stop();
    await host.stop();
    await inner.close();
    if (mode === 'nats' && infra.natsUrl) await removeNatsNames(infra.natsUrl, names);
    await drop();
  }
}
