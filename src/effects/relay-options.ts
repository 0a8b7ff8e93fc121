// Tunables of the outbox relay. Defaults suit production; tests pass small delays.
import type { BackoffOptions } from './backoff.ts';
import type { CircuitBreakerOptions } from './circuit-breaker.ts';
import type { HttpTimeouts } from './http-request.ts';

export interface RelayOptions {
  /** Rows claimed and executed at once (bounded concurrency). */
  concurrency: number;
  /** Idle wait between polls when nothing was due. */
  pollIntervalMs: number;
  /**
   * How long a claimed row stays ours without renewal; renewed every quarter of it while the effect runs,
   * so a dead relay's rows come back to the others after it (LEADLINE_LEASE_TIMEOUT in a running system).
   */
  leaseMs: number;
  /** Attempts before a retryable failure becomes permanent (media effects use 5). */
  maxAttempts: number;
  backoff: BackoffOptions;
  breaker: CircuitBreakerOptions;
  timeouts: HttpTimeouts;
  /**
   * Overrides every studio's `whatsapp.messagesPerSecond` (sends per second per phone number id) when set;
   * unset, each number is paced by its studio's setting (default 80, Graph's default limit).
   */
  whatsappPerSecond?: number;
  /** Random source for jitter (tests pin it). */
  random: () => number;
}

export const defaultRelayOptions: RelayOptions = {
  concurrency: 16,
  pollIntervalMs: 500,
  leaseMs: 15_000,
  maxAttempts: 8,
  backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
  breaker: { threshold: 5, cooldownMs: 30_000 },
  timeouts: { connectMs: 5_000, responseMs: 10_000 },
  random: Math.random,
};

export function resolveRelayOptions(partial: Partial<RelayOptions> = {}): RelayOptions {
  return { ...defaultRelayOptions, ...partial };
}
