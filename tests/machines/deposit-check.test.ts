// Asking Stripe before a deposit expires (rule 11, missed webhooks): what races the check the expiry starts
// — a handover, STOP, a new approval, a second answer — on the pure machine. The plain cases (paid, unpaid,
// failed, webhook first) are golden transcripts (tests/transcripts/scenarios.ts).
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import { HOUR, LeadDriver } from './lead-driver.ts';

type Send = Extract<Effect, { type: 'effect.message.send' }>;
const sends = (effects: readonly Effect[]) =>
  effects.filter((e): e is Send => e.type === 'effect.message.send');
const systemEvents = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.type === 'effect.system_event' ? [e.eventType] : []));

/** A lead whose 24-hour deposit link (session cs_1) has just fallen due: Stripe is being asked. */
function checking(): LeadDriver {
  const d = new LeadDriver();
  d.answerAll();
  d.control({ type: 'artist.approve' });
  const expiresAt = d.context.deposit.expiresAt ?? '';
  d.control({ type: 'deposit.checkout_created', outboxId: 'ob1', sessionId: 'cs_1', url: 'u', expiresAt });
  d.wait(24 * HOUR);
  expect(d.status).toBe('AWAITING_DEPOSIT');
  expect(d.effects).toEqual([
    { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: 'cs_1' },
  ]);
  expect(d.context.deposit.checkingSession).toBe('cs_1');
  return d;
}

function answer(d: LeadDriver, sessionId: string, paid: boolean, outboxId = `ob_${sessionId}`): Effect[] {
  return d.control({
    type: 'deposit.session_checked',
    outboxId,
    sessionId,
    status: paid ? 'complete' : 'open',
    paymentStatus: paid ? 'paid' : 'unpaid',
    amountTotal: 5000,
    currency: 'gbp',
  });
}

describe('the check a deposit expiry starts', () => {
  it('two answers saying paid (two checks) pay once', () => {
    const d = checking();
    const first = answer(d, 'cs_1', true, 'ob_a');
    expect(d.status).toBe('BOOKING');
    expect(systemEvents(first)).toEqual(['stripe.payment_reconciled']);
    expect(first.filter((e) => e.type === 'effect.booking.load_taken')).toHaveLength(1);
    expect(answer(d, 'cs_1', true, 'ob_b')).toEqual([]);
    expect(d.status).toBe('BOOKING');
  });

  it('a payment found during a handover counts; "not paid" waits for the lead to come back, then asks again', () => {
    const paid = checking();
    paid.text('can I talk to someone');
    expect(paid.status).toBe('NEEDS_HUMAN');
    const effects = answer(paid, 'cs_1', true);
    expect(paid.status).toBe('BOOKING');
    expect(systemEvents(effects)).toContain('stripe.payment_reconciled');

    const unpaid = checking();
    unpaid.text('can I talk to someone');
    expect(unpaid.context.deposit.checkingSession).toBeNull();
    expect(answer(unpaid, 'cs_1', false)).toEqual([]);
    expect(unpaid.status).toBe('NEEDS_HUMAN');
    unpaid.control({ type: 'handover.end' });
    expect(unpaid.status).toBe('AWAITING_DEPOSIT');
    // Back in AWAITING_DEPOSIT the expiry, already past, is due at once: a fresh check, not a silent expiry.
    unpaid.wait(1);
    expect(unpaid.effects).toEqual([
      { type: 'effect.deposit.check_session', studioId: 'inkwell', sessionId: 'cs_1' },
    ]);
    answer(unpaid, 'cs_1', false);
    expect(unpaid.status).toBe('DEPOSIT_EXPIRED');
  });

  it('a payment found after STOP is kept silently; START goes to slot booking', () => {
    const d = checking();
    d.text('STOP');
    const effects = answer(d, 'cs_1', true);
    expect(d.status).toBe('OPTED_OUT');
    expect(sends(effects)).toEqual([]);
    expect(systemEvents(effects)).toEqual(['deposit.paid_while_opted_out', 'stripe.payment_reconciled']);
    d.wait(HOUR);
    d.text('START');
    expect(d.status).toBe('BOOKING');
  });

  it("an approval during the check replaces the checkout: the old session's answer pays nothing", () => {
    const d = checking();
    d.control({ type: 'artist.approve' });
    expect(d.context.deposit.sessionId).toBeNull();
    expect(d.context.deposit.checkingSession ?? null).toBeNull();
    expect(answer(d, 'cs_1', false)).toEqual([]);
    // Another session than the current one was paid: recorded like a mismatched webhook, nothing changes.
    expect(systemEvents(answer(d, 'cs_1', true))).toEqual(['stripe.session_id_mismatch']);
    expect(d.status).toBe('AWAITING_DEPOSIT');
    expect(d.effects.filter((e) => e.type === 'effect.booking.load_taken')).toHaveLength(0);
  });

  it('a failed check expires only the check under way', () => {
    const d = checking();
    d.text('can I talk to someone');
    d.control({ type: 'handover.end' });
    // The check sent before the handover fails for good after it: recorded; the lead's expiry is re-armed.
    const effects = d.control({
      type: 'effect.failed',
      outboxId: 'ob_check',
      effectType: 'effect.deposit.check_session',
      reason: 'Stripe unavailable',
    });
    expect(systemEvents(effects)).toEqual(['lead.effect_failed']);
    expect(d.status).toBe('AWAITING_DEPOSIT');
    expect(d.context.timers.deposit_expiry).toBeDefined();
  });
});
