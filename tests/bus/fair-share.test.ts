import { describe, expect, it } from 'vitest';
import { fairShare } from '../../src/bus/nats/fair-share.ts';

const sizes = (shares: Map<string, number[]>): number[] => [...shares.values()].map((s) => s.length);

describe('fairShare', () => {
  it('gives every partition to exactly one worker, at most ceil(partitions / workers) each', () => {
    for (const workers of [['a'], ['a', 'b'], ['w1', 'w2', 'w3'], ['x', 'y', 'z', 'q', 'r']]) {
      const shares = fairShare(16, workers);
      const all = [...shares.values()].flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 16 }, (_, i) => i));
      for (const size of sizes(shares)) expect(size).toBeLessThanOrEqual(Math.ceil(16 / workers.length));
    }
  });

  it('is the same answer whatever order the workers are listed in', () => {
    expect(fairShare(16, ['c', 'a', 'b'])).toEqual(fairShare(16, ['a', 'b', 'c']));
  });

  it('moves only about a fair share of partitions when a worker joins', () => {
    const before = fairShare(64, ['w1', 'w2', 'w3']);
    const after = fairShare(64, ['w1', 'w2', 'w3', 'w4']);
    const moved = ['w1', 'w2', 'w3'].flatMap(
      (w) => before.get(w)?.filter((p) => !after.get(w)?.includes(p)) ?? [],
    ).length;
    expect(moved).toBeLessThanOrEqual(64 / 4 + 4);
    expect(after.get('w4')?.length).toBe(16);
  });
});
