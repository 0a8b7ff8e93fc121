// The provider circuit breaker and the send pacing are cluster-wide: two relays on one database (as two
// workers would be) share a provider's consecutive failures, its open circuit, its single trial call, and
// one number's pace.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { readBreaker } from '../../src/persistence/limits/circuit-breaker.ts';
import { startEffectsHarness, studio, type EffectsHarness } from './effects-harness.ts';

const send = (n: number): EffectOf<'effect.message.send'> => ({
  type: 'effect.message.send',
  studioId: studio.id,
  channel: 'whatsapp',
  to: `+4477009003${String(n).padStart(2, '0')}`,
  message: { kind: 'text', text: `message ${n}` },
});
const lead = (n: number) => leadIdFor(studio.id, `+4477009003${String(n).padStart(2, '0')}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: EffectsHarness;
beforeEach(async () => {
  h = await startEffectsHarness();
});
afterEach(async () => {
  await h.close();
});

describe('cluster-wide circuit breaker', () => {
  it('opens on failures counted across relays, blocks every relay, and lets one trial through cluster-wide', async () => {
    const breaker = { threshold: 2, cooldownMs: 600 };
    const a = h.relay({ concurrency: 1, breaker });
    const b = h.relay({ concurrency: 1, breaker });
    const fail = { kind: 'status' as const, status: 502 };
    h.graph.failNext('send', fail, fail, fail);
    for (const n of [1, 2]) await h.enqueue(send(n), { leadId: lead(n) });

    await a.runOnce(); // one failure on relay a
    await b.runOnce(); // the second, on relay b: the threshold is reached for the cluster
    expect(h.graph.sends).toHaveLength(2);
    const opened = await readBreaker(h.db, 'whatsapp');
    expect(opened.failures).toBe(2);
    expect(opened.openUntil).not.toBeNull();

    // Past each relay's cached view (250 ms) and the rows' short backoff: both relays now see it open.
    await sleep(300);
    for (const n of [3, 4]) await h.enqueue(send(n), { leadId: lead(n) });
    await Promise.all([a.runOnce(), b.runOnce()]);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(h.graph.sends).toHaveLength(2);

    // After the cooldown exactly one trial call goes out, whichever relays ask; it fails: open again.
    await sleep(350);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(h.graph.sends).toHaveLength(3);
    expect((await readBreaker(h.db, 'whatsapp')).openUntil!.getTime()).toBeGreaterThan(Date.now());

    // The next trial succeeds: the circuit closes for everyone and the backlog drains.
    await sleep(650);
    await Promise.all([a.runOnce(), b.runOnce()]);
    expect(await readBreaker(h.db, 'whatsapp')).toEqual({ failures: 0, openUntil: null, trialUntil: null });
    await h.drain(a);
    const delivered = new Set(h.graph.sends.filter((s) => s.wamid !== null).map((s) => String(s.body.to)));
    expect(delivered.size).toBe(4);
  });
});

describe('cluster-wide send pacing', () => {
  it('two relays sending for one phone number share its pace', async () => {
    for (let n = 0; n < 20; n++) await h.enqueue(send(n), { leadId: lead(n) });
    const start = Date.now();
    const options = { whatsappPerSecond: 10, concurrency: 10 };
    await Promise.all([h.drain(h.relay(options)), h.drain(h.relay(options))]);
    const times = h.graph.sends.map((s) => s.at).sort((x, y) => x - y);
    expect(times).toHaveLength(20);
    // 10 go at once, the other 10 at 100 ms intervals across both relays: the last one not before 1 s.
    // Two per-process limiters would have sent all 20 at once.
    expect(times[19]! - start).toBeGreaterThanOrEqual(950);
  });
});
