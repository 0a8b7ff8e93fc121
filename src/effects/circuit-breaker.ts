// The relay's view of the cluster-wide circuit breaker (src/persistence/limits/circuit-breaker.ts): after
// `threshold` consecutive retryable failures of a provider, counted across every relay of the cluster, the
// circuit opens for `cooldownMs`: claimed effects for that provider are put back untouched (no attempt
// spent) instead of hammering a provider that is down. After the cooldown one trial call, cluster-wide, is
// let through (half-open); its success closes the circuit, its failure opens it again.
//
// A closed circuit costs no query per call: each relay keeps the row it last read for `freshMs` and only
// writes a success when that row showed failures. So another relay's opening is seen within `freshMs`
// (default 250 ms) — a handful of extra calls to a provider that is down, against a query per message.
// Not cockatiel's CircuitBreakerPolicy: its state is one process's memory, and this circuit is the
// cluster's (invariant 12): every relay counts the same failures and only one holds the half-open trial.
import type { Db } from '../persistence/database.ts';
import {
  claimTrial,
  readBreaker,
  recordBreakerFailure,
  recordBreakerSuccess,
  type BreakerRow,
} from '../persistence/limits/circuit-breaker.ts';

export interface CircuitBreakerOptions {
  threshold: number;
  cooldownMs: number;
  /** How long a relay trusts the breaker row it last read (default 250 ms). */
  freshMs?: number;
}

export interface CircuitBreakers {
  /** null when a call to `provider` may go ahead; otherwise the time at which to try again. */
  blockedUntil(provider: string): Promise<Date | null>;
  success(provider: string): Promise<void>;
  failure(provider: string): Promise<void>;
}

export function createCircuitBreakers(
  db: Db,
  options: CircuitBreakerOptions,
  clock: () => Date,
): CircuitBreakers {
  const freshMs = options.freshMs ?? 250;
  const seen = new Map<string, { row: BreakerRow; readAt: number }>();
  const remember = (provider: string, row: BreakerRow) =>
    seen.set(provider, { row, readAt: clock().getTime() });

  // A relay batch's sends all look at once: when the remembered row goes stale they share one read
  // instead of each querying (measured: 0.4-0.6 reads per send without this, docs/performance.md).
  const reading = new Map<string, Promise<BreakerRow>>();

  async function current(provider: string): Promise<BreakerRow> {
    const cached = seen.get(provider);
    if (cached && clock().getTime() - cached.readAt < freshMs) return cached.row;
    const inFlight = reading.get(provider);
    if (inFlight) return inFlight;
    const read = readBreaker(db, provider)
      .then((row) => {
        remember(provider, row);
        return row;
      })
      .finally(() => reading.delete(provider));
    reading.set(provider, read);
    return read;
  }

  return {
    async blockedUntil(provider) {
      const row = await current(provider);
      if (row.openUntil === null) return null;
      const now = clock();
      if (now < row.openUntil) return row.openUntil;
      const retryAt = await claimTrial(db, provider, options, now);
      // Holding the trial or not, the next look must go to the database (the trial decides).
      seen.delete(provider);
      return retryAt;
    },
    async success(provider) {
      const row = seen.get(provider)?.row;
      if (row && row.failures === 0 && row.openUntil === null) return;
      await recordBreakerSuccess(db, provider);
      remember(provider, { failures: 0, openUntil: null, trialUntil: null });
    },
    async failure(provider) {
      remember(provider, await recordBreakerFailure(db, provider, options, clock()));
    },
  };
}
