// LEADLINE_PARTITIONS is fixed for the life of a stream (a lead's partition is its hash modulo the count).
// The first worker records the count in the lease bucket; a worker started with another count refuses to
// consume instead of silently splitting leads across two partitionings.
import type { KV } from '@nats-io/kv';

const KEY = 'config.partitions';

export async function checkPartitionCount(kv: KV, partitions: number): Promise<void> {
  try {
    await kv.create(KEY, String(partitions));
    return;
  } catch {
    // Already recorded: compare below.
  }
  const entry = await kv.get(KEY);
  const recorded = entry?.operation === 'PUT' ? Number(entry.string()) : partitions;
  if (recorded !== partitions) {
    throw new Error(
      `LEADLINE_PARTITIONS=${partitions} but this stream was partitioned with ${recorded}; ` +
        'use the same count (or a new stream and lease bucket)',
    );
  }
}
