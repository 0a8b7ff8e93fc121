// One circuit breaker per provider. After `threshold` consecutive retryable failures the circuit opens
// for `cooldownMs`: claimed effects for that provider are put back untouched (no attempt spent) instead of
// hammering a provider that is down. After the cooldown one trial call is let through (half-open); its
// success closes the circuit, its failure opens it again.

export interface CircuitBreakerOptions {
  threshold: number;
  cooldownMs: number;
}

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half_open' };

export class CircuitBreaker {
  #state: State = { kind: 'closed', failures: 0 };
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /** null when a call may go ahead; otherwise the time (ms epoch) at which to try again. */
  blockedUntil(): number | null {
    const state = this.#state;
    if (state.kind === 'closed') return null;
    if (state.kind === 'half_open') return this.#now() + this.#options.cooldownMs;
    if (this.#now() < state.until) return state.until;
    this.#state = { kind: 'half_open' };
    return null;
  }

  success(): void {
    this.#state = { kind: 'closed', failures: 0 };
  }

  failure(): void {
    const state = this.#state;
    const failures = state.kind === 'closed' ? state.failures + 1 : this.#options.threshold;
    this.#state =
      failures >= this.#options.threshold
        ? { kind: 'open', until: this.#now() + this.#options.cooldownMs }
        : { kind: 'closed', failures };
  }

  get state(): State['kind'] {
    return this.#state.kind;
  }
}
