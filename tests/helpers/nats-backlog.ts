// What a NATS-mode test runtime still has to process: per partition consumer, messages not yet delivered
// plus delivered but not yet acked. A partition whose consumer does not exist yet (its lease is still being
// acquired) counts as not drained.
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumerName } from '../../src/bus/nats/nats-bus-config.ts';
import { uniqueNatsNamespace } from './nats.ts';

export interface NatsBacklog {
  url: string;
  names: { streamName: string; subjectPrefix: string; leaseBucket: string };
  /** Messages published but not yet acked by the host (Infinity while a partition has no consumer). */
  unacked(): Promise<number>;
  /** Deletes the stream and the lease bucket, and closes the connection. */
  remove(): Promise<void>;
}

export async function natsBacklog(url: string, partitions: number): Promise<NatsBacklog> {
  const ns = uniqueNatsNamespace();
  const names = { streamName: `RT_${ns}`, subjectPrefix: `${ns}.inbox`, leaseBucket: `${ns}_leases` };
  const nc: NatsConnection = await connect({ servers: url });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  return {
    url,
    names,
    async unacked() {
      let total = 0;
      for (let p = 0; p < partitions; p++) {
        try {
          const info = await jsm.consumers.info(names.streamName, consumerName(p));
          total += info.num_pending + info.num_ack_pending;
        } catch {
          return Number.POSITIVE_INFINITY;
        }
      }
      return total;
    },
    async remove() {
      await jsm.streams.delete(names.streamName).catch(() => undefined);
      await new Kvm(nc)
        .open(names.leaseBucket)
        .then((kv) => kv.destroy())
        .catch(() => undefined);
      await nc.close();
    },
  };
}
