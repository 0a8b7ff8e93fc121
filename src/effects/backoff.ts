// Exponential backoff with jitter for effect retries: attempt n waits base·2^(n-1), capped, then scaled by
// a random factor in [0.5, 1] ("equal jitter") so a burst of failures does not retry in lockstep.
// Not cockatiel: a relay retry is a durable row (`next_attempt_at`, attempts on the outbox row, picked up by
// any relay after a restart), so all it needs is the delay; cockatiel's retry loops in one process's memory
// (src/reconciliation/provider-calls.ts uses it there, with this curve).

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.5 + random() * 0.5));
}

/** The provider's Retry-After wins when it asks for longer than our own backoff. */
export function retryDelay(
  attempt: number,
  options: BackoffOptions,
  retryAfterMs: number | undefined,
  random?: () => number,
): number {
  return Math.max(backoffDelay(attempt, options, random), retryAfterMs ?? 0);
}
