// Deposit (docs/contract.md §5 rule 11): approval creates a Stripe Checkout session through the outbox; only a
// completion for the lead's CURRENT session pays; the link expires after deposit.expiresAfter, once Stripe
// has been asked whether it was paid after all (deposit-check.ts).
import { assertEvent } from 'xstate';
import type { OutboundMessage } from '../../domain/effects.ts';
import type { LeadEvent } from '../../domain/lead-events.ts';
import type { LeadContext } from './lead-context.ts';
import { formatAmount } from './summary.ts';
import { addMs, text, type Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

/** Stripe Checkout accepts an expires_at between 30 minutes and 24 hours ahead. */
const MIN_EXPIRY_MS = 30 * 60_000;
const MAX_EXPIRY_MS = 24 * 3_600_000;

/** Stripe's payment statuses that settle a deposit. */
const PAID_STATUSES = ['paid', 'no_payment_required'];

export function checkoutExpiresAt(at: string, expiresAfterMs: number): string {
  return addMs(at, Math.min(MAX_EXPIRY_MS, Math.max(MIN_EXPIRY_MS, expiresAfterMs)));
}

type SessionEvent = Extract<
  LeadEvent,
  { type: 'stripe.checkout.completed' | 'stripe.checkout.expired' | 'deposit.session_checked' }
>;

/** Events about one checkout session: Stripe's webhooks and the answer to our own check. */
function sessionEvent(event: LeadMachineEvent): SessionEvent | null {
  return event.type === 'stripe.checkout.completed' ||
    event.type === 'stripe.checkout.expired' ||
    event.type === 'deposit.session_checked'
    ? event
    : null;
}

/** Stripe says the session is paid: a completion webhook or a check, with a paid payment status. */
export function saysPaid(event: LeadMachineEvent): boolean {
  return (
    (event.type === 'stripe.checkout.completed' || event.type === 'deposit.session_checked') &&
    PAID_STATUSES.includes(event.paymentStatus)
  );
}

/** The stripe event is about the lead's current checkout session. */
export function isCurrentSession(context: LeadContext, event: LeadMachineEvent): boolean {
  const session = sessionEvent(event);
  return (
    session !== null && context.deposit.sessionId !== null && session.sessionId === context.deposit.sessionId
  );
}

export function isCurrentPaidSession(context: LeadContext, event: LeadMachineEvent): boolean {
  return isCurrentSession(context, event) && saysPaid(event);
}

export function isOtherSession(context: LeadContext, event: LeadMachineEvent): boolean {
  const session = sessionEvent(event);
  return session !== null && session.sessionId !== context.deposit.sessionId;
}

/** A session that is not the lead's current one was paid (a webhook or a check that came back late). */
export function isOtherPaidSession(context: LeadContext, event: LeadMachineEvent): boolean {
  return isOtherSession(context, event) && saysPaid(event);
}

export function requestDeposit(turn: Turn): void {
  const { studio } = turn;
  const expiresAt = checkoutExpiresAt(turn.at, studio.deposit.expiresAfter);
  // A new checkout supersedes any earlier one: its link and expiry no longer count.
  turn.cancel('deposit_expiry');
  turn.update({ deposit: { sessionId: null, url: null, expiresAt, checkingSession: null } });
  turn.emit({
    type: 'effect.deposit.create_checkout',
    studioId: studio.id,
    amount: studio.deposit.amount,
    currency: studio.currency,
    expiresAt,
    description: `Tattoo deposit, ${studio.name}`,
  });
}

export function depositMessages(turn: Turn): OutboundMessage[] {
  const { url } = turn.context.deposit;
  if (url === null) return [];
  const amount = formatAmount(turn.studio.deposit.amount, turn.studio.currency);
  return [
    text(
      `Great news: ${turn.studio.name} would love to do your tattoo! To secure your booking, please pay the ${amount} deposit here: ${url}`,
    ),
  ];
}

/** The checkout's session, link and expiry: its time runs from here whether or not the lead is around. */
export function keepCheckout(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'deposit.checkout_created');
  turn.update({
    deposit: {
      sessionId: event.sessionId,
      url: event.url,
      expiresAt: event.expiresAt,
      checkingSession: null,
    },
  });
}

export function checkoutCreated(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'deposit.checkout_created');
  keepCheckout(turn, event);
  turn.say(depositMessages(turn), 'deposit');
  turn.schedule('deposit_expiry', event.expiresAt);
}

/**
 * Stripe told us the lead's checkout expired (`checkout.session.expired`, remembered while they were opted
 * out): its link was forgotten. An expired session was never completed, so there is nothing to ask Stripe.
 */
export function linkForgotten(context: LeadContext): boolean {
  const { sessionId, url } = context.deposit;
  return sessionId !== null && url === null;
}

/**
 * The lead's checkout has passed its expiry (`deposit.expiresAt`, fixed when the checkout was created) at
 * `at`. Used where the expiry timer could not fire (it is cancelled while the lead is opted out): as at the
 * timer, Stripe is then asked whether it was paid before the lead is told it expired.
 */
export function checkoutTimeUp(context: LeadContext, at: string): boolean {
  const { sessionId, expiresAt } = context.deposit;
  return sessionId !== null && expiresAt !== null && Date.parse(expiresAt) <= Date.parse(at);
}

/** The link no longer works: it is never sent again (the session id stays, a late payment still counts). */
export function forgetLink(turn: Turn): void {
  turn.update({ deposit: { ...turn.context.deposit, url: null } });
}

/**
 * Stripe expired the lead's current checkout while they were opted out: nothing is sent (rule 9), but the
 * link is forgotten, so START finds the deposit expired (`linkForgotten`) and says so instead of sending
 * a dead link. Stripe may expire a session before `deposit.expiresAt` (the relay's clamp, or by hand).
 */
export function expiredWhileOptedOut(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'stripe.checkout.expired');
  forgetLink(turn);
  turn.systemEvent('info', 'deposit.expired_while_opted_out', {
    eventId: event.eventId,
    sessionId: event.sessionId,
  });
}

export const EXPIRED_TEXT = "Your deposit link has expired. Reply here if you'd like a new one.";

export function depositExpired(turn: Turn): void {
  turn.fired('deposit_expiry');
  forgetLink(turn);
  turn.say([text(EXPIRED_TEXT)], 'deposit');
}

export function sessionMismatch(turn: Turn, event: LeadMachineEvent): void {
  const session = sessionEvent(event);
  if (session === null) return;
  turn.systemEvent('warn', 'stripe.session_id_mismatch', {
    eventType: session.type,
    ...(session.type === 'deposit.session_checked'
      ? { outboxId: session.outboxId, paymentStatus: session.paymentStatus }
      : { eventId: session.eventId }),
    sessionId: session.sessionId,
    currentSessionId: turn.context.deposit.sessionId,
  });
}

export function unpaidCompletion(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'stripe.checkout.completed');
  turn.systemEvent('info', 'stripe.checkout_completed_unpaid', {
    eventId: event.eventId,
    sessionId: event.sessionId,
    paymentStatus: event.paymentStatus,
  });
}

export function declineText(turn: Turn): string {
  return `Thank you for your enquiry. Unfortunately ${turn.studio.name} can't take this one on, but we wish you the best with your tattoo.`;
}

/** The plans of the deposit, by the names the chart gives them (lead-plans.ts). */
export const depositPlans = {
  checkoutCreated,
  depositExpired,
  expiredWhileOptedOut,
  keepCheckout,
  requestDeposit,
  sessionMismatch,
  unpaidCompletion,
};
