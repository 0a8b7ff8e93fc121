// Hydrated actors kept in memory between messages (no reload while the cached version is current; the
// fenced commit catches a stale entry). Bounded (invariant 7): an LRU cap plus idle-time passivation.
// Evicting is always safe: every cached snapshot is already committed.
import type { AnyMachineSnapshot } from 'xstate';

export interface CachedActor {
  readonly leadId: string;
  readonly actorType: string;
  readonly studioId: string;
  snapshot: AnyMachineSnapshot;
  /** The committed version (number of events applied); 0 = no row yet. */
  version: number;
  lastUsedAt: number;
}

export class ActorCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  readonly #actors = new Map<string, CachedActor>();
  readonly #cap: number;
  readonly #onSize: (size: number) => void;

  constructor(cap: number, onSize: (size: number) => void = () => undefined) {
    this.#cap = Math.max(1, cap);
    this.#onSize = onSize;
  }

  get size(): number {
    return this.#actors.size;
  }

  get(leadId: string): CachedActor | undefined {
    return this.#actors.get(leadId);
  }

  /** Stores (or refreshes) an actor as most recently used, evicting the least recently used past the cap. */
  put(actor: CachedActor, now: number): void {
    actor.lastUsedAt = now;
    this.#actors.delete(actor.leadId);
    this.#actors.set(actor.leadId, actor);
    for (const oldest of this.#actors.keys()) {
      if (this.#actors.size <= this.#cap) break;
      this.#actors.delete(oldest);
    }
    this.#onSize(this.#actors.size);
  }

  delete(leadId: string): void {
    if (this.#actors.delete(leadId)) this.#onSize(this.#actors.size);
  }

  /** Passivates actors idle since before `now - idleMs`; returns how many were evicted. */
  evictIdle(now: number, idleMs: number): number {
    let evicted = 0;
    for (const [leadId, actor] of this.#actors) {
      // LRU order: the first actor still fresh means every later one is too.
      if (now - actor.lastUsedAt < idleMs) break;
      this.#actors.delete(leadId);
      evicted++;
    }
    if (evicted > 0) this.#onSize(this.#actors.size);
    return evicted;
  }

  /** Evicts every actor matching `predicate` (e.g. leads of partitions this node no longer owns). */
  evictWhere(predicate: (actor: CachedActor) => boolean): number {
    let evicted = 0;
    for (const [leadId, actor] of this.#actors) {
      if (!predicate(actor)) continue;
      this.#actors.delete(leadId);
      evicted++;
    }
    if (evicted > 0) this.#onSize(this.#actors.size);
    return evicted;
  }

  clear(): void {
    this.#actors.clear();
    this.#onSize(0);
  }
}
