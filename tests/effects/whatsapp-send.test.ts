import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { graphErrorBody } from '../fakes/graph-api.ts';
import { LEAD, startEffectsHarness, studio, type EffectsHarness } from './effects-harness.ts';

const send = (text: string, to = '+447700900123'): EffectOf<'effect.message.send'> => ({
  type: 'effect.message.send',
  studioId: studio.id,
  channel: 'whatsapp',
  to,
  message: { kind: 'text', text },
});

let h: EffectsHarness;
beforeAll(async () => {
  h = await startEffectsHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.graph.sends.length = 0;
  await h.db.deleteFrom('outbox').execute();
  await h.db.deleteFrom('inbox').execute();
  await h.db.deleteFrom('system_events').execute();
});

describe('effect.message.send on the WhatsApp channel adapter', () => {
  it('sends a text from the studio number and stores the wamid on the transcript row', async () => {
    const id = await h.enqueue(send('Hello there'), { transcript: true });
    await h.drain(h.relay());

    expect(h.graph.sends).toHaveLength(1);
    const [sent] = h.graph.sends;
    expect(sent?.phoneNumberId).toBe(studio.whatsapp.phoneNumberId);
    expect(sent?.authorization).toBe(`Bearer ${h.graph.token}`);
    expect(sent?.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: '447700900123',
      type: 'text',
      text: { body: 'Hello there' },
    });
    const row = await h.outboxRow(id);
    expect(row).toMatchObject({
      status: 'done',
      attempts: 1,
      last_error: null,
      result: { wamid: sent?.wamid },
    });
    const transcript = await h.db
      .selectFrom('transcript')
      .selectAll()
      .where('outbox_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(transcript).toMatchObject({ provider_message_id: sent?.wamid, delivery_status: 'sent' });
    expect(await h.published()).toEqual([]);
  });

  it('a row an earlier version wrote as effect.whatsapp.send is read as effect.message.send and sent', async () => {
    const id = randomUUID();
    await h.db
      .insertInto('outbox')
      .values({
        id,
        lead_id: LEAD,
        kind: 'effect.whatsapp.send',
        payload: {
          type: 'effect.whatsapp.send',
          studioId: studio.id,
          to: '+447700900123',
          message: { kind: 'text', text: 'Old row' },
        },
      })
      .execute();
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(h.graph.sends.map((s) => s.body)).toEqual([
      expect.objectContaining({ to: '447700900123', text: { body: 'Old row', preview_url: true } }),
    ]);
  });

  it('a message to a session that does not exist fails for good, naming it (not sent on WhatsApp)', async () => {
    const id = await h.enqueue({ ...send('to nowhere'), channel: 'app', to: 'session-1' });
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(h.graph.sends).toEqual([]);
    const [event] = await h.db.selectFrom('system_events').selectAll().execute();
    expect(String((event?.payload as { error?: unknown } | undefined)?.error)).toContain(
      'no session session-1',
    );
  });

  it('sends templates with body parameters, ≤ 3 options as reply buttons and more as a list', async () => {
    await h.enqueue({
      ...send('x'),
      message: { kind: 'template', name: 'leadline_resume', language: 'en_GB', params: ['Ann'] },
    });
    const options = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `slot_${i}`, title: `Slot ${i}` }));
    await h.enqueue({
      ...send('x'),
      message: { kind: 'interactive', body: 'Pick one', options: options(3) },
    });
    await h.enqueue({
      ...send('x'),
      message: { kind: 'interactive', body: 'Pick one', options: options(5) },
    });
    await h.drain(h.relay());

    const [template, buttons, list] = h.graph.sends.map((s) => s.body);
    expect(template).toMatchObject({
      type: 'template',
      template: {
        name: 'leadline_resume',
        language: { code: 'en_GB' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ann' }] }],
      },
    });
    expect(buttons).toMatchObject({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Pick one' } },
    });
    expect(
      (buttons as { interactive: { action: { buttons: unknown[] } } }).interactive.action.buttons,
    ).toHaveLength(3);
    expect(list).toMatchObject({
      type: 'interactive',
      interactive: { type: 'list', action: { sections: [{ rows: options(5) }] } },
    });
  });

  it.each([
    ['a 500', { kind: 'status' as const, status: 500, body: graphErrorBody(131000, 'Something went wrong') }],
    ['a timeout', { kind: 'timeout' as const, delayMs: 2_000 }],
    ['a connection reset', { kind: 'reset' as const }],
    [
      'rate limit error 130429',
      { kind: 'status' as const, status: 400, body: graphErrorBody(130429, 'Rate limit hit') },
    ],
  ])('retries after %s with backoff, recording each attempt on the row', async (_name, failure) => {
    h.graph.failNext('send', failure);
    const id = await h.enqueue(send('retry me'));
    await h.drain(h.relay({ random: () => 1 }));

    const row = await h.outboxRow(id);
    expect(row.status).toBe('done');
    expect(row.attempts).toBe(2);
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['retry', 'done']);
    const [first, second] = row.attempt_log;
    expect(first?.error).toBeTruthy();
    // With jitter pinned to 1 the first backoff is exactly the 20 ms base.
    expect(Date.parse(first!.nextAttemptAt!) - Date.parse(first!.at)).toBe(20);
    expect(Date.parse(second!.at)).toBeGreaterThanOrEqual(Date.parse(first!.nextAttemptAt!));
    expect(h.graph.sends).toHaveLength(2);
    expect(h.graph.sends[1]!.at - h.graph.sends[0]!.at).toBeGreaterThanOrEqual(20);
  });

  it('honours Retry-After on a 429', async () => {
    h.graph.failNext('send', {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: graphErrorBody(80007, 'slow down'),
    });
    const id = await h.enqueue(send('later'));
    await h.drain(h.relay());
    const row = await h.outboxRow(id);
    const [first] = row.attempt_log;
    expect(Date.parse(first!.nextAttemptAt!) - Date.parse(first!.at)).toBeGreaterThanOrEqual(1_000);
    expect(h.graph.sends[1]!.at - h.graph.sends[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(row.status).toBe('done');
  });

  it('131047 (outside the 24-hour window) is not retried and feeds back message.send_failed with outsideWindow', async () => {
    h.graph.failNext('send', {
      kind: 'status',
      status: 400,
      body: graphErrorBody(131047, 'Re-engagement message'),
    });
    const id = await h.enqueue(send('too late'), { transcript: true });
    await h.drain(h.relay());

    const row = await h.outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(h.graph.sends).toHaveLength(1);
    const [envelope] = await h.published();
    expect(envelope).toMatchObject({
      id: `effect:${id}`,
      leadId: LEAD,
      studioId: studio.id,
      event: {
        type: 'message.send_failed',
        channel: 'whatsapp',
        outboxId: id,
        code: 131047,
        outsideWindow: true,
      },
    });
    const events = await h.db.selectFrom('system_events').selectAll().execute();
    expect(events.map((e) => [e.type, e.level])).toEqual([['whatsapp.outside_window', 'warn']]);
    const transcript = await h.db
      .selectFrom('transcript')
      .selectAll()
      .where('outbox_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(transcript.delivery_status).toBe('failed');
  });

  it('a permanent Graph error fails at once: message.send_failed, effect.failed system event, metrics', async () => {
    h.graph.failNext('send', {
      kind: 'status',
      status: 400,
      body: graphErrorBody(131026, 'Message undeliverable'),
    });
    const id = await h.enqueue(send('nope'));
    await h.drain(h.relay());

    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
    const [envelope] = await h.published();
    expect(envelope?.event).toMatchObject({
      type: 'message.send_failed',
      channel: 'whatsapp',
      recipientOptedOut: false,
      code: 131026,
      outsideWindow: false,
    });
    const [event] = await h.db.selectFrom('system_events').selectAll().execute();
    expect(event).toMatchObject({ type: 'effect.failed', level: 'error', lead_id: LEAD });
    expect(event?.payload).toMatchObject({ outboxId: id, code: 131026 });
    const metric = await h.metrics.effectsExecuted.get();
    expect(metric.values.find((v) => v.labels.outcome === 'failed')?.value).toBeGreaterThan(0);
  });

  it('gives up after maxAttempts retryable failures', async () => {
    const fail = { kind: 'status' as const, status: 503 };
    h.graph.failNext('send', fail, fail, fail, fail);
    const id = await h.enqueue(send('never'));
    await h.drain(h.relay());
    const row = await h.outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 4 });
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'failed']);
    expect(h.graph.sends).toHaveLength(4);
    const [envelope] = await h.published();
    expect(envelope?.event).toMatchObject({
      type: 'message.send_failed',
      channel: 'whatsapp',
      outsideWindow: false,
      recipientOptedOut: false,
    });
  });

  it("a lead's second message never overtakes its first, even while the first is retrying", async () => {
    h.graph.failSendsTo('447700900123', { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    await h.enqueue(send('first'));
    await h.enqueue(send('second'));
    const other = leadIdFor(studio.id, '+447700900999');
    await h.enqueue(send('other lead', '+447700900999'), { leadId: other });
    await h.drain(h.relay());

    const texts = h.graph.sends
      .filter((s) => s.body.to === '447700900123')
      .map((s) => [(s.body.text as { body: string }).body, s.wamid !== null]);
    expect(texts).toEqual([
      ['first', false],
      ['first', false],
      ['first', true],
      ['second', true],
    ]);
    // The other lead was not held up behind this one's retries.
    const otherSent = h.graph.sends.find((s) => s.body.to === '447700900999');
    const firstOk = h.graph.sends.find((s) => s.wamid !== null && s.body.to === '447700900123');
    expect(otherSent!.at).toBeLessThan(firstOk!.at);
  });

  it('executes each effect once when two relays run at the same time', async () => {
    const ids: string[] = [];
    for (let lead = 0; lead < 8; lead++)
      for (let n = 0; n < 4; n++)
        ids.push(
          await h.enqueue(send(`lead ${lead} msg ${n}`), {
            leadId: leadIdFor(studio.id, `+4477009001${lead}0`),
          }),
        );
    const a = h.relay({ concurrency: 4 });
    const b = h.relay({ concurrency: 4 });
    a.start();
    b.start();
    await h.drain(a);
    await Promise.all([a.stop(), b.stop()]);

    const texts = h.graph.sends.map((s) => (s.body.text as { body: string }).body);
    expect(texts).toHaveLength(ids.length);
    expect(new Set(texts).size).toBe(ids.length);
    for (let lead = 0; lead < 8; lead++) {
      const mine = texts.filter((t) => t.startsWith(`lead ${lead} `));
      expect(mine).toEqual([0, 1, 2, 3].map((n) => `lead ${lead} msg ${n}`));
    }
    const rows = await h.db.selectFrom('outbox').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });
});
