// Pulls one partition's durable consumer and hands the handler one batch at a time, in stream order. A batch
// is whatever arrived while the previous one was being handled (at most maxBatch), so latency stays low at
// light load and batches grow under heavy load. While a batch is in the handler, its un-settled messages
// get working() so a long batch is not redelivered behind the host's back.
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
  #loop: Promise<void> = Promise.resolve();
  #stopping = false;

  constructor(js: JetStreamClient, config: NatsBusConfig, partition: number, handler: DeliveryHandler) {
    this.#js = js;
    this.#config = config;
    this.partition = partition;
    this.#handler = handler;
  }

  async start(): Promise<void> {
    const consumer = await this.#js.consumers.get(this.#config.streamName, consumerName(this.partition));
    this.#messages = await consumer.consume({
      max_messages: this.#config.maxBatch * 2,
      abort_on_missing_resource: true,
    });
    this.#loop = this.#run(this.#messages);
  }

  /**
   * Stops pulling and resolves once the in-flight batch (if any) is settled. Messages received but not yet
   * handed over stay un-acked: the next owner resets the consumer to its ack floor and gets them first.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#messages?.close();
    await this.#loop;
  }

  async #run(messages: ConsumerMessages): Promise<void> {
    const log = this.#config.logger.child({ partition: this.partition });
    let batch: JsMsg[] = [];
    try {
      for await (const msg of messages) {
        if (this.#stopping) break;
        batch.push(msg);
        if (batch.length < this.#config.maxBatch && messages.getPending() > 0) continue;
        const deliveries = await this.#decode(batch);
        batch = [];
        if (deliveries.length > 0) await this.#deliver(deliveries);
        if (this.#isStopping()) break;
      }
    } catch (error) {
      // The consumer vanished (another owner reset it) or the connection closed: stop this partition;
      // the lease loop decides whether we still own it.
      if (!this.#stopping) log.warn({ err: error }, 'partition consumer stopped');
    }
  }

  /** A method, not the field, so the check after an await is not narrowed away. */
  #isStopping(): boolean {
    return this.#stopping;
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
