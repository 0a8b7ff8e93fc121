// Partition ownership. Every leaseMs/4 a worker renews its presence and its leases, computes its fair share
// from the live workers, releases partitions beyond it (after its consumer has stopped and in-flight work
// settled) and claims free or expired ones within it. A lease whose renewal has not succeeded for 3/4 of
// leaseMs is given up locally (consumer stopped) before any other worker may take it at leaseMs; the
// fenced snapshot version in PostgreSQL is the backstop if a process stalls beyond that.
import type { KV } from '@nats-io/kv';
import { fairShare } from './fair-share.ts';
import {
  announceWorker,
  claimLease,
  liveWorkers,
  partitionKey,
  readLease,
  releaseLease,
  renewLease,
  withdrawWorker,
} from './lease-record.ts';
import type { NatsBusConfig } from './nats-bus-config.ts';

export type LossReason = 'rebalance' | 'expired' | 'taken' | 'shutdown';

export interface LeaseCallbacks {
  /** The lease is ours: start consuming. A throw gives the lease back. */
  acquired(partition: number): Promise<void>;
  /** Stop consuming; resolves once in-flight work is settled. */
  lost(partition: number, reason: LossReason): Promise<void>;
  changed(owned: readonly number[]): void;
}

interface Held {
  revision: number;
  guard: NodeJS.Timeout | undefined;
  /** Set once a clean hand-off has begun; later callers wait for the same one. */
  releasing: Promise<void> | undefined;
  /** KV writes of one lease run one after another (renew vs release must not race on the revision). */
  queue: Promise<unknown>;
}

/** Share of leaseMs after the last successful renewal at which a holder stops on its own. */
const SAFE_FRACTION = 0.75;
/** Renewal rounds per lease period: a holder survives two failed or late rounds before it gives up. */
const RENEWALS_PER_LEASE = 4;

export class PartitionLeases {
  readonly #kv: KV;
  readonly #config: NatsBusConfig;
  readonly #callbacks: LeaseCallbacks;
  readonly #held = new Map<number, Held>();
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  #rebalancing: Promise<void> | undefined;
  #running = false;

  constructor(kv: KV, config: NatsBusConfig, callbacks: LeaseCallbacks) {
    this.#kv = kv;
    this.#config = config;
    this.#callbacks = callbacks;
  }

  owned(): number[] {
    return [...this.#held.keys()].sort((a, b) => a - b);
  }

  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops renewing, hands every held partition back cleanly and withdraws this worker's presence. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#tick;
    await this.#rebalancing;
    await Promise.all(this.owned().map((p) => this.#release(p, 'shutdown')));
    await withdrawWorker(this.#kv, this.#config.workerId);
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#round()
        .catch((error: unknown) => this.#config.logger.warn({ err: error }, 'lease round failed'))
        .finally(() => this.#schedule(Math.floor(this.#config.leaseMs / RENEWALS_PER_LEASE)));
    }, delayMs);
  }

  /**
   * Renewals never wait for rebalancing: acquiring a partition (consumer reset, first pull) can take a
   * while on a loaded machine, and a late renewal would cost the leases already held.
   */
  async #round(): Promise<void> {
    const { leaseMs, workerId } = this.#config;
    const now = Date.now();
    const expiresAt = now + leaseMs;
    await Promise.all([
      announceWorker(this.#kv, workerId, expiresAt),
      ...[...this.#held].map(([partition, held]) => this.#renew(partition, held, now, expiresAt)),
    ]);
    if (this.#rebalancing) return;
    this.#rebalancing = this.#rebalance(now)
      .catch((error: unknown) => this.#config.logger.warn({ err: error }, 'rebalance failed'))
      .finally(() => {
        this.#rebalancing = undefined;
      });
  }

  async #rebalance(now: number): Promise<void> {
    const { leaseMs, workerId, partitions } = this.#config;
    const workers = await liveWorkers(this.#kv, now, 10 * leaseMs);
    const desired = new Set(fairShare(partitions, [...workers, workerId]).get(workerId));
    for (const [partition, held] of this.#held) {
      if (desired.has(partition) || held.releasing) continue;
      this.#release(partition, 'rebalance').catch((error: unknown) => {
        this.#config.logger.error({ err: error, partition }, 'hand-off failed');
      });
    }
    for (const partition of desired) {
      if (!this.#running) return;
      if (!this.#held.has(partition)) await this.#tryAcquire(partition);
    }
  }

  async #renew(partition: number, held: Held, now: number, expiresAt: number): Promise<void> {
    const value = { owner: this.#config.workerId, expiresAt };
    await this.#serial(held, async () => {
      if (this.#held.get(partition) !== held) return;
      try {
        const revision = await renewLease(this.#kv, partitionKey(partition), value, held.revision);
        // A renewal that answers after the guard gave this lease up is stale: arming a guard for it would
        // later drop whatever lease the partition holds by then (a fresh claim made in the meantime).
        if (this.#held.get(partition) !== held) return;
        if (revision === null) return this.#drop(partition, 'taken', held);
        held.revision = revision;
        this.#arm(partition, held, now);
      } catch (error) {
        // Unreachable server: keep consuming until the guard says the lease may be gone.
        this.#config.logger.warn({ err: error, partition }, 'lease renewal failed');
      }
    });
  }

  async #tryAcquire(partition: number): Promise<void> {
    const now = Date.now();
    const expiresAt = now + this.#config.leaseMs;
    const key = partitionKey(partition);
    const seen = await readLease(this.#kv, key);
    const me = this.#config.workerId;
    // A lease written by our own id but not held here is a leftover of an earlier life of this worker id.
    if (seen?.value && seen.value.owner !== me && seen.value.expiresAt > now) return;
    const revision = await claimLease(this.#kv, key, { owner: me, expiresAt }, seen);
    if (revision === null) return;
    const held: Held = { revision, guard: undefined, releasing: undefined, queue: Promise.resolve() };
    this.#held.set(partition, held);
    this.#arm(partition, held, now);
    try {
      await this.#callbacks.acquired(partition);
      this.#config.logger.info({ partition, worker: me }, 'partition acquired');
      this.#callbacks.changed(this.owned());
    } catch (error) {
      this.#config.logger.error({ err: error, partition }, 'could not start partition; releasing it');
      await this.#release(partition, 'rebalance');
    }
  }

  #arm(partition: number, held: Held, renewedAt: number): void {
    clearTimeout(held.guard);
    const deadline = renewedAt + this.#config.leaseMs * SAFE_FRACTION;
    held.guard = setTimeout(() => this.#drop(partition, 'expired', held), Math.max(0, deadline - Date.now()));
  }

  /** The lease `held` may no longer be ours: stop at once, without writing to the KV. */
  #drop(partition: number, reason: LossReason, held: Held): void {
    if (this.#held.get(partition) !== held) return;
    clearTimeout(held.guard);
    this.#held.delete(partition);
    this.#config.logger.warn({ partition, reason }, 'partition lease lost');
    this.#callbacks.changed(this.owned());
    this.#callbacks
      .lost(partition, reason)
      .catch((error: unknown) => this.#config.logger.error({ err: error, partition }, 'stop failed'));
  }

  /** Clean hand-off: stop consuming (in-flight settles), then delete the lease so the next owner need not wait. */
  #release(partition: number, reason: LossReason): Promise<void> {
    const held = this.#held.get(partition);
    if (!held) return Promise.resolve();
    held.releasing ??= this.#handOff(partition, held, reason);
    return held.releasing;
  }

  async #handOff(partition: number, held: Held, reason: LossReason): Promise<void> {
    await this.#callbacks
      .lost(partition, reason)
      .catch((error: unknown) => this.#config.logger.error({ err: error, partition }, 'stop failed'));
    await this.#serial(held, async () => {
      if (this.#held.get(partition) !== held) return;
      clearTimeout(held.guard);
      this.#held.delete(partition);
      await releaseLease(this.#kv, partitionKey(partition), held.revision);
      this.#config.logger.info({ partition, reason }, 'partition released');
      this.#callbacks.changed(this.owned());
    });
  }

  async #serial(held: Held, operation: () => Promise<void>): Promise<void> {
    const next = held.queue.then(operation);
    held.queue = next.catch(() => undefined);
    await next;
  }
}
