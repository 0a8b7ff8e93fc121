// The named actions of the lead machine, each a plan over one Turn. Plans are plain functions so the
// machine file reads as the conversation's shape and the behaviour is testable piece by piece.
import type { LeadEvent } from '../../domain/lead-events.ts';
import {
  bookingMessage,
  requestOffers,
  slotReserved,
  slotUnavailable,
  stopLoadingOffers,
  takenSlotsLoaded,
} from './booking.ts';
import { campaignMessage, campaignRefused } from './campaign.ts';
import {
  checkoutCreated,
  declineText,
  depositExpired,
  depositMessages,
  expiredWhileOptedOut,
  keepCheckout,
  requestDeposit,
  sessionMismatch,
  unpaidCompletion,
} from './deposit.ts';
import {
  checkingPayment,
  checkSession,
  isCheckingSession,
  noteReconciled,
  sessionCheckFailed,
  stopDepositExpiry,
} from './deposit-check.ts';
import {
  adminMessage,
  answeredByChannel,
  controlIgnored,
  effectFailed,
  effectFailedWhileOptedOut,
  recipientOptedOut,
  recordDelivery,
  sendFailed,
  suppressedMessage,
} from './delivery.ts';
import {
  adminHandover,
  cancelAllTimers,
  decideWhileOptedOut,
  giveUp,
  greet,
  greetWithAnswer,
  handBack,
  optIn,
  optOut,
  requestHuman,
  restart,
} from './interruptions.ts';
import {
  acceptAnswer,
  handleQualifyingMessage,
  isMedia,
  keepAttachment,
  questionMessages,
  submitForApproval,
  watchSilence,
} from './qualifying.ts';
import { assistantMessage, orchestratorAnswered } from './orchestrator.ts';
import { REVIEWING_TEXT, resumeStatus } from './status-prompts.ts';
import type { Turn } from './turn.ts';

export type Plan = (turn: Turn, event: LeadEvent) => void;

function whenMessage(
  plan: (turn: Turn, event: Extract<LeadEvent, { type: 'message.received' }>) => void,
): Plan {
  return (turn, event) => {
    if (event.type === 'message.received') plan(turn, event);
  };
}

export const plans = {
  /** Nothing beyond remembering the inbound message's time (every plan does that first). */
  recordInbound: () => undefined,
  keepMedia: whenMessage((turn, event) => {
    if (isMedia(event.content)) keepAttachment(turn, event);
  }),
  greet,
  greetWithAnswer,
  optOut,
  optIn,
  requestHuman,
  adminHandover,
  giveUp,
  handBack,
  restart,
  cancelAllTimers,
  resume: (turn) => resumeStatus(turn, turn.context.resumeTo, 'Thanks! Picking up where we left off.\n\n'),
  welcomeBack: (turn) => resumeStatus(turn, turn.context.resumeTo, 'Welcome back!\n\n'),
  watchSilence,
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
  qualifyingMessage: whenMessage(handleQualifyingMessage),
  acceptAnswer: whenMessage(acceptAnswer),
  submitForApproval,
  reviewing: (turn) => turn.sayText(REVIEWING_TEXT),
  requestDeposit,
  decline: (turn) => turn.sayText(declineText(turn)),
  decideWhileOptedOut,
  checkoutCreated,
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
    if (event.type !== 'deposit.checkout_created') return;
    keepCheckout(turn, event);
    turn.update({ resume: true });
  },
  /** The checkout came back while the lead was opted out: kept silently; START sends the link. */
  keepCheckout,
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
  depositExpired,
  checkSession,
  checkingPayment,
  sessionCheckFailed,
  expiredWhileOptedOut,
  sessionMismatch,
  unpaidCompletion,
  stopDepositExpiry,
  /** Leaving NEEDS_HUMAN: a hand-back sets `resume` again afterwards; an approval or payment does not. */
  stopCooldown: (turn) => {
    turn.cancel('handover_cooldown');
    turn.update({ resume: false });
  },
  bookingMessage,
  takenSlotsLoaded,
  stopLoadingOffers,
  slotReserved,
  slotUnavailable,
  recipientOptedOut,
  recordDelivery,
  sendFailed,
  adminMessage,
  answeredByChannel,
  suppressedMessage,
  effectFailed,
  effectFailedWhileOptedOut,
  controlIgnored,
  campaignMessage,
  campaignRefused,
  assistantMessage,
  orchestratorAnswered,
  /** Off script in QUALIFYING: the answer, then the question the lead was being asked, again. */
  orchestratorAnsweredThenAsk: (turn, event) => {
    orchestratorAnswered(turn, event);
    if (event.type === 'orchestrator.answered' && event.purpose === 'off_script') {
      turn.say(questionMessages(turn));
    }
  },
} satisfies Record<string, Plan>;

export type PlanName = keyof typeof plans;
