// Send pacing keyed by sender (a WhatsApp phone number id, an SMS number). Graph allows 80 messages/s per
// phone number by default (error 130429 past it): we pace ourselves below that instead of bouncing. The
// pace is cluster-wide (the GCRA row of src/persistence/limits/rate-limit.ts), so two workers sending for
// one number share its 80/s instead of sending 160/s. A burst of `perSecond` goes at once after a quiet
// spell, the rest evenly spaced: a token bucket's behaviour with one timestamp of state.
import type { Db } from '../persistence/database.ts';
import { claimRate, claimRates } from '../persistence/limits/rate-limit.ts';

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
  async function acquireOne(key: string, limit: RateLimit, waitFirstMs = 0): Promise<void> {
    if (waitFirstMs > 0) await new Promise((resolve) => setTimeout(resolve, waitFirstMs));
    for (;;) {
      const claim = await claimRate(db, `send:${key}`, ruleOf(limit), clock());
      if (claim.granted) return;
      await new Promise((resolve) => setTimeout(resolve, claim.retryAfterMs));
    }
  }

  // The sends a relay batch starts together ask in the same turn of the event loop: they claim their cells
  // with one statement for all their numbers (each number's cells all or none, at most a burst at a time)
  // instead of one each (docs/performance.md: the relay spreads a batch over many numbers). A number that
  // is refused (at its pace) sends its waiters back to claiming their own cells in turn, exactly as if each
  // had asked alone; a lone waiter first waits the time it was told.
  let waiting = new Map<string, Waiting>();

  async function claimTogether(groups: ReadonlyMap<string, Waiting>): Promise<void> {
    const rounds = [...groups].map(([key, group]) => {
      const rule = ruleOf(group.limit);
      const chunks: Waiting['waiters'][] = [];
      for (let from = 0; from < group.waiters.length; from += rule.burst)
        chunks.push(group.waiters.slice(from, from + rule.burst));
      return { key, group, rule, chunks };
    });
    // Round n claims every number's n-th chunk (a number with more waiters than its burst needs rounds).
    for (let round = 0; ; round++) {
      const now = rounds.flatMap((r) => {
        const chunk = r.chunks[round];
        return chunk ? [{ ...r, chunk }] : [];
      });
      if (now.length === 0) return;
      try {
        const claims = await claimRates(
          db,
          now.map((r) => ({ key: `send:${r.key}`, rule: r.rule, cells: r.chunk.length })),
          clock(),
        );
        now.forEach((r, i) => {
          const claim = claims[i];
          if (claim?.granted) for (const w of r.chunk) w.go();
          else {
            const wait = claim && r.chunk.length === 1 ? claim.retryAfterMs : 0;
            for (const w of r.chunk) acquireOne(r.key, r.group.limit, wait).then(w.go, w.fail);
          }
        });
      } catch (error) {
        for (const r of now) for (const w of r.chunk) w.fail(error);
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
            void claimTogether(groups);
          });
        }
        const group = waiting.get(key) ?? { limit, waiters: [] };
        group.waiters.push({ go, fail });
        waiting.set(key, group);
      });
    },
  };
}
