// Which partitions each live worker should hold. Every worker computes the same answer from the same
// (sorted) worker list: partitions go to their highest rendezvous-ranked worker that still has room under
// ceil(partitions / workers). Rendezvous ranking keeps most partitions in place when a worker joins or
// leaves; the cap keeps the split even. Leases, not this function, guarantee a single owner: while views of
// the worker list differ, a partition stays with whoever holds its lease.
import { fnv1a32 } from '../../domain/ids.ts';

/** murmur3's finaliser: FNV-1a alone barely changes the high bits for ids that differ in the last char. */
function mix32(hash: number): number {
  let h = hash;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function fairShare(partitions: number, workers: readonly string[]): Map<string, number[]> {
  const sorted = [...new Set(workers)].sort();
  const shares = new Map<string, number[]>(sorted.map((w) => [w, []]));
  if (sorted.length === 0) return shares;
  const cap = Math.ceil(partitions / sorted.length);
  for (let p = 0; p < partitions; p++) {
    const ranked = sorted
      .map((worker) => ({ worker, score: mix32(fnv1a32(`${worker}/${p}`)) }))
      .sort((a, b) => b.score - a.score || (a.worker < b.worker ? -1 : 1));
    const chosen = ranked.find((r) => (shares.get(r.worker)?.length ?? cap) < cap);
    if (chosen) shares.get(chosen.worker)?.push(p);
  }
  return shares;
}
