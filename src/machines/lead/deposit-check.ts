// Before a deposit expires, Stripe is asked (rule 11; the mission's "missed webhooks"): when the expiry falls
// due (its timer, or START after it passed while the lead was opted out) the lead's current checkout
// session is read back from Stripe (`effect.deposit.check_session`, answered by `deposit.session_checked`).
// Paid → what a matching `checkout.session.completed` does, plus a `stripe.payment_reconciled` warning (a
// webhook was missed); not paid → the link expires as before; no answer (`effect.failed`) → it expires, and
// the failed check is recorded.
import { assertEvent } from 'xstate';
import { depositExpired, isCurrentSession, saysPaid } from './deposit.ts';
import type { LeadContext } from './lead-context.ts';
import type { Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

export const CHECKING_PAYMENT_TEXT = "One moment, I'm checking your deposit payment.";

/**
 * The deposit's expiry is due (its timer fired, or START found it passed while the lead was opted out) and
 * Stripe has been asked about the current session; no answer yet.
 */
export function isCheckingSession(context: LeadContext): boolean {
  const checking = context.deposit.checkingSession;
  return checking !== null && checking === context.deposit.sessionId;
}

/** Stripe's answer to the check under way: the current session was not paid. */
export function isUnpaidCheck(context: LeadContext, event: LeadMachineEvent): boolean {
  return (
    event.type === 'deposit.session_checked' &&
    isCheckingSession(context) &&
    isCurrentSession(context, event) &&
    !saysPaid(event)
  );
}

/** The check under way failed for good (the relay gave up on Stripe). */
export function isFailedCheck(context: LeadContext, event: LeadMachineEvent): boolean {
  return (
    event.type === 'effect.failed' &&
    event.effectType === 'effect.deposit.check_session' &&
    isCheckingSession(context)
  );
}

/**
 * Asks Stripe whether the current session was paid (`effect.deposit.check_session`, answered by
 * `deposit.session_checked`) and remembers the check: its webhook may have been lost, and a paying
 * customer told "your deposit expired" is the worst outcome. The lead is in (or enters) AWAITING_DEPOSIT
 * meanwhile, whose transitions take the answer; a real completion arriving first still wins.
 */
export function askAboutSession(turn: Turn): void {
  const { sessionId } = turn.context.deposit;
  if (sessionId === null) return;
  turn.update({ deposit: { ...turn.context.deposit, checkingSession: sessionId } });
  turn.emit({ type: 'effect.deposit.check_session', studioId: turn.studio.id, sessionId });
}

/** The expiry timer is due: Stripe is asked before the lead is told anything. */
export function checkSession(turn: Turn): void {
  turn.fired('deposit_expiry');
  askAboutSession(turn);
}

/** A message while Stripe is being asked: the link has run out, the answer is moments away. */
export function checkingPayment(turn: Turn): void {
  // Held-back content (the link, sent outside the window) is dead by now: the answer replaces it.
  turn.update({ pending: [], resume: false });
  turn.sayText(CHECKING_PAYMENT_TEXT);
}

/** Leaving AWAITING_DEPOSIT: no expiry is watched and no check is waited for (a paid answer still counts). */
export function stopDepositExpiry(turn: Turn): void {
  turn.cancel('deposit_expiry');
  if (turn.context.deposit.checkingSession !== null)
    turn.update({ deposit: { ...turn.context.deposit, checkingSession: null } });
}

/** System event: a payment found by asking Stripe; the `alert.missed_webhooks` alert counts these. */
export const PAYMENT_RECONCILED = 'stripe.payment_reconciled';

/** The payment was found by asking Stripe, not by its webhook: operators see that a webhook was missed. */
export function noteReconciled(turn: Turn, event: LeadMachineEvent): void {
  if (event.type !== 'deposit.session_checked') return;
  turn.systemEvent('warn', PAYMENT_RECONCILED, {
    outboxId: event.outboxId,
    sessionId: event.sessionId,
    status: event.status,
    paymentStatus: event.paymentStatus,
    amountTotal: event.amountTotal,
    currency: event.currency,
  });
}

/**
 * Stripe could not be asked (the relay's retries ran out): the deposit expires as it did before the check
 * existed, and the failure is recorded, since a payment whose webhook was lost may be behind it.
 */
export function sessionCheckFailed(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'effect.failed');
  turn.systemEvent('warn', 'deposit.session_check_failed', {
    outboxId: event.outboxId,
    sessionId: turn.context.deposit.sessionId,
    reason: event.reason,
  });
  depositExpired(turn);
}

/** The plans of the deposit check, by the names the chart gives them (lead-plans.ts). */
export const depositCheckPlans = { checkingPayment, checkSession, sessionCheckFailed, stopDepositExpiry };
