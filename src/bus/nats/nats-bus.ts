// The Bus on NATS JetStream: publish = JetStream publish with Nats-Msg-Id (resolves on the PubAck, so
// accepted means durable); consume = one durable pull consumer per partition, for the partitions whose
// lease this worker holds (partition-leases.ts), their batches merged into few host calls (batch-coalescer.ts).
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import type { Envelope } from '../../domain/envelope.ts';
import { partitionOf } from '../../domain/ids.ts';
import type { Bus, BusStatus, DeliveryHandler, NoticeTopic, PublishResult } from '../bus.ts';
import { AckPublisher } from './ack-publisher.ts';
import { BatchCoalescer } from './batch-coalescer.ts';
import { ensureInboxStream, resetPartitionConsumer } from './inbox-stream.ts';
import {
  inboxSubject,
  resolveNatsBusConfig,
  type NatsBusConfig,
  type NatsBusOptions,
} from './nats-bus-config.ts';
import { PartitionConsumer } from './partition-consumer.ts';
import { PartitionLeases } from './partition-leases.ts';
import { checkPartitionCount } from './partition-count.ts';

export const TRACE_HEADER = 'Leadline-Trace-Id';
const RESTART_DELAY_MS = 1000;
const FLUSH_TIMEOUT_MS = 2000;
const PUBLISH_TIMEOUT_MS = 5000;

/** Core NATS (not JetStream): notices are not stored. */
export function noticeSubject(topic: NoticeTopic): string {
  return `leadline.notice.${topic}`;
}

export class NatsBus implements Bus {
  readonly mode = 'nats' as const;
  readonly partitions: number;
  readonly workerId: string;
  readonly #config: NatsBusConfig;
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #publisher: AckPublisher;
  readonly #consumers = new Map<number, PartitionConsumer>();
  readonly #listeners = new Set<(owned: readonly number[]) => void>();
  #leases: PartitionLeases | undefined;
  #connected = true;

  private constructor(config: NatsBusConfig, nc: NatsConnection, jsm: JetStreamManager) {
    this.#config = config;
    this.partitions = config.partitions;
    this.workerId = config.workerId;
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc);
    this.#publisher = new AckPublisher(nc, PUBLISH_TIMEOUT_MS);
    void this.#watchConnection();
  }

  /** Connects and makes sure the inbox stream exists (gateways publish before any worker starts). */
  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const config = resolveNatsBusConfig(options);
    // noAsyncTraces: the client otherwise builds two Error objects (stack capture) per publish, a fifth of the
    // CPU of a busy publisher; our errors are logged where they surface.
    const nc = await connect({
      servers: config.servers,
      name: config.workerId,
      maxReconnectAttempts: -1,
      noAsyncTraces: true,
    });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureInboxStream(jsm, config);
      return new NatsBus(config, nc, jsm);
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  async publish(envelope: Envelope): Promise<PublishResult> {
    const partition = partitionOf(envelope.leadId, this.partitions);
    const hdrs = headers();
    if (envelope.traceId) hdrs.set(TRACE_HEADER, envelope.traceId);
    hdrs.set('Nats-Msg-Id', envelope.id);
    const subject = inboxSubject(this.#config, partition, envelope.leadId);
    const ack = await this.#publisher.publish(subject, JSON.stringify(envelope), hdrs);
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  async startConsuming(handler: DeliveryHandler): Promise<void> {
    if (this.#leases) throw new Error('NATS bus: already consuming');
    const kv = await this.#openLeaseBucket();
    await checkPartitionCount(kv, this.partitions);
    // Every partition's batches go through one coalescer: fewer, larger host calls (batch-coalescer.ts).
    const coalesced = new BatchCoalescer(handler, {
      maxConcurrent: this.#config.handlerConcurrency,
      maxDeliveries: this.#config.maxHandlerBatch,
    }).submit;
    const leases = new PartitionLeases(kv, this.#config, {
      acquired: (partition) => this.#startPartition(partition, coalesced),
      lost: (partition) => this.#stopPartition(partition),
      changed: (owned) => {
        for (const listener of this.#listeners) listener(owned);
      },
    });
    this.#leases = leases;
    leases.start();
  }

  async stopConsuming(): Promise<void> {
    const leases = this.#leases;
    if (!leases) return;
    await leases.stop();
    this.#leases = undefined;
    // Anything acked by the host has reached the server before we report the hand-off done.
    await this.#flush();
  }

  /** Readiness: fails at once while disconnected (a flush would wait for the reconnect), else asks JetStream. */
  async ping(): Promise<void> {
    if (this.#nc.isClosed()) throw new Error('NATS connection closed');
    if (!this.#connected) throw new Error('NATS disconnected (reconnecting)');
    await this.#jsm.getAccountInfo();
  }

  status(): BusStatus {
    return {
      mode: 'nats',
      connected: this.#connected && !this.#nc.isClosed(),
      ownedPartitions: this.#leases?.owned() ?? [],
      partitions: this.partitions,
    };
  }

  notify(topic: NoticeTopic, payload: unknown): void {
    if (this.#nc.isClosed()) return;
    try {
      this.#nc.publish(noticeSubject(topic), JSON.stringify(payload));
    } catch {
      // A notice is best effort by definition: its listener reads the database when it misses one.
    }
  }

  listen(topic: NoticeTopic, listener: (payload: unknown) => void): () => void {
    const subscription = this.#nc.subscribe(noticeSubject(topic), {
      callback: (error, msg) => {
        if (error) return;
        let payload: unknown;
        try {
          payload = msg.json();
        } catch {
          return;
        }
        listener(payload);
      },
    });
    return () => {
      if (!subscription.isClosed()) subscription.unsubscribe();
    };
  }

  onPartitionsChanged(listener: (owned: readonly number[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    this.#publisher.close();
    if (this.#nc.isClosed()) return;
    // Draining needs the server; while disconnected it would wait for a reconnect that may never come.
    if (this.#connected) await this.#nc.drain();
    else await this.#nc.close();
  }

  async #openLeaseBucket(): Promise<KV> {
    return new Kvm(this.#nc).create(this.#config.leaseBucket, {
      history: 1,
      replicas: this.#config.replicas,
    });
  }

  async #startPartition(partition: number, handler: DeliveryHandler): Promise<void> {
    await resetPartitionConsumer(this.#jsm, this.#config, partition);
    const consumer: PartitionConsumer = new PartitionConsumer(partition, {
      js: this.#js,
      config: this.#config,
      handler,
      reset: () => resetPartitionConsumer(this.#jsm, this.#config, partition),
      flush: () => this.#flush(),
      ended: () => this.#restartLater(partition, consumer, handler),
    });
    await consumer.start();
    this.#consumers.set(partition, consumer);
    // The lease may have been given up while the consumer was starting (a very slow start).
    if (!this.#leases?.owned().includes(partition)) await this.#stopPartition(partition);
  }

  /** Pulling stopped on its own while we hold the lease: start over (reset + pull) after a pause. */
  #restartLater(partition: number, ended: PartitionConsumer, handler: DeliveryHandler): void {
    setTimeout(() => {
      if (this.#consumers.get(partition) !== ended || !this.#leases?.owned().includes(partition)) return;
      this.#consumers.delete(partition);
      this.#startPartition(partition, handler).catch((error: unknown) => {
        this.#config.logger.error({ err: error, partition }, 'could not restart partition consumer');
      });
    }, RESTART_DELAY_MS);
  }

  async #stopPartition(partition: number): Promise<void> {
    const consumer = this.#consumers.get(partition);
    this.#consumers.delete(partition);
    await consumer?.stop();
  }

  /** Our acks reach the server before we go on; bounded, since a flush waits for a reconnect. */
  async #flush(): Promise<void> {
    if (!this.#connected || this.#nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_TIMEOUT_MS)));
    await Promise.race([this.#nc.flush().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  async #watchConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') this.#connected = false;
      if (status.type === 'reconnect') this.#connected = true;
    }
  }
}
