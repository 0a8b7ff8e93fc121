// The NATS side alone: publish → deliver → ack with a handler that only acks, so the e2e figures can be
// split into bus cost and host cost. Its own stream and bucket, removed afterwards.
import { randomBytes } from 'node:crypto';
import { NatsBus } from '../src/bus/nats/nats-bus.ts';
import { withCommitClock } from './commit-clock.ts';
import { removeNatsNames } from './nats-names.ts';
import { measureThroughput } from './workloads.ts';

export async function measureBusOnly(
  natsUrl: string,
  options: { partitions: number; leads: number; messages: number; window: number },
): Promise<{ msgsPerSec: number }> {
  const runId = randomBytes(3).toString('hex');
  const names = {
    streamName: `BENCHBUS_${runId}`,
    subjectPrefix: `benchbus${runId}.inbox`,
    leaseBucket: `benchbus_${runId}`,
  };
  const bus = await NatsBus.connect({ servers: natsUrl, partitions: options.partitions, ...names });
  const clock = withCommitClock(bus);
  try {
    await clock.bus.startConsuming(async (batch) => {
      for (const d of batch) await d.ack();
    });
    while (bus.status().ownedPartitions.length < options.partitions) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return await measureThroughput({ bus: clock.bus, clock, runId }, { ...options, tag: 'b' });
  } finally {
    await bus.close();
    await removeNatsNames(natsUrl, names);
  }
}
