// Removing a benchmark's stream and lease bucket from a NATS server that outlives the run (NATS_URL).
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';

export interface NatsNames {
  streamName: string;
  subjectPrefix: string;
  leaseBucket: string;
}

export async function removeNatsNames(url: string, names: NatsNames): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(names.streamName).catch(() => undefined);
    await (await new Kvm(nc).open(names.leaseBucket)).destroy().catch(() => undefined);
  } finally {
    await nc.close();
  }
}
