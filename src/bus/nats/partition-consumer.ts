// Pulls one partition's durable consumer and hands the handler one batch at a time, in stream order. A batch
// is whatever arrived while the previous one was being handled (at most maxBatch), so latency stays low at
// light load and batches grow under heavy load. (Our own buffer, not the iterator's getPending(), decides
// what is "arrived": getPending() over-counts after the client's internal status callbacks and a partial
// batch would then wait forever for a message that never comes.) While a batch is in the handler, its
// un-settled messages get working() so a long batch is not redelivered behind the host's back.
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Delivery, DeliveryHandler } from '../bus.ts';
import { consumerName, type NatsBusConfig } from './nats-bus-config.ts';
import { toDelivery } from './nats-delivery.ts';

export class PartitionConsumer {
  readonly partition: number;
  readonly #js: JetStreamClient;
  readonly #config: NatsBusConfig;
  readonly #handler: DeliveryHandler;
  #messages: ConsumerMessages | undefined;
  readonly #onEnded: (partition: number) => void;
  readonly #buffer: JsMsg[] = [];
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();
  #stopping = false;
  #ended = false;

  /** `onEnded` is told when pulling stopped on its own (consumer deleted, connection closed). */
  constructor(
    js: JetStreamClient,
    config: NatsBusConfig,
    partition: number,
    handler: DeliveryHandler,
    onEnded: (partition: number) => void,
  ) {
    this.#js = js;
    this.#config = config;
    this.partition = partition;
    this.#handler = handler;
    this.#onEnded = onEnded;
  }

  async start(): Promise<void> {
    const consumer = await this.#js.consumers.get(this.#config.streamName, consumerName(this.partition));
    const messages = await consumer.consume({
      max_messages: this.#config.maxBatch,
      abort_on_missing_resource: true,
    });
    this.#messages = messages;
    this.#loop = Promise.all([this.#receive(messages), this.#dispatch()]).then(() => undefined);
  }

  /**
   * Stops pulling and resolves once the in-flight batch (if any) is settled. Messages received but not yet
   * handed over stay un-acked: the next owner resets the consumer to its ack floor and gets them first.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#signal();
    await this.#messages?.close();
    await this.#loop;
  }

  /** Moves messages from the client into our buffer as they arrive (the server bounds them by max_ack_pending). */
  async #receive(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.#stopping) break;
        this.#buffer.push(msg);
        this.#signal();
      }
    } catch (error) {
      // The consumer vanished (another owner reset it) or the connection closed.
      if (!this.#stopping) this.#config.logger.warn({ err: error, partition: this.partition }, 'pull ended');
    } finally {
      this.#ended = true;
      this.#signal();
    }
  }

  /** One batch at a time: everything buffered (up to maxBatch), the next only after the handler resolved. */
  async #dispatch(): Promise<void> {
    while (!this.#stopping) {
      if (this.#buffer.length === 0) {
        if (this.#ended) break;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      const deliveries = await this.#decode(this.#buffer.splice(0, this.#config.maxBatch));
      if (deliveries.length > 0) await this.#deliver(deliveries);
    }
    if (this.#ended && !this.#stopping) this.#onEnded(this.partition);
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #decode(batch: readonly JsMsg[]): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const msg of batch) {
      const delivery = await toDelivery(msg, this.partition, this.#config);
      if (delivery) deliveries.push(delivery);
    }
    return deliveries;
  }

  async #deliver(deliveries: readonly Delivery[]): Promise<void> {
    const heartbeat = setInterval(
      () => {
        for (const d of deliveries) d.working();
      },
      Math.max(200, Math.floor(this.#config.ackWaitMs / 3)),
    );
    try {
      await this.#handler(deliveries);
    } catch (error) {
      // The host settles each delivery itself; a throwing handler leaves the rest for redelivery.
      this.#config.logger.error({ err: error, partition: this.partition }, 'delivery handler failed');
    } finally {
      clearInterval(heartbeat);
    }
  }
}
