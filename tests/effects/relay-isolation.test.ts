// One relay batch: a row that can never run (a payload no effect schema accepts), a provider refusal whose
// error text carries NUL and a lone surrogate, and a provider 503 each fail or back off on their own;
// the ordinary rows claimed with them are sent and finished. Nothing is left running.
import { describe, expect, it } from 'vitest';
import type { OutboxEffect } from '../../src/domain/effects.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { graphErrorBody } from '../fakes/graph-api.ts';
import { startEffectsHarness, studio } from './effects-harness.ts';

const send = (n: number): EffectOf<'effect.message.send'> => ({
  type: 'effect.message.send',
  studioId: studio.id,
  channel: 'whatsapp',
  to: `+4477009003${String(n).padStart(2, '0')}`,
  message: { kind: 'text', text: `message ${n}` },
});

describe('relay batches', () => {
  it('one row’s failure fails only that row: permanent at once, transient backs off, the rest are sent', async () => {
    const h = await startEffectsHarness();
    try {
      const ordinary = await Promise.all(
        [0, 1, 2].map((n) => h.enqueue(send(n), { leadId: leadIdFor(studio.id, `+4477009003${n}0`) })),
      );
      // A stored payload that fails the effect schema (as a hand-edited or older row would).
      const { message: _dropped, ...noMessage } = send(5);
      const malformed = await h.enqueue(noMessage as OutboxEffect, { leadId: 'ld_malformed' });
      h.graph.failSendsTo('447700900306', {
        kind: 'status',
        status: 400,
        body: graphErrorBody(100, 'Param text has \u0000 and \ud800 in it'),
      });
      const refused = await h.enqueue(send(6), { leadId: 'ld_refused' });
      h.graph.failSendsTo('447700900307', { kind: 'status', status: 503 });
      const unavailable = await h.enqueue(send(7), { leadId: 'ld_unavailable' });

      const relay = h.relay({ concurrency: 10 });
      expect(await relay.runOnce()).toBe(6);
      const rows = async (ids: string[]) => Promise.all(ids.map((id) => h.outboxRow(id)));
      expect((await rows(ordinary)).map((r) => r.status)).toEqual(['done', 'done', 'done']);
      const [m, r, u] = await rows([malformed, refused, unavailable]);
      expect([m?.status, m?.attempts, m?.last_error]).toEqual(['failed', 1, 'malformed effect payload']);
      expect([r?.status, r?.attempts]).toEqual(['failed', 1]);
      expect(r?.last_error).toContain('Param text has  and \ufffd in it');
      expect([u?.status, u?.attempts]).toEqual(['pending', 1]);
      const failed = await h.db
        .selectFrom('system_events')
        .select(['lead_id'])
        .where('type', '=', 'effect.failed')
        .execute();
      expect(failed.map((e) => e.lead_id).sort()).toEqual(['ld_malformed', 'ld_refused']);
      // The 503 row is retried after its backoff and goes through.
      await h.drain(relay);
      expect((await h.outboxRow(unavailable)).status).toBe('done');
    } finally {
      await h.close();
    }
  });
});
