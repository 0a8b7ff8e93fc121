// START after STOP (rule 9) and the lead's durable timers: the opt-out cancels every timer, so START must
// arm again what the status it returns to watches — the deposit link's expiry at its ORIGINAL time (rule 11),
// or, when that time passed meanwhile, ask Stripe at once as the expiry would have; silence watching from
// START (rule 7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import { HOUR, LeadDriver } from './lead-driver.ts';

const MINUTE = 60_000;
const RUNS = { numRuns: 60 };

type Send = Extract<Effect, { type: 'effect.message.send' }>;
const sentTexts = (effects: readonly Effect[]) =>
  effects
    .filter((e): e is Send => e.type === 'effect.message.send')
    .map((e) => (e.message.kind === 'text' ? e.message.text : ''));

/** The relay's answer to the latest check: Stripe says paid (its webhook was lost) or not, or gave up. */
function stripeAnswers(d: LeadDriver, answer: 'paid' | 'unpaid' | 'failed'): Effect[] {
  if (answer === 'failed') {
    return d.control({
      type: 'effect.failed',
      outboxId: 'ob_check',
      effectType: 'effect.deposit.check_session',
      reason: 'Stripe unavailable',
    });
  }
  return d.control({
    type: 'deposit.session_checked',
    outboxId: `ob_check_${d.now}`,
    sessionId: 'cs_1',
    status: answer === 'paid' ? 'complete' : 'open',
    paymentStatus: answer === 'paid' ? 'paid' : 'unpaid',
    amountTotal: 5000,
    currency: 'gbp',
  });
}

/** A lead with an open 24-hour deposit link (approved and the checkout back), returning its expiry. */
function awaitingDeposit(d: LeadDriver): { expiresAt: string; url: string } {
  d.answerAll();
  d.control({ type: 'artist.approve' });
  const expiresAt = d.context.deposit.expiresAt ?? '';
  const url = 'https://checkout.stripe.test/cs_1';
  d.control({ type: 'deposit.checkout_created', outboxId: 'ob1', sessionId: 'cs_1', url, expiresAt });
  expect(d.context.timers.deposit_expiry).toBe(expiresAt);
  return { expiresAt, url };
}

describe('START re-arms the timers the opt-out cancelled', () => {
  it('a deposit link expires at its original time after STOP/START; if that passed meanwhile, START asks Stripe and its answer decides', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.integer({ min: 1, max: 36 * 60 }),
        fc.boolean(),
        fc.constantFrom('paid', 'unpaid', 'failed'),
        (minutesToStop, minutesAway, handoverFirst, answer) => {
          const d = new LeadDriver();
          const { expiresAt, url } = awaitingDeposit(d);
          d.wait(minutesToStop * MINUTE);
          // A handover cut short by STOP returns to the same place.
          if (handoverFirst) d.text('can I talk to someone');
          d.text('STOP');
          expect(d.context.timers).toEqual({});
          d.wait(minutesAway * MINUTE);
          const effects = d.text('START');
          const checks = effects.filter((e) => e.type === 'effect.deposit.check_session');
          if (d.now >= Date.parse(expiresAt)) {
            // Ran out while away: not the dead link and not "expired" yet; Stripe is asked, no timer armed.
            expect(d.status).toBe('AWAITING_DEPOSIT');
            expect(sentTexts(effects)).toEqual([
              "Welcome back, you're subscribed again.\n\nOne moment, I'm checking your deposit payment.",
            ]);
            expect(checks).toEqual([
              { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: 'cs_1' },
            ]);
            expect(d.context.timers).toEqual({});
            const told = stripeAnswers(d, answer);
            if (answer === 'paid') {
              expect(d.status).toBe('BOOKING');
              expect(told.some((e) => e.type === 'effect.booking.load_taken')).toBe(true);
              return;
            }
            expect(d.status).toBe('DEPOSIT_EXPIRED');
            expect(sentTexts(told)).toEqual([
              "Your deposit link has expired. Reply here if you'd like a new one.",
            ]);
            expect(d.context.timers).toEqual({});
            return;
          }
          expect(checks).toEqual([]);
          expect(d.status).toBe('AWAITING_DEPOSIT');
          expect(sentTexts(effects).some((t) => t.includes(url))).toBe(true);
          expect(d.context.timers).toEqual({ deposit_expiry: expiresAt });
          d.wait(Date.parse(expiresAt) - d.now - 1);
          expect(d.status).toBe('AWAITING_DEPOSIT');
          d.wait(1);
          // Due at its original time: Stripe is asked about the session, and its answer decides.
          expect(d.effects).toEqual([
            { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: 'cs_1' },
          ]);
          stripeAnswers(d, answer);
          expect(d.status).toBe(answer === 'paid' ? 'BOOKING' : 'DEPOSIT_EXPIRED');
        },
      ),
      RUNS,
    );
  });

  it('a webhook arriving while START asks Stripe pays once; the answer after it changes nothing', () => {
    const d = new LeadDriver();
    awaitingDeposit(d);
    d.text('STOP');
    d.wait(30 * HOUR);
    d.text('START');
    expect(d.context.deposit.checkingSession).toBe('cs_1');
    const paid = d.control({
      type: 'stripe.checkout.completed',
      eventId: 'evt_1',
      sessionId: 'cs_1',
      paymentStatus: 'paid',
      amountTotal: 5000,
      currency: 'gbp',
    });
    expect(d.status).toBe('BOOKING');
    expect(paid.filter((e) => e.type === 'effect.booking.load_taken')).toHaveLength(1);
    expect(stripeAnswers(d, 'paid')).toEqual([]);
    expect(stripeAnswers(d, 'unpaid')).toEqual([]);
    expect(d.status).toBe('BOOKING');
  });

  it('STOP again while START asks Stripe: a paid answer is kept for the next START, an unpaid one is asked again', () => {
    for (const answer of ['paid', 'unpaid'] as const) {
      const d = new LeadDriver();
      awaitingDeposit(d);
      d.text('STOP');
      d.wait(30 * HOUR);
      d.text('START');
      d.text('STOP');
      expect(sentTexts(stripeAnswers(d, answer))).toEqual([]);
      expect(d.status).toBe('OPTED_OUT');
      const effects = d.text('START');
      const checks = effects.filter((e) => e.type === 'effect.deposit.check_session');
      expect(d.status).toBe(answer === 'paid' ? 'BOOKING' : 'AWAITING_DEPOSIT');
      expect(checks).toHaveLength(answer === 'paid' ? 0 : 1);
    }
  });

  it('an approval made while opted out wins over an expired link: a new checkout, armed when it comes back', () => {
    const d = new LeadDriver();
    awaitingDeposit(d);
    d.text('STOP');
    d.control({ type: 'artist.approve' });
    d.wait(30 * HOUR);
    d.text('START');
    expect(d.status).toBe('AWAITING_DEPOSIT');
    const checkout = d.effects.find((e) => e.type === 'effect.deposit.create_checkout');
    expect(checkout).toMatchObject({ expiresAt: new Date(d.now + 24 * HOUR).toISOString() });
    const expiresAt = new Date(d.now + 24 * HOUR).toISOString();
    d.control({ type: 'deposit.checkout_created', outboxId: 'ob2', sessionId: 'cs_2', url: 'u', expiresAt });
    expect(d.context.timers).toEqual({ deposit_expiry: expiresAt });
  });

  it('silence is watched again from START in QUALIFYING and BOOKING, a cut-short handover or not', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 96 * 60 }),
        (booking, answers, handoverFirst, minutesAway) => {
          const d = new LeadDriver();
          if (booking) {
            awaitingDeposit(d);
            d.control({ type: 'deposit.mark_paid' });
            d.control({ type: 'booking.taken_slots', outboxId: 'ob3', takenSlots: [] });
          } else {
            for (const body of ['hi', 'A fox', 'forearm', '10x15cm', 'realism'].slice(0, answers))
              d.text(body);
          }
          const status = d.status;
          expect(['QUALIFYING', 'BOOKING']).toContain(status);
          if (handoverFirst) d.text('human');
          d.text('STOP');
          d.wait(minutesAway * MINUTE);
          d.text('START');
          expect(d.status).toBe(status);
          expect(d.context.timers).toEqual({
            reminder: new Date(d.now + 12 * HOUR).toISOString(),
            stale: new Date(d.now + 72 * HOUR).toISOString(),
          });
          expect(d.context.resume).toBe(false);
        },
      ),
      RUNS,
    );
  });
});
