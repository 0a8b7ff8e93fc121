import { describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { backoffDelay, retryDelay } from '../../src/effects/backoff.ts';
import { parseRetryAfter } from '../../src/effects/effect-errors.ts';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { claimDueRows } from '../../src/effects/outbox-claim.ts';
import { renewLease } from '../../src/effects/outbox-lease.ts';
import { startEffectsHarness, studio, waitFor } from './effects-harness.ts';

const send = (n: number): EffectOf<'effect.message.send'> => ({
  type: 'effect.message.send',
  studioId: studio.id,
  channel: 'whatsapp',
  to: `+4477009002${String(n).padStart(2, '0')}`,
  message: { kind: 'text', text: `message ${n}` },
});

describe('backoff', () => {
  it('doubles per attempt up to the cap, jittered into [50%, 100%]', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, options, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(retryDelay(1, options, 5_000, () => 1)).toBe(5_000);
    expect(retryDelay(3, options, 10, () => 1)).toBe(400);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('relay policies end to end', () => {
  it('paces WhatsApp sends per phone number id', async () => {
    const h = await startEffectsHarness();
    try {
      for (let n = 0; n < 15; n++)
        await h.enqueue(send(n), { leadId: leadIdFor(studio.id, `+44770090${n}`) });
      const start = Date.now();
      await h.drain(h.relay({ whatsappPerSecond: 10, concurrency: 15 }));
      const times = h.graph.sends.map((s) => s.at).sort((a, b) => a - b);
      expect(times).toHaveLength(15);
      // 10 go at once, the other 5 follow at 100 ms intervals: the last cannot leave before start + 500 ms.
      expect(times[14]! - start).toBeGreaterThanOrEqual(500);
    } finally {
      await h.close();
    }
  });

  it('an open circuit puts claimed effects back without spending an attempt', async () => {
    const h = await startEffectsHarness();
    try {
      const fail = { kind: 'status' as const, status: 502 };
      h.graph.failNext('send', fail, fail);
      const a = await h.enqueue(send(1), { leadId: 'ld_a' });
      const b = await h.enqueue(send(2), { leadId: 'ld_b' });
      const c = await h.enqueue(send(3), { leadId: 'ld_c' });
      const relay = h.relay({ concurrency: 2, breaker: { threshold: 2, cooldownMs: 60_000 } });
      await relay.runOnce(); // a and b fail: the circuit opens
      await new Promise((resolve) => setTimeout(resolve, 60)); // let a and b's 20-40 ms backoff pass
      await relay.runOnce();
      await relay.runOnce();
      expect(h.graph.sends).toHaveLength(2);
      const rows = await Promise.all([a, b, c].map((id) => h.outboxRow(id)));
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['pending', 1],
        ['pending', 1],
        ['pending', 0],
      ]);
      for (const row of rows) expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
      const metric = await h.metrics.effectsExecuted.get();
      expect(metric.values.find((v) => v.labels.outcome === 'circuit_open')?.value).toBe(3);
      expect((await h.metrics.outboxBacklog.get()).values[0]?.value).toBe(3);
    } finally {
      await h.close();
    }
  });

  it('re-runs a row whose relay died (lease expired) but never one that is still leased', async () => {
    const h = await startEffectsHarness();
    try {
      const dead = await h.enqueue(send(1), { leadId: 'ld_dead' });
      const busy = await h.enqueue(send(2), { leadId: 'ld_busy' });
      const past = new Date(Date.now() - 1_000);
      const future = new Date(Date.now() + 60_000);
      await h.db
        .updateTable('outbox')
        .set({ status: 'running', locked_until: past })
        .where('id', '=', dead)
        .execute();
      await h.db
        .updateTable('outbox')
        .set({ status: 'running', locked_until: future })
        .where('id', '=', busy)
        .execute();
      expect(await h.relay().runOnce()).toBe(1);
      expect((await h.outboxRow(dead)).status).toBe('done');
      expect((await h.outboxRow(busy)).status).toBe('running');
      expect(h.graph.sends.map((s) => s.body.to)).toEqual(['447700900201']);
    } finally {
      await h.close();
    }
  });

  // The lease is short (a dead relay's rows must come back about as fast as its partitions), so a live relay
  // renews it for as long as the provider call takes. Without renewal the second relay ran it again.
  it('keeps a slow effect leased while it runs: another relay does not run it a second time', async () => {
    const h = await startEffectsHarness();
    try {
      const id = await h.enqueue(send(1), { leadId: 'ld_slow' });
      h.graph.failNext('send', { kind: 'timeout', delayMs: 5_000 }); // hangs until the client gives up
      const slow = h.relay({ leaseMs: 300, timeouts: { connectMs: 300, responseMs: 2_000 } });
      const running = slow.runOnce();
      await waitFor(async () => Promise.resolve(h.graph.sends.length === 1));
      // Time must pass here: three leases' worth while the call hangs.
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(await h.relay({ leaseMs: 300 }).runOnce()).toBe(0);
      expect(h.graph.sends).toHaveLength(1);
      expect(await running).toBe(1);
      // The timed-out attempt was recorded under the renewed lease (its fence held), and retries later.
      expect(await h.outboxRow(id)).toMatchObject({ status: 'pending', attempts: 1, locked_until: null });
    } finally {
      await h.close();
    }
  });

  it('a renewal fails once the lease expired and another relay claimed the row', async () => {
    const h = await startEffectsHarness();
    try {
      await h.enqueue(send(1), { leadId: 'ld_taken' });
      // Claim clocks a little ahead of the insert (its next_attempt_at has microseconds; a Date has not).
      const at = Date.now() + 1_000;
      const [mine] = await claimDueRows(h.db, new Date(at), 1, 100);
      if (!mine) throw new Error('nothing claimed');
      // A second later (by the claims' clock), the lease has expired and another relay claims the row.
      const [theirs] = await claimDueRows(h.db, new Date(at + 1_000), 1, 60_000);
      expect(theirs?.row.id).toBe(mine.row.id);
      expect(await renewLease(h.db, mine, new Date(), 60_000)).toBe(false);
      expect(await renewLease(h.db, theirs ?? mine, new Date(), 60_000)).toBe(true);
      expect((await h.outboxRow(mine.row.id)).locked_until).toEqual(theirs?.lease);
    } finally {
      await h.close();
    }
  });
});
