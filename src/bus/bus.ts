// The transport between producers (gateway, scheduler, relay, replay) and the actor host. Two
// implementations: NATS JetStream (distributed) and in-process (single node, backed by the inbox table).
import type { BusMessage, Envelope } from '../domain/envelope.ts';

export interface PublishResult {
  /** The bus had already accepted an envelope with this id (Nats-Msg-Id / inbox dedupe). */
  duplicate: boolean;
  /** Stream sequence (NATS) or inbox seq (single node). */
  seq: number;
}

/** One message handed to the host. Ack only after the host's commit (invariant 3). */
export interface Delivery {
  /** As published; validated by the host (a bus drops only what it cannot route to a lead). */
  readonly envelope: BusMessage;
  readonly partition: number;
  /** Monotonic within a partition: the order in which the lead's messages must be applied. */
  readonly seq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /** Remove from the bus: call only after the host's transaction committed (or the message was parked). */
  ack(): Promise<void>;
  /** Give the message back for redelivery (shutdown, lost partition). */
  nak(delayMs?: number): Promise<void>;
  /** Extend the ack deadline while work is under way. */
  working(): void;
}

/**
 * Called with batches in partition order. Messages for different leads may be processed concurrently;
 * messages for one lead must be applied in `seq` order. The promise resolves when every delivery in the
 * batch is acked or nak'd; the bus sends the next batch of a partition only after that.
 */
export type DeliveryHandler = (batch: readonly Delivery[]) => Promise<void>;

export interface BusStatus {
  mode: 'nats' | 'single';
  connected: boolean;
  ownedPartitions: readonly number[];
  partitions: number;
}

/** A notice's topic: dot-separated tokens of letters, digits, - and _ (NATS subject tokens). */
export type NoticeTopic = string;

export interface Bus {
  readonly mode: 'nats' | 'single';
  readonly partitions: number;
  /** Resolves once the envelope is durably accepted (JetStream ack / database commit). */
  publish(envelope: Envelope): Promise<PublishResult>;
  /** Begin consuming the partitions this node acquires. Gateway-only processes never call it. */
  startConsuming(handler: DeliveryHandler): Promise<void>;
  /** Stop taking new batches, wait for in-flight ones, hand partitions back. */
  stopConsuming(): Promise<void>;
  /** Readiness: throws when the bus cannot be reached. */
  ping(): Promise<void>;
  status(): BusStatus;
  /**
   * Fire-and-forget notices between processes (core NATS `leadline.notice.<topic>`, or in this process in
   * single-node mode): not durable, not ordered with the stream. Whoever listens must be able to read what
   * a missed notice said from the database (the reply path and the session streams do).
   */
  notify(topic: NoticeTopic, payload: unknown): void;
  /** Listen to one topic; returns a function that stops listening. */
  listen(topic: NoticeTopic, listener: (payload: unknown) => void): () => void;
  /** Subscribe to ownership changes (metrics, admin). Returns an unsubscribe function. */
  onPartitionsChanged(listener: (owned: readonly number[]) => void): () => void;
  close(): Promise<void>;
}
