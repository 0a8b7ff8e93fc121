// Wraps a Bus so the benchmark learns when each message was committed: the host acks a delivery only after
// its transaction committed (invariant 3), so the ack is the commit time seen from outside the host.
import { performance } from 'node:perf_hooks';
import type { Bus, Delivery, DeliveryHandler } from '../src/bus/bus.ts';

export interface CommitClock {
  bus: Bus;
  /** Messages acked so far. */
  committed(): number;
  /** Calls `listener(envelopeId, ackTime)` on every ack (performance.now() milliseconds). */
  onCommit(listener: ((id: string, at: number) => void) | undefined): void;
}

export function withCommitClock(inner: Bus): CommitClock {
  let count = 0;
  let listener: ((id: string, at: number) => void) | undefined;
  const timed = (delivery: Delivery): Delivery => ({
    envelope: delivery.envelope,
    partition: delivery.partition,
    seq: delivery.seq,
    deliveryCount: delivery.deliveryCount,
    ack: () => {
      count++;
      listener?.(delivery.envelope.id, performance.now());
      return delivery.ack();
    },
    nak: (delayMs) => delivery.nak(delayMs),
    working: () => delivery.working(),
  });
  const bus: Bus = {
    mode: inner.mode,
    partitions: inner.partitions,
    publish: (envelope) => inner.publish(envelope),
    startConsuming: (handler: DeliveryHandler) => inner.startConsuming((batch) => handler(batch.map(timed))),
    stopConsuming: () => inner.stopConsuming(),
    ping: () => inner.ping(),
    status: () => inner.status(),
    notify: (topic, payload) => inner.notify(topic, payload),
    listen: (topic, listener) => inner.listen(topic, listener),
    onPartitionsChanged: (l) => inner.onPartitionsChanged(l),
    close: () => inner.close(),
  };
  return {
    bus,
    committed: () => count,
    onCommit: (l) => {
      listener = l;
    },
  };
}
