// Send pacing keyed by sender (a WhatsApp phone number id, an SMS number). Graph allows 80 messages/s per
// phone number by default (error 130429 past it): we pace ourselves below that instead of bouncing. The
// pace is cluster-wide (the GCRA row of src/persistence/limits/rate-limit.ts), so two workers sending for
// one number share its 80/s instead of sending 160/s. A burst of `perSecond` goes at once after a quiet
// spell, the rest evenly spaced: a token bucket's behaviour with one timestamp of state.
import type { Db } from '../persistence/database.ts';
import { claimRate } from '../persistence/limits/rate-limit.ts';

export interface RateLimit {
  /** Sends per second (and the burst size). */
  perSecond: number;
}

export interface RateLimiter {
  /** Resolves when a send for `key` may go (waiting as long as the cluster's pace says). */
  acquire(key: string, limit: RateLimit): Promise<void>;
}

export function createRateLimiter(db: Db, clock: () => Date): RateLimiter {
  return {
    async acquire(key, limit) {
      const rule = { perMinute: limit.perSecond * 60, burst: Math.max(1, Math.floor(limit.perSecond)) };
      for (;;) {
        const claim = await claimRate(db, `send:${key}`, rule, clock());
        if (claim.granted) return;
        await new Promise((resolve) => setTimeout(resolve, claim.retryAfterMs));
      }
    },
  };
}
