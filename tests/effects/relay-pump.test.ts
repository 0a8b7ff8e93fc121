// The relay keeps its sends in flight as a pump: a reply committed while another send hangs leaves at once,
// instead of waiting for the batch that holds the hanging send (before, each claim waited for the whole
// previous batch to finish).
import { describe, expect, it } from 'vitest';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { startEffectsHarness, studio, waitFor } from './effects-harness.ts';

const sendTo = (digits: string): EffectOf<'effect.message.send'> => ({
  type: 'effect.message.send',
  studioId: studio.id,
  channel: 'whatsapp',
  to: `+${digits}`,
  message: { kind: 'text', text: `hello ${digits}` },
});

describe('the relay as a pump', () => {
  it('a row committed while another send hangs is sent without waiting for it', async () => {
    const h = await startEffectsHarness();
    const relay = h.relay({ timeouts: { connectMs: 300, responseMs: 3_000 } });
    try {
      h.graph.failSendsTo('447700900301', { kind: 'stall' });
      const slow = await h.enqueue(sendTo('447700900301'), { leadId: 'ld_slow' });
      relay.start();
      await waitFor(() => Promise.resolve(h.graph.sends.some((s) => s.body.to === '447700900301')));
      const fast = await h.enqueue(sendTo('447700900302'), { leadId: 'ld_fast' });
      relay.wake();
      await waitFor(async () => (await h.outboxRow(fast)).status === 'done', 2_000);
      // The hanging send is still out: nothing recorded for it yet, its lease held.
      expect(await h.outboxRow(slow)).toMatchObject({ status: 'running', attempts: 0 });
    } finally {
      await relay.stop();
      await h.close();
    }
  });
});
