// Token buckets keyed by sender (a WhatsApp phone number id, a provider name). Graph allows 80 messages/s
// per phone number by default (error 130429 past it): we pace ourselves below that instead of bouncing.

export interface RateLimit {
  /** Tokens added per second (and the burst size). */
  perSecond: number;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds to wait before a token is free (0: taken now). Taking reserves the token either way. */
  reserve(key: string, limit: RateLimit): number {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: limit.perSecond, refilledAt: now };
    const elapsed = Math.max(0, now - bucket.refilledAt) / 1000;
    bucket.tokens = Math.min(limit.perSecond, bucket.tokens + elapsed * limit.perSecond);
    bucket.refilledAt = now;
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens / limit.perSecond) * 1000);
  }

  /** Waits until a token for `key` is available. */
  async acquire(key: string, limit: RateLimit): Promise<void> {
    const wait = this.reserve(key, limit);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
