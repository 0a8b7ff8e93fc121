// A @fastify/rate-limit store shared by every gateway process: each request claims from the GCRA row of
// its key in PostgreSQL (src/persistence/limits/rate-limit.ts), so N gateways behind a load balancer
// allow `max` per window per client together, not N times that. The plugin's "current" count is
// reported as 1 while the claim is granted and max + 1 once it is not (with the wait as ttl).
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Db } from '../../persistence/database.ts';
import { claimRate } from '../../persistence/limits/rate-limit.ts';

export function sharedRateLimitStore(db: Db, clock: () => Date, prefix: string): FastifyRateLimitStoreCtor {
  class SharedStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      const rule = { perMinute: (max * 60_000) / timeWindow, burst: max };
      claimRate(db, `${prefix}:${key}`, rule, clock()).then(
        (claim) =>
          callback(
            null,
            claim.granted ? { current: 1, ttl: timeWindow } : { current: max + 1, ttl: claim.retryAfterMs },
          ),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): FastifyRateLimitStore {
      return new SharedStore();
    }
  }
  return SharedStore;
}
