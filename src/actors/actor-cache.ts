// Hydrated actors kept in memory between messages (no reload while the cached version is current; the
// fenced commit catches a stale entry). Bounded (invariant 7): an LRU cap plus idle-time passivation.
// Evicting is always safe: every cached snapshot is already committed. The LRU order is lru-cache's; the
// idle sweep walks it from the least recently used end.
import { LRUCache } from 'lru-cache';
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
  // Recency is what `put` says (a use): `get` only peeks, so looking an actor up does not refresh it.
  readonly #actors: LRUCache<string, CachedActor>;
  readonly #onSize: (size: number) => void;

  constructor(cap: number, onSize: (size: number) => void = () => undefined) {
    this.#actors = new LRUCache({ max: Math.max(1, Math.floor(cap)) });
    this.#onSize = onSize;
  }

  get size(): number {
    return this.#actors.size;
  }

  get(leadId: string): CachedActor | undefined {
    return this.#actors.peek(leadId);
  }

  /** Stores (or refreshes) an actor as most recently used, evicting the least recently used past the cap. */
  put(actor: CachedActor, now: number): void {
    actor.lastUsedAt = now;
    this.#actors.set(actor.leadId, actor);
    this.#onSize(this.#actors.size);
  }

  delete(leadId: string): void {
    if (this.#actors.delete(leadId)) this.#onSize(this.#actors.size);
  }

  /** Passivates actors idle since before `now - idleMs`; returns how many were evicted. */
  evictIdle(now: number, idleMs: number): number {
    const idle: string[] = [];
    for (const actor of this.#actors.rvalues()) {
      // Least recently used first: the first actor still fresh means every later one is too.
      if (actor === undefined || now - actor.lastUsedAt < idleMs) break;
      idle.push(actor.leadId);
    }
    return this.#evict(idle);
  }

  /** Evicts every actor matching `predicate` (e.g. leads of partitions this node no longer owns). */
  evictWhere(predicate: (actor: CachedActor) => boolean): number {
    return this.#evict([...this.#actors.values()].filter(predicate).map((actor) => actor.leadId));
  }

  clear(): void {
    this.#actors.clear();
    this.#onSize(0);
  }

  #evict(leadIds: readonly string[]): number {
    for (const leadId of leadIds) this.#actors.delete(leadId);
    if (leadIds.length > 0) this.#onSize(this.#actors.size);
    return leadIds.length;
  }
}
