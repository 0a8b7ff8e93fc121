// Conversation-level events that override the current question: opt-out / opt-in (rule 9), handover and
// the repair give-up (rules 2, 3), restart and admin reset (rule 8).
import { assertEvent } from 'xstate';
import { policyFor } from '../../channels/policies.ts';
import type { MessageReceivedEvent } from '../../domain/lead-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { detectIntent, isGreetingOrEnquiry, type Intent } from '../parsers/index.ts';
import type { LeadContext } from './lead-context.ts';
import { inboundMessageOf, type LeadMachineEvent } from './machine-events.ts';
import type { ResumableStatus } from './lead-status.ts';
import { checkoutTimeUp, declineText, linkForgotten, requestDeposit } from './deposit.ts';
import { askAboutSession, CHECKING_PAYMENT_TEXT } from './deposit-check.ts';
import { askQuestion, isMedia, readAnswer, recordAnswer } from './qualifying.ts';
import { currentQuestion, inboundText } from './questions.ts';
import { promptForStatus } from './status-prompts.ts';
import { addMs, type Turn } from './turn.ts';

export function intentOf(event: LeadMachineEvent): Intent | null {
  if (event.type !== 'message.received') return null;
  const c = event.content;
  if (c.kind !== 'text' && c.kind !== 'button' && c.kind !== 'interactive') return null;
  const words = inboundText(c);
  return words === null ? null : detectIntent(words);
}

export function isResuming(context: LeadContext): boolean {
  return context.resume || context.pending.length > 0;
}

function who(turn: Turn): string {
  return `${turn.context.name ?? 'A lead'} (${turn.context.phone ?? 'unknown number'})`;
}

/**
 * Every inbound message: its time (for the channel's window), its channel and reply address (replies go
 * out where the lead last wrote from), and the phone, name and language it brought.
 */
export function recordInbound(turn: Turn, event: LeadMachineEvent): void {
  if (event.type !== 'message.received') return;
  const last = turn.context.lastInboundAt;
  const newer = last === null || Date.parse(event.sentAt) > Date.parse(last);
  const phone = event.from.find((identifier) => identifier.type === 'phone')?.value;
  const replyTo = policyFor(event.channel).replyAddress(event);
  turn.update({
    lastInboundAt: newer ? event.sentAt : last,
    windowClosed: false,
    phone: turn.context.phone ?? phone ?? null,
    name: event.profileName ?? turn.context.name,
    ...(event.language === undefined ? {} : { language: event.language }),
    channel: event.channel,
    replyTo: replyTo ?? (event.channel === turn.context.channel ? turn.context.replyTo : null),
  });
}

function hello(turn: Turn): string {
  const hi = turn.context.name === null ? 'Hi!' : `Hi ${turn.context.name}!`;
  return `${hi} Thanks for getting in touch with ${turn.studio.name}.`;
}

export function greet(turn: Turn): void {
  askQuestion(turn, `${hello(turn)} I'll ask you a few quick questions.\n\n`);
}

/**
 * The first message already answers the first question ("I want a tattoo of a koi fish"): text that is
 * neither an intent nor only a greeting or generic enquiry ("hi", "are you taking bookings?"), and reads
 * as an answer. Media keeps the plain greeting. Not when it would be the last answer (one step per inbound).
 */
export function isFirstAnswer(studio: Studio, context: LeadContext, event: MessageReceivedEvent): boolean {
  const words = inboundText(event.content);
  if (isMedia(event.content) || words === null || studio.questions.length < 2) return false;
  if (intentOf(event) !== null || isGreetingOrEnquiry(words)) return false;
  return readAnswer(studio, context, event.content).ok;
}

/** Greets, takes the first message as the first answer and asks the second question (one step). */
export function greetWithAnswer(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.received');
  const reading = readAnswer(turn.studio, turn.context, event.content);
  if (reading.ok) recordAnswer(turn, event, reading.value);
  askQuestion(turn, `${hello(turn)} Thanks, got that. Just a few more quick questions.\n\n`);
}

export function optOut(turn: Turn): void {
  turn.update({ pending: [], resume: false });
  turn.sayText(
    "You've been unsubscribed and won't get any more messages from us. Reply START to resubscribe.",
  );
}

const WELCOME_BACK = "Welcome back, you're subscribed again.\n\n";

/** START with an open link and no approval made meanwhile: the deposit is where the lead left it. */
function backToOpenDeposit(context: LeadContext): boolean {
  return context.resumeTo === 'AWAITING_DEPOSIT' && context.decidedWhileOptedOut !== 'approve';
}

/**
 * Where START takes an opted-out lead: back where they were (`resumeTo`), except that a deposit link Stripe
 * reported expired meanwhile has expired (its link forgotten; an expired session was never paid). A link
 * whose own time ran out meanwhile goes back to AWAITING_DEPOSIT, where Stripe is asked first
 * (`optInChecksPayment`), as when its timer fires. An approval made while away replaces the link, so it
 * still goes to AWAITING_DEPOSIT. The guard (`optInTo`) and `optIn` both read this.
 */
export function optInStatus(context: LeadContext): ResumableStatus {
  return backToOpenDeposit(context) && linkForgotten(context) ? 'DEPOSIT_EXPIRED' : context.resumeTo;
}

/**
 * START finds the link's time ran out while the lead was opted out (its timer was cancelled with the
 * opt-out; rule 11 measures from the checkout, not from START): Stripe is asked about the session before
 * the lead is told it expired, since its `checkout.session.completed` may have been lost.
 */
export function optInChecksPayment(context: LeadContext, at: string): boolean {
  return backToOpenDeposit(context) && !linkForgotten(context) && checkoutTimeUp(context, at);
}

/**
 * START. The target status's entry re-arms its timers: QUALIFYING and BOOKING watch for silence from this
 * message, AWAITING_DEPOSIT re-arms the link's expiry at its original time (`resumeDepositExpiry`) unless
 * that time has passed, when Stripe is asked now and its answer decides (deposit-check.ts). A handover
 * that STOP cut short is over: START asks to hear from the bot again, so it answers.
 */
export function optIn(turn: Turn): void {
  const decision = turn.context.decidedWhileOptedOut;
  const status = optInStatus(turn.context);
  const checkPayment = optInChecksPayment(turn.context, turn.at);
  turn.update({ pending: [], resume: false, decidedWhileOptedOut: null });
  if (decision === 'approve') {
    // Approved while away: the checkout is created now; its link follows as when approved normally.
    turn.sayText(WELCOME_BACK.trim());
    requestDeposit(turn);
  } else if (decision === 'reject') {
    turn.sayText(`${WELCOME_BACK}${declineText(turn)}`);
  } else if (checkPayment) {
    // Not the dead link, and not "expired" yet: the answer (paid → offers, else expired) follows shortly.
    turn.sayText(`${WELCOME_BACK}${CHECKING_PAYMENT_TEXT}`);
    askAboutSession(turn);
  } else {
    promptForStatus(turn, status, WELCOME_BACK);
  }
}

/**
 * The artist approved or rejected while the lead was opted out: nothing is sent (rule 9), the decision is
 * kept, and START takes the lead where the decision would have (AWAITING_DEPOSIT / REJECTED, both allowed
 * from OPTED_OUT as resumable statuses).
 */
export function decideWhileOptedOut(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, ['artist.approve', 'artist.reject']);
  const approve = event.type === 'artist.approve';
  turn.update({
    decidedWhileOptedOut: approve ? 'approve' : 'reject',
    resumeTo: approve ? 'AWAITING_DEPOSIT' : 'REJECTED',
  });
  turn.systemEvent('info', 'artist.decision_while_opted_out', { eventType: event.type });
}

function holdForHuman(turn: Turn): void {
  turn.update({ resume: true, repairs: 0 });
  turn.schedule('handover_cooldown', addMs(turn.at, turn.studio.timings.handoverCooldown));
}

/** The lead asked for a person: one acknowledgement, the artist told, then silence for the cooldown. */
export function requestHuman(turn: Turn): void {
  turn.sayText("Sure, I've let the artist know. They'll reply to you here personally.");
  turn.notifyArtist('handover', `${who(turn)} asked to talk to a person.`);
  holdForHuman(turn);
}

/** An admin took over (handover.start): no message, just the bot's silence. */
export function adminHandover(turn: Turn): void {
  holdForHuman(turn);
}

/** The second unparseable answer at one step (rule 2). */
export function giveUp(turn: Turn, event: LeadMachineEvent): void {
  const question = currentQuestion(turn.studio, turn.context);
  const message = inboundMessageOf(event);
  const said = message === undefined ? null : inboundText(message.content);
  turn.sayText("Sorry, I'm having trouble with that one. I've asked the artist to help you personally.");
  turn.notifyArtist(
    'needs_human',
    `${who(turn)} could not answer "${question?.prompt ?? 'the question'}"${said === null ? '' : `; last message: "${said}"`}.`,
  );
  holdForHuman(turn);
}

/** Cooldown over or handover.end: the bot resumes at the current question on the next inbound. */
export function handBack(turn: Turn, event: LeadMachineEvent): void {
  if (event.type === 'timer.fired') turn.fired(event.key);
  turn.cancel('handover_cooldown');
  turn.update({ resume: true });
}

/** Restart / admin reset: answers cleared, the first question asked (rule 8). */
export function restart(turn: Turn): void {
  turn.update({
    answers: {},
    step: 0,
    repairs: 0,
    pending: [],
    resume: false,
    deposit: { sessionId: null, url: null, expiresAt: null, checkingSession: null },
    slots: { ...turn.context.slots, offered: [], chosen: null, booked: null },
  });
  askQuestion(turn, "No problem, let's start again.\n\n");
}

export function cancelAllTimers(turn: Turn): void {
  turn.cancel('reminder', 'stale', 'handover_cooldown', 'deposit_expiry');
}

/** The plans of interruptions, by the names the chart gives them (lead-plans.ts). */
export const interruptionPlans = {
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
};
