// Pulls one partition's durable consumer and hands the handler one batch at a time, in stream order. A batch
// is whatever arrived while the previous one was being handled (at most maxBatch), so latency stays low at
// light load and batches grow under heavy load. (Our own buffer, not the iterator's getPending(), decides
// what has arrived: getPending() over-counts after the client's internal status callbacks and a partial
// batch would then wait forever for a message that never comes.) While a batch is in the handler, its
// un-settled messages get working() so a long batch is not redelivered behind the host's back.
//
// A nak rewinds the partition, like the in-process bus pausing on a nak: after the batch, pulling stops,
// the buffer is dropped, and after the nak delay the consumer is reset to its ack floor, so the nak'd
// message comes back before any newer message of its lead (already-applied ones are skipped by the host).
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Delivery, DeliveryHandler } from '../bus.ts';
import { consumerName, type NatsBusConfig } from './nats-bus-config.ts';
import { toDelivery, type SettleHooks } from './nats-delivery.ts';

export interface PartitionConsumerDeps {
  js: JetStreamClient;
  config: NatsBusConfig;
  handler: DeliveryHandler;
  /** Recreates the durable consumer at its ack floor (inbox-stream.ts). */
  reset(): Promise<void>;
  /** Makes sure our acks reached the server (before the ack floor is read). */
  flush(): Promise<void>;
  /** Pulling stopped on its own (consumer deleted, connection closed). */
  ended(): void;
}

export class PartitionConsumer {
  readonly partition: number;
  readonly #deps: PartitionConsumerDeps;
  readonly #buffer: JsMsg[] = [];
  readonly #prior = new Map<number, number>();
  readonly #hooks: SettleHooks;
  #messages: ConsumerMessages | undefined;
  #receiving: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();
  #stopping = false;
  #ended = false;
  #rewindDelayMs: number | undefined;

  constructor(partition: number, deps: PartitionConsumerDeps) {
    this.partition = partition;
    this.#deps = deps;
    this.#hooks = {
      priorDeliveries: (seq) => this.#prior.get(seq) ?? 0,
      acked: (seq) => this.#prior.delete(seq),
      naked: (seq, deliveryCount, delayMs) => {
        this.#prior.set(seq, deliveryCount);
        this.#rewindDelayMs = Math.max(this.#rewindDelayMs ?? 0, delayMs);
      },
    };
  }

  async start(): Promise<void> {
    await this.#pull();
    this.#loop = this.#dispatch();
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
    await this.#receiving;
  }

  async #pull(): Promise<void> {
    const { js, config } = this.#deps;
    const consumer = await js.consumers.get(config.streamName, consumerName(this.partition));
    const messages = await consumer.consume({
      max_messages: config.maxBatch,
      abort_on_missing_resource: true,
    });
    this.#messages = messages;
    this.#receiving = this.#receive(messages);
  }

  /** Moves messages from the client into our buffer as they arrive (the server bounds them by max_ack_pending). */
  async #receive(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (this.#stopping || messages !== this.#messages) break;
        this.#buffer.push(msg);
        this.#signal();
      }
    } catch (error) {
      if (!this.#stopping && messages === this.#messages) {
        this.#deps.config.logger.warn({ err: error, partition: this.partition }, 'pull ended');
      }
    } finally {
      if (messages === this.#messages) this.#ended = true;
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
      const deliveries = await this.#decode(this.#buffer.splice(0, this.#deps.config.maxBatch));
      if (deliveries.length > 0) await this.#deliver(deliveries);
      if (this.#rewindDelayMs !== undefined) await this.#rewind(this.#rewindDelayMs);
    }
    // A rewind may have started a new pull while stop() was closing the old one.
    if (this.#stopping) await this.#messages?.close();
    else if (this.#ended) this.#deps.ended();
  }

  async #rewind(delayMs: number): Promise<void> {
    this.#rewindDelayMs = undefined;
    const old = this.#messages;
    this.#messages = undefined;
    await old?.close();
    await this.#receiving;
    this.#buffer.length = 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    if (this.#stopping) return;
    try {
      await this.#deps.flush();
      await this.#deps.reset();
      await this.#pull();
    } catch (error) {
      this.#deps.config.logger.warn({ err: error, partition: this.partition }, 'rewind failed');
      this.#ended = true;
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #decode(batch: readonly JsMsg[]): Promise<Delivery[]> {
    const deliveries: Delivery[] = [];
    for (const msg of batch) {
      const delivery = await toDelivery(msg, this.partition, this.#deps.config, this.#hooks);
      if (delivery) deliveries.push(delivery);
    }
    return deliveries;
  }

  async #deliver(deliveries: readonly Delivery[]): Promise<void> {
    const { config, handler } = this.#deps;
    const heartbeat = setInterval(
      () => {
        for (const d of deliveries) d.working();
      },
      Math.max(200, Math.floor(config.ackWaitMs / 3)),
    );
    try {
      await handler(deliveries);
    } catch (error) {
      // The host settles each delivery itself; a throwing handler leaves the rest for redelivery.
      config.logger.error({ err: error, partition: this.partition }, 'delivery handler failed');
    } finally {
      clearInterval(heartbeat);
    }
  }
}
