// The cluster-wide send limits against the real database (invariant 12): the daily quota, the
// (campaign, lead, day) key and the GCRA rate limit, claimed by many concurrent connections.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimDailyQuota,
  claimDailyQuotaUnits,
  quotaUsed,
  type QuotaKey,
} from '../../src/persistence/limits/daily-quota.ts';
import { claimRate, claimRates } from '../../src/persistence/limits/rate-limit.ts';
import { claimSendOnce } from '../../src/persistence/limits/send-once.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

const keyFor = (day = '2026-12-02'): QuotaKey => ({
  studioId: 'inkwell',
  channel: 'whatsapp',
  sender: `pn-${randomUUID()}`,
  day,
});

describe('daily quota', () => {
  it('random concurrent claimers never exceed the quota, and the grants sum to min(demand, quota)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 12 }),
        async (quota, demands) => {
          const key = keyFor();
          // Every claimer runs its claims one after another, all claimers at once (pool of 10 connections).
          const grants = await Promise.all(
            demands.map(async (demand) => {
              let granted = 0;
              for (let i = 0; i < demand; i++) {
                if ((await claimDailyQuota(t.db, key, quota)) !== null) granted++;
              }
              return granted;
            }),
          );
          const demand = demands.reduce((a, b) => a + b, 0);
          const total = grants.reduce((a, b) => a + b, 0);
          expect(total).toBe(Math.min(demand, quota));
          expect(await quotaUsed(t.db, key)).toBe(total);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('batch claims (a run claiming several targets at once) never exceed it either: grants sum to min(demand, quota)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        // Each claimer asks for batches of 1..8 units, one batch after another, in its own transaction
        // that sometimes rolls back (a batch whose other writes failed gives its units back).
        fc.array(fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.boolean()), { maxLength: 5 }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (quota, claimers) => {
          const key = keyFor();
          const grants = await Promise.all(
            claimers.map(async (batches) => {
              let granted = 0;
              let asked = 0;
              for (const [units, rollBack] of batches) {
                const got = await t.db
                  .transaction()
                  .execute(async (tx) => {
                    const grant = await claimDailyQuotaUnits(tx, key, quota, units);
                    expect(grant.granted).toBeGreaterThanOrEqual(0);
                    expect(grant.granted).toBeLessThanOrEqual(units);
                    if (rollBack) throw new Error('roll back');
                    return grant.granted;
                  })
                  .catch(() => null);
                if (got !== null) {
                  granted += got;
                  asked += units;
                }
              }
              return { granted, asked };
            }),
          );
          const demand = grants.reduce((a, g) => a + g.asked, 0);
          const total = grants.reduce((a, g) => a + g.granted, 0);
          expect(total).toBe(Math.min(demand, quota));
          expect(await quotaUsed(t.db, key)).toBe(total);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a batch claim takes what is left and no more', async () => {
    const key = keyFor();
    expect(await claimDailyQuotaUnits(t.db, key, 10, 4)).toEqual({ granted: 4, used: 4 });
    expect(await claimDailyQuotaUnits(t.db, key, 10, 8)).toEqual({ granted: 6, used: 10 });
    expect(await claimDailyQuotaUnits(t.db, key, 10, 1)).toEqual({ granted: 0, used: null });
  });

  it('the counts it returns are distinct: no two claimers are told they took the same unit', async () => {
    const key = keyFor();
    const used = await Promise.all(Array.from({ length: 40 }, () => claimDailyQuota(t.db, key, 15)));
    const granted = used.filter((u): u is number => u !== null).sort((a, b) => a - b);
    expect(granted).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('a new studio-local day starts from zero (nothing expires; the next day is another row)', async () => {
    const key = keyFor('2026-12-02');
    for (let i = 0; i < 3; i++) await claimDailyQuota(t.db, key, 3);
    expect(await claimDailyQuota(t.db, key, 3)).toBeNull();
    expect(await claimDailyQuota(t.db, { ...key, day: '2026-12-03' }, 3)).toBe(1);
    expect(await quotaUsed(t.db, key)).toBe(3);
  });

  it('a unit claimed in a transaction that rolls back is given back', async () => {
    const key = keyFor();
    await t.db
      .transaction()
      .execute(async (tx) => {
        expect(await claimDailyQuota(tx, key, 1)).toBe(1);
        throw new Error('the send could not be written');
      })
      .catch(() => undefined);
    expect(await claimDailyQuota(t.db, key, 1)).toBe(1);
  });

  it('a quota of 0 grants nothing', async () => {
    expect(await claimDailyQuota(t.db, keyFor(), 0)).toBeNull();
  });
});

describe('one send per (campaign, lead, day)', () => {
  it('concurrent transactions claiming one key: exactly one wins', async () => {
    const key = { campaignId: `c-${randomUUID()}`, leadId: 'ld_1', day: '2026-12-02', runId: randomUUID() };
    const wins = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.db.transaction().execute((tx) => claimSendOnce(tx, { ...key, runId: randomUUID() })),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
    // Another day is another key.
    expect(await t.db.transaction().execute((tx) => claimSendOnce(tx, { ...key, day: '2026-12-03' }))).toBe(
      true,
    );
  });
});

describe('cluster-wide rate limit', () => {
  it('at one instant only the burst passes, and one more per interval after it', async () => {
    const key = `rate-${randomUUID()}`;
    const now = new Date('2026-12-02T10:00:00.000Z');
    const rule = { perMinute: 60, burst: 3 };
    const claims = await Promise.all(Array.from({ length: 10 }, () => claimRate(t.db, key, rule, now)));
    expect(claims.filter((c) => c.granted)).toHaveLength(3);
    const refused = claims.find((c) => !c.granted);
    expect(refused).toEqual({ granted: false, retryAfterMs: 1000 });
    const later = new Date(now.getTime() + 1000);
    const next = await Promise.all(Array.from({ length: 5 }, () => claimRate(t.db, key, rule, later)));
    expect(next.filter((c) => c.granted)).toHaveLength(1);
  });

  it('a claim of several cells passes only when all of them conform, and moves the pace by all of them', async () => {
    const key = `rate-${randomUUID()}`;
    const now = new Date('2026-12-02T10:00:00.000Z');
    const rule = { perMinute: 600, burst: 10 }; // one per 100 ms, 10 back to back
    expect(await claimRate(t.db, key, rule, now, 7)).toEqual({ granted: true });
    // 3 cells are left of the burst: 4 must wait one interval, 3 pass.
    expect(await claimRate(t.db, key, rule, now, 4)).toEqual({ granted: false, retryAfterMs: 100 });
    expect(await claimRate(t.db, key, rule, now, 3)).toEqual({ granted: true });
    expect(await claimRate(t.db, key, rule, now, 1)).toEqual({ granted: false, retryAfterMs: 100 });
    // A second later the whole burst is back.
    expect(await claimRate(t.db, key, rule, new Date(now.getTime() + 1000), 10)).toEqual({ granted: true });
    await expect(claimRate(t.db, key, rule, now, 11)).rejects.toThrow(RangeError);
  });

  it('several numbers claimed in one statement are each decided on their own pace, answers in request order', async () => {
    const [busy, quiet, fresh] = [1, 2, 3].map((n) => `rate-${n}-${randomUUID()}`) as [
      string,
      string,
      string,
    ];
    const now = new Date('2026-12-02T10:00:00.000Z');
    const rule = { perMinute: 600, burst: 10 }; // one per 100 ms, 10 back to back
    expect(await claimRate(t.db, busy, rule, now, 9)).toEqual({ granted: true });
    expect(await claimRate(t.db, quiet, rule, now, 2)).toEqual({ granted: true });
    const claims = await claimRates(
      t.db,
      [
        { key: busy, rule, cells: 2 }, // 1 cell left of its burst: refused, as claimRate would
        { key: quiet, rule, cells: 8 }, // exactly what is left: granted
        { key: fresh, rule, cells: 10 }, // a number never claimed: its whole burst
      ],
      now,
    );
    expect(claims).toEqual([{ granted: false, retryAfterMs: 100 }, { granted: true }, { granted: true }]);
    // Each moved by its own cells only: busy still has its one cell, quiet and fresh none.
    expect(await claimRate(t.db, busy, rule, now, 1)).toEqual({ granted: true });
    expect(await claimRate(t.db, quiet, rule, now, 1)).toEqual({ granted: false, retryAfterMs: 100 });
    expect(await claimRate(t.db, fresh, rule, now, 1)).toEqual({ granted: false, retryAfterMs: 100 });
    await expect(
      claimRates(
        t.db,
        [
          { key: busy, rule },
          { key: busy, rule },
        ],
        now,
      ),
    ).rejects.toThrow(RangeError);
  });

  it("concurrent statements claiming overlapping numbers never grant past a number's burst", async () => {
    const keys = Array.from({ length: 200 }, (_, n) => `rate-${n}-${randomUUID()}`);
    const now = new Date('2026-12-02T10:00:00.000Z');
    const rule = { perMinute: 60, burst: 3 };
    const claims = await Promise.all(
      // Half of them name the numbers in the opposite order: no deadlock, each number's burst exactly.
      Array.from({ length: 10 }, (_, n) => {
        const order = n % 2 === 0 ? keys : [...keys].reverse();
        return claimRates(
          t.db,
          order.map((key) => ({ key, rule })),
          now,
        ).then((answers) => order.map((key, i) => ({ key, granted: answers[i]?.granted === true })));
      }),
    );
    for (const key of keys) expect(claims.flat().filter((c) => c.key === key && c.granted)).toHaveLength(3);
  });

  it('grants over a span never exceed burst + span / interval', async () => {
    const key = `rate-${randomUUID()}`;
    const start = Date.parse('2026-12-02T10:00:00.000Z');
    let granted = 0;
    // 120 requests spread over 10 s at 30/min (one per 2 s), burst 1: at most 1 + 10 / 2 = 6.
    for (let i = 0; i < 120; i++) {
      const claim = await claimRate(t.db, key, { perMinute: 30 }, new Date(start + (i * 10_000) / 120));
      if (claim.granted) granted++;
    }
    expect(granted).toBeLessThanOrEqual(6);
    expect(granted).toBeGreaterThanOrEqual(5);
  });
});
