// The hydrated-actor cache's eviction order (invariant 7): the cap evicts the least recently USED actor, not
// the first inserted, and idle passivation relies on that order to stop at the first fresh actor.
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { ActorCache, type CachedActor } from '../../src/actors/actor-cache.ts';

const actor = (leadId: string): CachedActor => ({
  leadId,
  actorType: 'test',
  studioId: 'test',
  snapshot: {} as AnyMachineSnapshot,
  version: 1,
  lastUsedAt: 0,
});

function cacheOf(cap: number, ...leadIds: string[]): { cache: ActorCache; sizes: number[] } {
  const sizes: number[] = [];
  const cache = new ActorCache(cap, (size) => sizes.push(size));
  leadIds.forEach((leadId, i) => cache.put(actor(leadId), i + 1));
  return { cache, sizes };
}

const cached = (cache: ActorCache, ...leadIds: string[]) =>
  leadIds.filter((id) => cache.get(id) !== undefined);

describe('ActorCache', () => {
  it('evicts the least recently used actor past the cap; using an actor refreshes it', () => {
    const { cache, sizes } = cacheOf(3, 'a', 'b', 'c');
    const a = cache.get('a');
    if (a) cache.put(a, 4); // a is used again: b is now the least recently used
    cache.put(actor('d'), 5);
    expect(cached(cache, 'a', 'b', 'c', 'd')).toEqual(['a', 'c', 'd']);
    expect(cache.size).toBe(3);
    expect(Math.max(...sizes)).toBe(3);
  });

  it('passivates every actor idle too long, even behind one inserted earlier but used recently', () => {
    const { cache } = cacheOf(10, 'a', 'b', 'c');
    const a = cache.get('a');
    if (a) cache.put(a, 10);
    // b (used at 2) and c (used at 3) are idle 8+ ms at 11; a (used at 10) is fresh.
    expect(cache.evictIdle(11, 5)).toBe(2);
    expect(cached(cache, 'a', 'b', 'c')).toEqual(['a']);
  });
});
