import type { Bus } from '../../src/bus/bus.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import type { EffectOf } from '../../src/effects/effect-handler.ts';
import { checkoutExpiresAt } from '../../src/effects/handlers/deposit-checkout.ts';
import { stripeErrorBody } from '../fakes/stripe-api.ts';
import {
  LEAD,
  PUBLIC_BASE_URL,
  startEffectsHarness,
  studio,
  type EffectsHarness,
} from './effects-harness.ts';

const HOUR = 3_600_000;
const checkout = (expiresInMs = 24 * HOUR): EffectOf<'effect.deposit.create_checkout'> => ({
  type: 'effect.deposit.create_checkout',
  studioId: studio.id,
  amount: 5000,
  currency: 'GBP',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
  description: 'Tattoo deposit',
});
const reserve = (slotStart: string): EffectOf<'effect.booking.reserve'> => ({
  type: 'effect.booking.reserve',
  studioId: studio.id,
  slotStart,
  slotEnd: new Date(Date.parse(slotStart) + HOUR).toISOString(),
});

const check = (sessionId: string): EffectOf<'effect.deposit.check_session'> => ({
  type: 'effect.deposit.check_session',
  studioId: studio.id,
  sessionId,
});

const loadTaken = (from: Date, until: Date): EffectOf<'effect.booking.load_taken'> => ({
  type: 'effect.booking.load_taken',
  studioId: studio.id,
  from: from.toISOString(),
  until: until.toISOString(),
});

let h: EffectsHarness;
beforeAll(async () => {
  h = await startEffectsHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.stripe.requests.length = 0;
  h.stripe.retrievals.length = 0;
  h.stripe.sessions.length = 0;
  await h.db.deleteFrom('outbox').execute();
  await h.db.deleteFrom('inbox').execute();
  await h.db.deleteFrom('bookings').execute();
});

describe('effect.deposit.create_checkout (real stripe client, fake Stripe server)', () => {
  it('creates a payment Checkout Session keyed by the outbox id and feeds back deposit.checkout_created', async () => {
    const id = await h.enqueue(checkout());
    await h.drain(h.relay());

    expect(h.stripe.requests).toHaveLength(1);
    const [request] = h.stripe.requests;
    expect(request?.idempotencyKey).toBe(id);
    expect(request?.authorization).toBe('Bearer sk_test_fake');
    const p = request!.params;
    expect(p.get('mode')).toBe('payment');
    expect(p.get('line_items[0][quantity]')).toBe('1');
    expect(p.get('line_items[0][price_data][unit_amount]')).toBe('5000');
    expect(p.get('line_items[0][price_data][currency]')).toBe('gbp');
    expect(p.get('metadata[lead_id]')).toBe(LEAD);
    expect(p.get('metadata[studio_id]')).toBe(studio.id);
    expect(p.get('client_reference_id')).toBe(LEAD);
    expect(p.get('success_url')).toContain(`${PUBLIC_BASE_URL}/`);
    expect(p.get('cancel_url')).toContain(`${PUBLIC_BASE_URL}/`);

    const session = h.stripe.sessions[0] as { id: string; url: string; expires_at: number };
    const [envelope] = await h.published();
    expect(envelope).toMatchObject({
      id: `effect:${id}`,
      event: {
        type: 'deposit.checkout_created',
        outboxId: id,
        sessionId: session.id,
        url: session.url,
        expiresAt: new Date(session.expires_at * 1000).toISOString(),
      },
    });
    expect(await h.outboxRow(id)).toMatchObject({ status: 'done', result: { sessionId: session.id } });
  });

  it('a success whose feedback could not be published is finished by re-publishing it, not by calling Stripe again', async () => {
    let outage = 2;
    const flaky: Bus = {
      ...h.bus,
      publish: (envelope) =>
        outage-- > 0 ? Promise.reject(new Error('NATS: no responders')) : h.bus.publish(envelope),
    };
    const id = await h.enqueue(checkout());
    const relay = h.relay({}, flaky);
    await relay.runOnce();
    // The session exists; the lead has not heard yet; the row keeps the outcome and is due again soon.
    expect(h.stripe.requests).toHaveLength(1);
    expect(await h.published()).toEqual([]);
    const kept = await h.outboxRow(id);
    expect(kept).toMatchObject({ status: 'pending', attempts: 0, feedback: { id: `effect:${id}` } });

    await h.drain(relay);
    expect(h.stripe.requests).toHaveLength(1);
    const published = await h.published();
    expect(published.map((e) => e.id)).toEqual([`effect:${id}`]);
    expect(published[0]?.event).toMatchObject({ type: 'deposit.checkout_created', outboxId: id });
    const row = await h.outboxRow(id);
    const session = h.stripe.sessions[0] as { id: string };
    expect(row).toMatchObject({ status: 'done', attempts: 1, result: { sessionId: session.id } });
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['done']);
  });

  it('clamps expires_at into [now + 30 min, now + 24 h]', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const seconds = (ms: number) => (now.getTime() + ms) / 1000;
    expect(checkoutExpiresAt(at(3 * 24 * HOUR), now)).toBeLessThanOrEqual(seconds(24 * HOUR));
    expect(checkoutExpiresAt(at(3 * 24 * HOUR), now)).toBeGreaterThan(seconds(23 * HOUR));
    expect(checkoutExpiresAt(at(60_000), now)).toBeGreaterThanOrEqual(seconds(HOUR / 2));
    expect(checkoutExpiresAt(at(60_000), now)).toBeLessThan(seconds(HOUR));
    expect(checkoutExpiresAt(at(6 * HOUR), now)).toBe(seconds(6 * HOUR));
  });

  it('retries 5xx, 429 and connection resets with the same Idempotency-Key, creating one session', async () => {
    h.stripe.failNext(
      { kind: 'status', status: 500, body: stripeErrorBody('api_error', 'boom') },
      { kind: 'status', status: 429, body: stripeErrorBody('rate_limit_error', 'slow') },
      { kind: 'reset' },
    );
    const id = await h.enqueue(checkout(3 * 24 * HOUR));
    await h.drain(h.relay());

    expect(h.stripe.requests.map((r) => r.idempotencyKey)).toEqual([id, id, id, id]);
    expect(h.stripe.sessions).toHaveLength(1);
    const row = await h.outboxRow(id);
    // stripe-node itself retries a connection closed mid-request once (same key) even with
    // maxNetworkRetries 0, so the reset costs no relay attempt: 4 requests, 3 recorded attempts.
    expect(row).toMatchObject({ status: 'done', attempts: 3 });
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'done']);
    expect(row.attempt_log[1]?.error).toContain('429');
    const [envelope] = await h.published();
    expect(envelope?.event.type).toBe('deposit.checkout_created');
  });

  it('retries a Stripe call that timed out, with the same Idempotency-Key', async () => {
    h.stripe.failNext({ kind: 'timeout', delayMs: 3_000 });
    const id = await h.enqueue(checkout());
    await h.drain(h.relay());
    expect(h.stripe.requests.map((r) => r.idempotencyKey)).toEqual([id, id]);
    const row = await h.outboxRow(id);
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['retry', 'done']);
    expect(h.stripe.sessions).toHaveLength(1);
  });

  it('a rejected request fails at once with effect.failed fed back', async () => {
    h.stripe.failNext({
      kind: 'status',
      status: 400,
      body: stripeErrorBody('invalid_request_error', 'Invalid currency', 'parameter_invalid'),
    });
    const id = await h.enqueue(checkout());
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
    const [envelope] = await h.published();
    expect(envelope?.event).toMatchObject({
      type: 'effect.failed',
      outboxId: id,
      effectType: 'effect.deposit.create_checkout',
    });
    const events = await h.db
      .selectFrom('system_events')
      .selectAll()
      .where('type', '=', 'effect.failed')
      .execute();
    expect(events.some((e) => e.level === 'error' && e.payload.outboxId === id)).toBe(true);
  });
});

// effect.deposit.check_session: the session read back from Stripe when a deposit's expiry falls due, so a
// payment whose webhook never arrived (the fake's markPaid) is found.

/** A Checkout Session for the lead, created through the relay as on approval. Returns its id. */
async function createSession(): Promise<string> {
  await h.enqueue(checkout());
  await h.drain(h.relay());
  const session = h.stripe.sessions[0] as { id: string } | undefined;
  expect(session).toBeDefined();
  return session?.id ?? '';
}

/** What the relay fed back to the lead for this outbox row. */
async function feedbackFor(outboxId: string, leadId = LEAD) {
  const envelopes = await h.published(leadId);
  return envelopes.find((e) => e.id === `effect:${outboxId}`)?.event;
}

describe('effect.deposit.check_session (real stripe client, fake Stripe server)', () => {
  it('a session paid without its webhook is fed back as paid', async () => {
    const sessionId = await createSession();
    h.stripe.markPaid(sessionId);
    const id = await h.enqueue(check(sessionId));
    await h.drain(h.relay());

    expect(h.stripe.retrievals).toEqual([
      { sessionId, authorization: 'Bearer sk_test_fake', at: expect.any(Number) as number },
    ]);
    expect(await feedbackFor(id)).toEqual({
      type: 'deposit.session_checked',
      at: expect.any(String) as string,
      outboxId: id,
      sessionId,
      status: 'complete',
      paymentStatus: 'paid',
      amountTotal: 5000,
      currency: 'gbp',
    });
    expect(await h.outboxRow(id)).toMatchObject({
      status: 'done',
      attempts: 1,
      result: { sessionId, paymentStatus: 'paid' },
    });
  });

  it('an open session is fed back as unpaid', async () => {
    const sessionId = await createSession();
    const id = await h.enqueue(check(sessionId));
    await h.drain(h.relay());
    expect(await feedbackFor(id)).toMatchObject({
      type: 'deposit.session_checked',
      sessionId,
      status: 'open',
      paymentStatus: 'unpaid',
    });
  });

  it('retries 5xx, 429 and timeouts, then answers', async () => {
    const sessionId = await createSession();
    h.stripe.markPaid(sessionId);
    h.stripe.failNext(
      { kind: 'status', status: 503, body: stripeErrorBody('api_error', 'down') },
      { kind: 'status', status: 429, body: stripeErrorBody('rate_limit_error', 'slow') },
      { kind: 'timeout', delayMs: 3_000 },
    );
    const id = await h.enqueue(check(sessionId));
    await h.drain(h.relay());
    expect(h.stripe.retrievals.map((r) => r.sessionId)).toEqual([sessionId, sessionId, sessionId, sessionId]);
    const row = await h.outboxRow(id);
    expect(row.attempt_log.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'done']);
    expect(await feedbackFor(id)).toMatchObject({ type: 'deposit.session_checked', paymentStatus: 'paid' });
  });

  it('an unknown session fails at once, fed back as effect.failed', async () => {
    const id = await h.enqueue(check('cs_test_unknown'));
    await h.drain(h.relay());
    expect(h.stripe.retrievals).toHaveLength(1);
    const row = await h.outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toContain('404');
    expect(row.last_error).toContain("No such checkout.session: 'cs_test_unknown'");
    expect(await feedbackFor(id)).toMatchObject({
      type: 'effect.failed',
      outboxId: id,
      effectType: 'effect.deposit.check_session',
    });
  });

  it("another lead's session never answers for this lead", async () => {
    const sessionId = await createSession();
    h.stripe.markPaid(sessionId);
    const rival = leadIdFor(studio.id, '+447700900555');
    const id = await h.enqueue(check(sessionId), { leadId: rival });
    await h.drain(h.relay());
    expect(await h.outboxRow(id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await feedbackFor(id, rival)).toMatchObject({
      type: 'effect.failed',
      effectType: 'effect.deposit.check_session',
      reason: expect.stringContaining('belongs to another lead') as string,
    });
  });
});

describe('effect.booking.reserve', () => {
  it('reserves a free slot, keeps it for the same lead, and refuses it to another lead with the taken slots', async () => {
    const slot = new Date(Date.now() + 48 * HOUR).toISOString();
    const first = await h.enqueue(reserve(slot));
    const again = await h.enqueue(reserve(slot));
    const rival = leadIdFor(studio.id, '+447700900555');
    const lost = await h.enqueue(reserve(slot), { leadId: rival });
    await h.drain(h.relay());

    const mine = await h.published();
    expect(mine.map((e) => e.event)).toEqual([
      expect.objectContaining({ type: 'booking.reserved', outboxId: first, slotStart: slot }),
      expect.objectContaining({ type: 'booking.reserved', outboxId: again, slotStart: slot }),
    ]);
    const [theirs] = await h.published(rival);
    expect(theirs?.event).toMatchObject({
      type: 'booking.slot_unavailable',
      outboxId: lost,
      slotStart: slot,
      takenSlots: [slot],
    });
    const bookings = await h.db.selectFrom('bookings').selectAll().execute();
    expect(bookings).toHaveLength(1);
    expect(bookings[0]?.lead_id).toBe(LEAD);
  });
});

describe('effect.booking.load_taken', () => {
  const RIVAL = leadIdFor(studio.id, '+447700900555');
  const book = (leadId: string, slotStart: Date, studioId = studio.id) =>
    h.db
      .insertInto('bookings')
      .values({
        studio_id: studioId,
        slot_start: slotStart,
        slot_end: new Date(slotStart.getTime() + HOUR),
        lead_id: leadId,
        outbox_id: null,
      })
      .execute();

  it("feeds back the studio's slots other leads booked in [from, until), in order", async () => {
    const from = new Date(Date.parse('2030-03-04T09:00:00.000Z'));
    const until = new Date(from.getTime() + 7 * 24 * HOUR);
    const at = (hours: number) => new Date(from.getTime() + hours * HOUR);
    await book(RIVAL, at(5));
    await book(RIVAL, at(1));
    await book(RIVAL, at(0)); // from is inclusive
    await book(RIVAL, at(-1)); // before the range
    await book(RIVAL, until); // until is exclusive
    await book(LEAD, at(2)); // the lead's own booking is still its to choose
    await book(RIVAL, at(3), 'another-studio');

    const id = await h.enqueue(loadTaken(from, until));
    await h.drain(h.relay());

    const [envelope] = await h.published();
    expect(envelope).toMatchObject({
      id: `effect:${id}`,
      event: {
        type: 'booking.taken_slots',
        outboxId: id,
        takenSlots: [at(0), at(1), at(5)].map((d) => d.toISOString()),
      },
    });
    expect(await h.outboxRow(id)).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('answers with no slots when nobody else has booked', async () => {
    const from = new Date();
    await book(LEAD, new Date(from.getTime() + HOUR));
    const id = await h.enqueue(loadTaken(from, new Date(from.getTime() + 24 * HOUR)));
    await h.drain(h.relay());
    const [envelope] = await h.published();
    expect(envelope?.event).toEqual(
      expect.objectContaining({ type: 'booking.taken_slots', outboxId: id, takenSlots: [] }),
    );
  });

  it('a lost reservation lists the same taken slots: other leads only', async () => {
    const mine = new Date(Date.now() + 24 * HOUR);
    const theirs = new Date(Date.now() + 48 * HOUR);
    await book(LEAD, mine);
    await book(RIVAL, theirs);
    const id = await h.enqueue(reserve(theirs.toISOString()));
    await h.drain(h.relay());
    const [envelope] = await h.published();
    expect(envelope?.event).toMatchObject({
      type: 'booking.slot_unavailable',
      outboxId: id,
      takenSlots: [theirs.toISOString()],
    });
  });
});
