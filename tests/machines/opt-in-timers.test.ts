// START after STOP (rule 9) and the lead's durable timers: the opt-out cancels every timer, so START must
// arm again what the status it returns to watches — the deposit link's expiry at its ORIGINAL time (rule 11),
// or DEPOSIT_EXPIRED when that time passed meanwhile; silence watching from START (rule 7).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import { HOUR, LeadDriver } from './lead-driver.ts';

const MINUTE = 60_000;
const RUNS = { numRuns: 60 };

type Send = Extract<Effect, { type: 'effect.whatsapp.send' }>;
const sentTexts = (effects: readonly Effect[]) =>
  effects
    .filter((e): e is Send => e.type === 'effect.whatsapp.send')
    .map((e) => (e.message.kind === 'text' ? e.message.text : ''));

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
  it('a deposit link expires at its original time after STOP/START, or START finds it expired and says so', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.integer({ min: 1, max: 36 * 60 }),
        fc.boolean(),
        (minutesToStop, minutesAway, handoverFirst) => {
          const d = new LeadDriver();
          const { expiresAt, url } = awaitingDeposit(d);
          d.wait(minutesToStop * MINUTE);
          // A handover cut short by STOP returns to the same place.
          if (handoverFirst) d.text('can I talk to someone');
          d.text('STOP');
          expect(d.context.timers).toEqual({});
          d.wait(minutesAway * MINUTE);
          const effects = d.text('START');
          if (d.now >= Date.parse(expiresAt)) {
            expect(d.status).toBe('DEPOSIT_EXPIRED');
            expect(sentTexts(effects).some((t) => t.includes(url))).toBe(false);
            expect(sentTexts(effects).join('\n')).toContain('Your deposit link has expired.');
            expect(d.context.timers).toEqual({});
            return;
          }
          expect(d.status).toBe('AWAITING_DEPOSIT');
          expect(sentTexts(effects).some((t) => t.includes(url))).toBe(true);
          expect(d.context.timers).toEqual({ deposit_expiry: expiresAt });
          d.wait(Date.parse(expiresAt) - d.now - 1);
          expect(d.status).toBe('AWAITING_DEPOSIT');
          d.wait(1);
          // Due at its original time: Stripe is asked about the session, and says it was not paid.
          expect(d.effects).toEqual([
            { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: 'cs_1' },
          ]);
          d.control({
            type: 'deposit.session_checked',
            outboxId: 'ob_check',
            sessionId: 'cs_1',
            status: 'open',
            paymentStatus: 'unpaid',
            amountTotal: 5000,
            currency: 'gbp',
          });
          expect(d.status).toBe('DEPOSIT_EXPIRED');
        },
      ),
      RUNS,
    );
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
