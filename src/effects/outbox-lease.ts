// Keeping a claimed outbox row leased while its effect runs. The claim's lease is short (the relay's
// leaseMs, LEADLINE_LEASE_TIMEOUT in a running system) so the rows of a relay that died come back to the
// others about as fast as its NATS partitions do; a live relay renews the lease every quarter of it for as
// long as the provider call takes, so a slow call is not run a second time elsewhere. Renewal stops (and an
// in-flight renewal settles) before the caller records the outcome: the record's fence on `locked_until`
// then always sees the lease this relay last wrote.
import type { Db } from '../persistence/database.ts';
import type { ClaimedRow } from './outbox-claim.ts';

const RENEWALS_PER_LEASE = 4;

/** Extends the lease if this relay still holds it; false when it expired and another relay took the row. */
export async function renewLease(db: Db, claimed: ClaimedRow, now: Date, leaseMs: number): Promise<boolean> {
  const lease = new Date(now.getTime() + leaseMs);
  const result = await db
    .updateTable('outbox')
    .set({ locked_until: lease })
    .where('id', '=', claimed.row.id)
    .where('status', '=', 'running')
    .where('locked_until', '=', claimed.lease)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  claimed.lease = lease;
  return true;
}

export interface KeepLeasedOptions {
  db: Db;
  leaseMs: number;
  clock: () => Date;
  /** A renewal failed (database error) or found the lease gone; the work goes on, its record will tell. */
  onRenewalFailed(error: unknown): void;
}

/** Runs `work` while renewing `claimed`'s lease; resolves (or rejects) once no renewal is in flight. */
export async function keepLeased<T>(
  claimed: ClaimedRow,
  options: KeepLeasedOptions,
  work: () => Promise<T>,
): Promise<T> {
  let renewing: Promise<void> | undefined;
  let lost = false;
  // One renewal at a time: a second one would carry the lease the first is replacing and fail its fence.
  const renew = () => {
    if (lost || renewing) return;
    renewing = renewLease(options.db, claimed, options.clock(), options.leaseMs)
      .then(
        (held) => {
          if (held) return;
          lost = true;
          options.onRenewalFailed(new Error('lease expired and another relay took the row'));
        },
        (error: unknown) => options.onRenewalFailed(error),
      )
      .finally(() => {
        renewing = undefined;
      });
  };
  const timer = setInterval(renew, Math.max(1, Math.floor(options.leaseMs / RENEWALS_PER_LEASE)));
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}
