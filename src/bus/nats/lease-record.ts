// Lease and presence records in the KV bucket. nats-server 2.9 ignores per-key TTL, so every record carries
// its own expiry and changes hands only by revision compare-and-set: `create` (key absent or deleted) or
// `update(key, value, revision)` (the revision we read), which fails when anyone wrote in between.
import type { KV } from '@nats-io/kv';
import { z } from 'zod';

export const leaseValueSchema = z.object({ owner: z.string(), expiresAt: z.number() });
export type LeaseValue = z.infer<typeof leaseValueSchema>;

export interface LeaseEntry {
  revision: number;
  /** null when the key was deleted (a clean hand-off) or holds something unreadable. */
  value: LeaseValue | null;
}

export const partitionKey = (partition: number): string => `partition.${partition}`;
export const workerKey = (workerId: string): string => `worker.${workerId}`;

function encode(value: LeaseValue): string {
  return JSON.stringify(value);
}

export async function readLease(kv: KV, key: string): Promise<LeaseEntry | null> {
  const entry = await kv.get(key);
  if (!entry) return null;
  if (entry.operation !== 'PUT') return { revision: entry.revision, value: null };
  const parsed = leaseValueSchema.safeParse(entry.json());
  return { revision: entry.revision, value: parsed.success ? parsed.data : null };
}

/**
 * Claims a free or expired lease. `seen` is what we read; the write succeeds only if nobody wrote since.
 * Returns the new revision, or null when another worker won.
 */
export async function claimLease(
  kv: KV,
  key: string,
  value: LeaseValue,
  seen: LeaseEntry | null,
): Promise<number | null> {
  try {
    // kv.create also succeeds over a delete marker, and fails if the key holds a live value.
    if (seen?.value == null) return await kv.create(key, encode(value));
    return await kv.update(key, encode(value), seen.revision);
  } catch {
    return null;
  }
}

/** Extends a lease we hold at `revision`; null when the lease is no longer ours at that revision. */
export async function renewLease(
  kv: KV,
  key: string,
  value: LeaseValue,
  revision: number,
): Promise<number | null> {
  try {
    return await kv.update(key, encode(value), revision);
  } catch (error) {
    if (error instanceof Error && /wrong last sequence/i.test(error.message)) return null;
    throw error;
  }
}

/** Deletes a lease only if it is still ours at `revision` (a stale holder must not free someone else's). */
export async function releaseLease(kv: KV, key: string, revision: number): Promise<void> {
  await kv.delete(key, { previousSeq: revision }).catch(() => undefined);
}

/** Announces this worker until `expiresAt`; only this worker writes its own key. */
export async function announceWorker(kv: KV, workerId: string, expiresAt: number): Promise<void> {
  await kv.put(workerKey(workerId), encode({ owner: workerId, expiresAt }));
}

export async function withdrawWorker(kv: KV, workerId: string): Promise<void> {
  await kv.delete(workerKey(workerId)).catch(() => undefined);
}

/** Workers whose presence has not expired at `now`, sorted. Long-dead records are purged on the way. */
export async function liveWorkers(kv: KV, now: number, purgeAfterMs: number): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of await kv.keys('worker.>')) keys.push(key);
  const live: string[] = [];
  for (const key of keys) {
    const lease = await readLease(kv, key);
    if (!lease?.value) continue;
    if (lease.value.expiresAt > now) live.push(lease.value.owner);
    else if (lease.value.expiresAt < now - purgeAfterMs) await releaseLease(kv, key, lease.revision);
  }
  return live.sort();
}
