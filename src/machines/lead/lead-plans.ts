// The lead machine's actions by name, each a plan over one Turn: one typed map that lead-setup.ts turns into
// the machine's actions, so a name is given where its plan is and used in the chart. Most plans live in
// the module of their part of the conversation (each exports its map); the ones composed across modules
// are written here. Plans are plain functions so the chart reads as the conversation's shape and the
// behaviour is testable piece by piece; a plan meant for one event type narrows with `assertEvent`.
import { assertEvent } from 'xstate';
import { bookingPlans, requestOffers } from './booking.ts';
import { campaignPlans } from './campaign.ts';
import { declineText, depositMessages, depositPlans, keepCheckout, requestDeposit } from './deposit.ts';
import { depositCheckPlans, isCheckingSession, noteReconciled } from './deposit-check.ts';
import { deliveryPlans } from './delivery.ts';
import { interruptionPlans } from './interruptions.ts';
import type { LeadMachineEvent } from './machine-events.ts';
import { isMedia, keepAttachment, qualifyingPlans, questionMessages } from './qualifying.ts';
import { orchestratorAnswered, orchestratorPlans } from './orchestrator.ts';
import { REVIEWING_TEXT, resumeStatus } from './status-prompts.ts';
import type { Turn } from './turn.ts';

export type Plan = (turn: Turn, event: LeadMachineEvent) => void;

export const plans = {
  ...bookingPlans,
  ...campaignPlans,
  ...depositPlans,
  ...depositCheckPlans,
  ...deliveryPlans,
  ...interruptionPlans,
  ...orchestratorPlans,
  ...qualifyingPlans,
  /** Nothing beyond remembering the inbound message's time (every plan does that first). */
  recordInbound: () => undefined,
  keepMedia: (turn, event) => {
    assertEvent(event, 'message.received');
    if (isMedia(event.content)) keepAttachment(turn, event);
  },
  resume: (turn) => resumeStatus(turn, turn.context.resumeTo, 'Thanks! Picking up where we left off.\n\n'),
  welcomeBack: (turn) => resumeStatus(turn, turn.context.resumeTo, 'Welcome back!\n\n'),
  stopWatchingSilence: (turn) => turn.cancel('reminder', 'stale'),
  remindQuestion: (turn) => {
    turn.fired('reminder');
    if (turn.context.reminded) return;
    turn.update({ reminded: true });
    turn.say(questionMessages(turn, 'Just checking in!\n\n'), 'reminder');
  },
  remindSlots: (turn) => {
    turn.fired('reminder');
    if (turn.context.reminded) return;
    turn.update({ reminded: true });
    requestOffers(turn, 'Just checking in! ', 'reminder');
  },
  goStale: (turn) => turn.fired('stale'),
  reviewing: (turn) => turn.sayText(REVIEWING_TEXT),
  decline: (turn) => turn.sayText(declineText(turn)),
  depositReminder: (turn) => {
    const link = depositMessages(turn);
    if (link.length > 0) turn.say(link, 'deposit');
    else turn.sayText('Your deposit link is on its way.');
  },
  newLinkRequested: (turn) => {
    turn.update({ pending: [], resume: false });
    turn.sayText('No problem, a new deposit link is on its way.');
    requestDeposit(turn);
  },
  depositPaid: (turn, event) => {
    turn.fired('deposit_expiry');
    noteReconciled(turn, event);
    requestOffers(turn, 'Deposit received, thank you!\n');
  },
  /** The checkout came back during a handover: kept, the link is sent when the bot resumes. */
  checkoutCreatedAway: (turn, event) => {
    assertEvent(event, 'deposit.checkout_created');
    keepCheckout(turn, event);
    turn.update({ resume: true });
  },
  /**
   * Back in AWAITING_DEPOSIT after a handover or START: the link's expiry is watched again, unless START
   * has just asked Stripe about it (the answer decides, as after the timer fired).
   */
  resumeDepositExpiry: (turn) => {
    const { sessionId, expiresAt } = turn.context.deposit;
    if (sessionId === null || expiresAt === null || turn.expectsTimer('deposit_expiry')) return;
    if (isCheckingSession(turn.context)) return;
    turn.schedule('deposit_expiry', Date.parse(expiresAt) > Date.parse(turn.at) ? expiresAt : turn.at);
  },
  paidWhileOptedOut: (turn, event) => {
    turn.systemEvent('warn', 'deposit.paid_while_opted_out', { eventType: event.type });
    noteReconciled(turn, event);
    // Paid after an approval made while away: the deposit is settled, no checkout is needed on START.
    turn.update({ resumeTo: 'BOOKING', decidedWhileOptedOut: null });
  },
  /** Leaving NEEDS_HUMAN: a hand-back sets `resume` again afterwards; an approval or payment does not. */
  stopCooldown: (turn) => {
    turn.cancel('handover_cooldown');
    turn.update({ resume: false });
  },
  /** Off script in QUALIFYING: the answer, then the question the lead was being asked, again. */
  orchestratorAnsweredThenAsk: (turn, event) => {
    assertEvent(event, 'orchestrator.answered');
    orchestratorAnswered(turn, event);
    if (event.purpose === 'off_script') turn.say(questionMessages(turn));
  },
} satisfies Record<string, Plan>;

export type PlanName = keyof typeof plans;
