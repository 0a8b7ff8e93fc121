// The inbox stream and the per-partition durable consumers. A consumer is reset to its ack floor whenever a
// worker acquires the partition: messages the previous owner received but never acked (it was killed, or
// handed over with a buffer) are then replayed at once and in stream order, instead of coming back one ack
// wait later behind newer messages of the same lead. Replays of already-applied messages are harmless: the
// host dedupes on processed_messages.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { consumerName, type NatsBusConfig } from './nats-bus-config.ts';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** Creates the stream when missing; an existing stream is used as it is (its limits are the operator's). */
export async function ensureInboxStream(jsm: JetStreamManager, config: NatsBusConfig): Promise<void> {
  try {
    await jsm.streams.info(config.streamName);
    return;
  } catch (error) {
    if (!isApiError(error, STREAM_NOT_FOUND)) throw error;
  }
  try {
    await jsm.streams.add({
      name: config.streamName,
      subjects: [`${config.subjectPrefix}.>`],
      storage: StorageType.File,
      duplicate_window: nanos(config.duplicateWindowMs),
      num_replicas: config.replicas,
    });
  } catch (error) {
    // Another process created it between our info and add: fine when it now exists.
    await jsm.streams.info(config.streamName).catch(() => {
      throw error;
    });
  }
}

function consumerConfig(config: NatsBusConfig, partition: number, startSeq: number): Partial<ConsumerConfig> {
  return {
    durable_name: consumerName(partition),
    filter_subject: `${config.subjectPrefix}.${partition}.>`,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(config.ackWaitMs),
    max_ack_pending: config.maxAckPending,
    max_deliver: -1,
    ...(startSeq > 1
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
      : { deliver_policy: DeliverPolicy.All }),
  };
}

/**
 * Recreates the partition's durable consumer starting just after its ack floor. Only the lease holder
 * calls this, right after acquiring the lease and before pulling.
 */
export async function resetPartitionConsumer(
  jsm: JetStreamManager,
  config: NatsBusConfig,
  partition: number,
): Promise<void> {
  const name = consumerName(partition);
  let startSeq = 1;
  try {
    const info = await jsm.consumers.info(config.streamName, name);
    startSeq = info.ack_floor.stream_seq + 1;
    await jsm.consumers.delete(config.streamName, name);
  } catch (error) {
    if (!isApiError(error, CONSUMER_NOT_FOUND)) throw error;
  }
  await jsm.consumers.add(config.streamName, consumerConfig(config, partition, startSeq));
}
