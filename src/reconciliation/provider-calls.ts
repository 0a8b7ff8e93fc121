// Calling a provider's history API politely: paced below its rate limit (requests spaced evenly per
// provider key in this process, no bursts, so no fixed one-second window sees more than the limit) and
// retried with exponential backoff on what is retryable (429, 5xx, timeouts), never
// sooner than a Retry-After the provider asked for. cockatiel runs the retries.
import { DelegateBackoff, handleWhen, retry, type IRetryBackoffContext } from 'cockatiel';
import { retryDelay } from '../effects/backoff.ts';
import { classify } from '../effects/effect-errors.ts';

export interface ProviderCallOptions {
  /** At most this many requests per second for this key (OpenPhone allows 10 per API key). */
  perSecond?: number;
  maxAttempts?: number;
  /** First backoff (doubles per attempt, at most maxDelayMs). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export type ProviderCall = <T>(fn: () => Promise<T>) => Promise<T>;

/** Even spacing per key: each request gets the next free slot, `1000 / perSecond` ms after the last. */
export class RequestPacer {
  readonly #next = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async acquire(key: string, perSecond: number): Promise<void> {
    const now = this.#now();
    const slot = Math.max(now, this.#next.get(key) ?? 0);
    // A little over the spacing: timers fire late, never early, but the provider's clock is not ours.
    this.#next.set(key, slot + Math.ceil(1000 / perSecond) + 5);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/** A caller for one provider key: every call waits for its slot, then retries what is retryable. */
export function providerCaller(
  key: string,
  pacer: RequestPacer,
  options: ProviderCallOptions = {},
): ProviderCall {
  const timing = { baseMs: options.initialDelayMs ?? 250, maxMs: options.maxDelayMs ?? 10_000 };
  const policy = retry(
    handleWhen((error) => classify(error).retryable),
    {
      maxAttempts: options.maxAttempts ?? 6,
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        const error = 'error' in context.result ? classify(context.result.error) : undefined;
        // The relay's backoff curve, without its jitter (as these retries always were).
        return retryDelay(context.attempt, timing, error?.retryAfterMs, () => 1);
      }),
    },
  );
  return (fn) =>
    policy.execute(async () => {
      if (options.perSecond !== undefined) await pacer.acquire(key, options.perSecond);
      return fn();
    });
}
