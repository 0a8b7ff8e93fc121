// The single-node bus, backed by the `inbox` table: publish = insert (accepted means committed,
// invariant 6; the message id dedupes), consume = a few loops, each over a fixed group of partitions,
// delivering rows in seq order (a batch may hold several partitions: fewer, larger batches amortise the
// host's per-batch round trips), ack = delete the row, nak = leave it (the loop pauses for the nak delay,
// so order is kept). Concurrent publishes share one multi-row insert. Publishing wakes the loop at once;
// polling is the fallback (rows left from a previous run are delivered on start).
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { partitionOf } from '../domain/ids.ts';
import type { Envelope } from '../domain/envelope.ts';
import { silentLogger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import type { Bus, BusStatus, Delivery, DeliveryHandler, PublishResult } from './bus.ts';
import { AckBatcher } from './in-process/ack-batcher.ts';
import { LocalNotices } from './local-notices.ts';
import { PublishBatcher } from './in-process/publish-batcher.ts';
import { WakeSignal } from './in-process/wake-signal.ts';

export interface InProcessBusOptions {
  db: Db;
  partitions: number;
  logger?: Logger;
  /** Fallback poll when nothing wakes a partition (default 1000 ms). */
  pollIntervalMs?: number;
  /** Consumer loops; partition p belongs to loop p % consumers (default 2, at most `partitions`). */
  consumers?: number;
  /** Rows per delivered batch (default 200). */
  batchSize?: number;
  /** Pause after a nak without delay, so a failing batch is not spun hot (default 50 ms). */
  nakPauseMs?: number;
}

export function createInProcessBus(options: InProcessBusOptions): Bus {
  const { db, partitions } = options;
  const logger = options.logger ?? silentLogger;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 200;
  const nakPauseMs = options.nakPauseMs ?? 50;
  const acks = new AckBatcher(db);
  const consumers = Math.max(1, Math.min(partitions, options.consumers ?? 2));
  const signals = Array.from({ length: consumers }, () => new WakeSignal());
  const publisher = new PublishBatcher(db, (partition) => signals[partition % consumers]?.notify());
  const deliveryCounts = new Map<number, number>();
  const listeners = new Set<(owned: readonly number[]) => void>();
  const notices = new LocalNotices();
  let owned: number[] = [];
  let consuming = false;
  let loops: Promise<void>[] = [];

  const setOwned = (next: number[]) => {
    owned = next;
    for (const listener of listeners) listener(owned);
  };

  async function deliverOnce(group: readonly number[], handler: DeliveryHandler): Promise<number | 'empty'> {
    const rows = await sql<{ seq: string; partition: number; envelope: Envelope }>`
      select seq, partition, envelope from inbox where partition = any(${group}::int[])
      order by seq limit ${batchSize}`.execute(db);
    if (rows.rows.length === 0) return 'empty';
    let pauseMs = 0;
    const deliveries: Delivery[] = rows.rows.map((row) => {
      const seq = Number(row.seq);
      const count = (deliveryCounts.get(seq) ?? 0) + 1;
      deliveryCounts.set(seq, count);
      let settled = false;
      return {
        envelope: row.envelope,
        partition: row.partition,
        seq,
        deliveryCount: count,
        ack: async () => {
          if (settled) return;
          settled = true;
          await acks.ack(seq);
          deliveryCounts.delete(seq);
        },
        nak: (delayMs?: number) => {
          settled = true;
          pauseMs = Math.max(pauseMs, delayMs ?? nakPauseMs);
          return Promise.resolve();
        },
        working: () => undefined,
      };
    });
    await handler(deliveries);
    return pauseMs;
  }

  async function loop(index: number, handler: DeliveryHandler): Promise<void> {
    const signal = signals[index] ?? new WakeSignal();
    const group = Array.from({ length: partitions }, (_, p) => p).filter((p) => p % consumers === index);
    while (consuming) {
      try {
        const result = await deliverOnce(group, handler);
        if (result === 'empty') await signal.wait(pollIntervalMs);
        else if (result > 0) await pause(signal, result);
      } catch (error) {
        logger.error({ err: error, partitions: group }, 'in-process bus delivery failed');
        await signal.wait(pollIntervalMs);
      }
    }
  }

  // A nak delay is honoured even when a publish wakes the loop early; only stopping cuts it short.
  async function pause(signal: WakeSignal, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (consuming && Date.now() < until) await signal.wait(until - Date.now());
  }

  return {
    mode: 'single',
    partitions,
    publish(envelope: Envelope): Promise<PublishResult> {
      return publisher.publish(envelope, partitionOf(envelope.leadId, partitions));
    },
    async startConsuming(handler: DeliveryHandler): Promise<void> {
      if (consuming) throw new Error('already consuming');
      consuming = true;
      loops = Array.from({ length: consumers }, (_, i) => loop(i, handler));
      setOwned(Array.from({ length: partitions }, (_, p) => p));
      return Promise.resolve();
    },
    async stopConsuming(): Promise<void> {
      if (!consuming) return;
      consuming = false;
      for (const signal of signals) signal.notify();
      await Promise.all(loops);
      loops = [];
      setOwned([]);
    },
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    status(): BusStatus {
      return { mode: 'single', connected: true, ownedPartitions: owned, partitions };
    },
    notify(topic, payload) {
      notices.notify(topic, payload);
    },
    listen(topic, listener) {
      return notices.listen(topic, listener);
    },
    onPartitionsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(): Promise<void> {
      await this.stopConsuming();
    },
  };
}
