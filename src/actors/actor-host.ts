// The actor host: consumes bus batches, keeps each lead's mailbox strictly sequential, commits many leads
// per transaction (actor-processor.ts), acks only after the commit, retries a failing lead's parked
// messages with backoff (retry-pass.ts) and passivates idle actors. Its live bookkeeping is one
// @xstate/store store (runtime-store.ts).
import type { Logger } from 'pino';
import type { Bus, Delivery } from '../bus/bus.ts';
import { partitionOf } from '../domain/ids.ts';
import type { Metrics } from '../observability/metrics.ts';
import { silentLogger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import type { ActorDefinition } from './actor-definition.ts';
import { ActorCache } from './actor-cache.ts';
import { announceCommits } from './commit-notices.ts';
import { envelopeDecoder } from './decode-envelope.ts';
import type { HostHooks } from './host-hooks.ts';
import type { Outcome, RunMessage } from './actor-run.ts';
import { ActorLocks } from './actor-locks.ts';
import { ActorProcessor, type ActorBatchItem } from './actor-processor.ts';
import { DEFAULT_RETRY_DELAYS, parseRetryDelays } from './retry-policy.ts';
import { runDueRetries } from './retry-pass.ts';
import { bindMetrics } from './runtime-metrics.ts';
import { createRuntimeStore, type RuntimeStore } from './runtime-store.ts';

export interface ActorHostOptions {
  db: Db;
  bus: Bus;
  definitions: readonly ActorDefinition[];
  logger?: Logger;
  metrics?: Metrics;
  hooks?: HostHooks;
  /** Backoff between attempts of a failing message; default LEADLINE_RETRY_DELAYS (1m,2m,4m,8m,16m). */
  retryDelaysMs?: readonly number[];
  /** LRU cap of hydrated actors in memory (default 10,000). */
  maxActorsInMemory?: number;
  /** Passivate actors idle this long (default 5 minutes). */
  idleTimeoutMs?: number;
  /** How often the host runs processDueRetries itself; false = only when called (default: derived). */
  retryPollMs?: number | false;
  /** Delay before a delivery whose commit failed (database trouble) is redelivered (default 1 s). */
  failureNakDelayMs?: number;
  /**
   * Called right after a transaction that wrote outbox rows committed: system.ts wakes the outbox relay
   * of this process with it, so a reply leaves at once instead of at the relay's next poll.
   */
  onOutboxWritten?: () => void;
  clock?: () => Date;
}

export interface ActorHost {
  readonly store: RuntimeStore;
  /** Starts consuming the bus plus the retry and passivation intervals. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The bus delivery handler (exposed for tests that drive the host without a bus loop). */
  handle(batch: readonly Delivery[]): Promise<void>;
  /** Retries parked leads whose next attempt is due; returns how many leads were processed. */
  processDueRetries(now?: Date): Promise<number>;
  /** Passivates actors idle longer than idleTimeoutMs; returns how many were evicted. */
  passivateIdle(now?: Date): number;
}

function defaultRetryDelays(): number[] {
  return parseRetryDelays(process.env.LEADLINE_RETRY_DELAYS ?? DEFAULT_RETRY_DELAYS);
}

function tally(outcomes: readonly Outcome[], outcome: Outcome): number {
  return outcomes.filter((o) => o === outcome).length;
}

export function createActorHost(options: ActorHostOptions): ActorHost {
  const { db, bus } = options;
  const logger = options.logger ?? silentLogger;
  const hooks = options.hooks ?? {};
  const clock = options.clock ?? (() => new Date());
  const retryDelaysMs = options.retryDelaysMs ?? defaultRetryDelays();
  const idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  const failureNakDelayMs = options.failureNakDelayMs ?? 1_000;
  const store = createRuntimeStore();
  const cache = new ActorCache(options.maxActorsInMemory ?? 10_000, (count) =>
    store.send({ type: 'actorsChanged', count }),
  );
  const definitions = new Map(options.definitions.map((d) => [d.actorType, d]));
  const decode = envelopeDecoder(options.definitions);
  const locks = new ActorLocks();
  const processor = new ActorProcessor({
    db,
    definitions,
    cache,
    retryDelaysMs,
    hooks,
    logger,
    onConflict: () => store.send({ type: 'conflict' }),
    ...(options.onOutboxWritten ? { onOutboxWritten: options.onOutboxWritten } : {}),
  });
  const unbindMetrics = options.metrics ? bindMetrics(store, options.metrics) : () => undefined;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribePartitions: () => void = () => undefined;
  let retryPass: Promise<number> | undefined;

  async function settle(
    deliveries: readonly Delivery[],
    messages: readonly RunMessage[],
    outcomes: readonly Outcome[] | null,
  ): Promise<void> {
    await Promise.all(
      deliveries.map(async (delivery, i) => {
        try {
          if (outcomes === null || outcomes[i] === 'uncommitted')
            return await delivery.nak(failureNakDelayMs);
          const envelope = messages[i]?.envelope;
          if (outcomes[i] === 'applied' && envelope && hooks.dropAck?.(envelope)) return await delivery.nak();
          await delivery.ack();
        } catch (error) {
          logger.warn({ err: error, messageId: delivery.envelope.id }, 'ack/nak failed');
        }
      }),
    );
  }

  async function handle(batch: readonly Delivery[]): Promise<void> {
    const byLead = new Map<string, { deliveries: Delivery[]; item: ActorBatchItem }>();
    for (const delivery of [...batch].sort((a, b) => a.seq - b.seq)) {
      const message = decode(delivery.envelope);
      const leadId = message.envelope.leadId;
      const entry = byLead.get(leadId) ?? { deliveries: [], item: { leadId, messages: [] } };
      entry.deliveries.push(delivery);
      entry.item.messages.push(message);
      byLead.set(leadId, entry);
    }
    store.send({ type: 'batchStarted', messages: batch.length, leads: byLead.size });
    const all: Outcome[] = [];
    try {
      await locks.withLocks(byLead.keys(), async () => {
        for (const leadId of byLead.keys()) hooks.onLeadBusy?.(leadId, true);
        try {
          const items = [...byLead.values()].map((e) => e.item);
          const results = await processor.processBatch(items, 'bus', clock()).catch((error: unknown) => {
            logger.error({ err: error }, 'batch failed before commit; redelivering');
            return new Map<string, Outcome[] | null>();
          });
          await Promise.all(
            [...byLead].map(([leadId, entry]) => {
              const outcomes = results.get(leadId) ?? null;
              if (outcomes) all.push(...outcomes);
              announceCommits(bus, entry.item.messages, outcomes);
              return settle(entry.deliveries, entry.item.messages, outcomes);
            }),
          );
        } finally {
          for (const leadId of byLead.keys()) hooks.onLeadBusy?.(leadId, false);
        }
      });
    } finally {
      store.send({
        type: 'batchFinished',
        messages: batch.length,
        leads: byLead.size,
        applied: tally(all, 'applied'),
        duplicates: tally(all, 'duplicate'),
        ignored: tally(all, 'ignored'),
        parked: tally(all, 'parked'),
        deadLettered: tally(all, 'dead_lettered'),
      });
    }
    if (options.metrics) {
      const messages = [...byLead.values()].flatMap((e) => e.item.messages);
      recordLatency(options.metrics, messages, all, clock());
    }
  }

  function recordLatency(
    metrics: Metrics,
    messages: readonly RunMessage[],
    outcomes: Outcome[],
    now: Date,
  ): void {
    for (const outcome of new Set(outcomes)) metrics.processed.inc({ outcome }, tally(outcomes, outcome));
    for (const { envelope, invalid } of messages) {
      if (invalid !== undefined) continue;
      const accepted = Date.parse(envelope.acceptedAt);
      if (Number.isFinite(accepted)) {
        metrics.processingLatency.observe(
          { actor_type: envelope.actorType },
          (now.getTime() - accepted) / 1000,
        );
      }
    }
  }

  async function processDueRetries(now: Date = clock()): Promise<number> {
    // One pass at a time: the interval and an external scheduler may both call this.
    if (retryPass) return retryPass;
    retryPass = runDueRetries({ db, bus, locks, processor, decode, now, logger }).finally(() => {
      retryPass = undefined;
    });
    return retryPass;
  }

  function passivateIdle(now: Date = clock()): number {
    return cache.evictIdle(now.getTime(), idleTimeoutMs);
  }

  return {
    store,
    handle,
    processDueRetries,
    passivateIdle,
    async start() {
      unsubscribePartitions = bus.onPartitionsChanged((owned) => {
        store.send({ type: 'partitionsChanged', owned });
        // Another node now writes the leads of partitions we lost: drop their cached actors (memory; the
        // fenced commit would catch a stale one anyway).
        const mine = new Set(owned);
        cache.evictWhere((actor) => !mine.has(partitionOf(actor.leadId, bus.partitions)));
      });
      await bus.startConsuming(handle);
      store.send({ type: 'partitionsChanged', owned: bus.status().ownedPartitions });
      const retryPollMs =
        options.retryPollMs ??
        Math.min(5_000, Math.max(20, Math.floor(Math.min(...retryDelaysMs, 10_000) / 2)));
      if (retryPollMs !== false) {
        timers.push(
          setInterval(() => {
            processDueRetries().catch((error: unknown) => logger.error({ err: error }, 'retry pass failed'));
          }, retryPollMs),
        );
      }
      timers.push(setInterval(() => passivateIdle(), Math.max(1_000, Math.min(idleTimeoutMs / 2, 30_000))));
      for (const timer of timers) timer.unref();
    },
    async stop() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      unsubscribePartitions();
      await bus.stopConsuming();
      await retryPass;
      unbindMetrics();
      cache.clear();
    },
  };
}
