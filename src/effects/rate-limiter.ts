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

interface Waiting {
  limit: RateLimit;
  waiters: { go: () => void; fail: (error: unknown) => void }[];
}

const ruleOf = (limit: RateLimit) => ({
  perMinute: limit.perSecond * 60,
  burst: Math.max(1, Math.floor(limit.perSecond)),
});

export function createRateLimiter(db: Db, clock: () => Date): RateLimiter {
  /** One at a time: claims a cell, waiting as long as the pace says between tries. */
  async function acquireOne(key: string, limit: RateLimit): Promise<void> {
    for (;;) {
      const claim = await claimRate(db, `send:${key}`, ruleOf(limit), clock());
      if (claim.granted) return;
      await new Promise((resolve) => setTimeout(resolve, claim.retryAfterMs));
    }
  }

  // The sends a relay batch starts together ask in the same turn of the event loop: they claim their cells
  // with one statement (all or none, at most a burst at a time) instead of one each. Refused (the number
  // is at its pace), each goes back to claiming its own cell in turn, exactly as if it had asked alone.
  let waiting = new Map<string, Waiting>();

  async function claimTogether(key: string, group: Waiting): Promise<void> {
    const rule = ruleOf(group.limit);
    for (let from = 0; from < group.waiters.length; from += rule.burst) {
      const chunk = group.waiters.slice(from, from + rule.burst);
      const alone = () => {
        for (const w of chunk) acquireOne(key, group.limit).then(w.go, w.fail);
      };
      // A lone sender claims its own cell (and waits its turn) as it always did.
      if (chunk.length === 1) {
        alone();
        continue;
      }
      try {
        const claim = await claimRate(db, `send:${key}`, rule, clock(), chunk.length);
        if (claim.granted) for (const w of chunk) w.go();
        else alone();
      } catch (error) {
        for (const w of chunk) w.fail(error);
      }
    }
  }

  return {
    acquire(key, limit) {
      return new Promise<void>((go, fail) => {
        if (waiting.size === 0) {
          setImmediate(() => {
            const groups = waiting;
            waiting = new Map();
            for (const [k, group] of groups) void claimTogether(k, group);
          });
        }
        const group = waiting.get(key) ?? { limit, waiters: [] };
        group.waiters.push({ go, fail });
        waiting.set(key, group);
      });
    },
  };
}
