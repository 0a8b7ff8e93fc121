// The lead machine's vocabulary: its types and the named guards and actions the state graph
// (lead-machine.ts) refers to. Actions are plans (lead-plans.ts) run over one Turn; guards read the same
// pure helpers, so a guard and the action it selects cannot disagree.
import { assign, enqueueActions, setup, type ParameterizedObject } from 'xstate';
import type { Effect } from '../../domain/effects.ts';
import type { LeadEvent, TimerKey } from '../../domain/lead-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import type { Intent } from '../parsers/index.ts';
import { isCurrentPaidSession, isCurrentSession, isOtherPaidSession, isOtherSession } from './deposit.ts';
import { isCheckingSession, isFailedCheck, isUnpaidCheck } from './deposit-check.ts';
import { intentOf, isFirstAnswer, isResuming, optInStatus, recordInbound } from './interruptions.ts';
import type { LeadContext, LeadInput } from './lead-context.ts';
import { plans, type Plan } from './lead-plans.ts';
import { isAssistantFlow } from './orchestrator.ts';
import type { ResumableStatus } from './lead-status.ts';
import { qualifyingOutcome, type QualifyingOutcome } from './qualifying.ts';
import { Turn } from './turn.ts';

/** Statuses in which a deposit can be paid. */
export const DEPOSIT_STATUSES: readonly ResumableStatus[] = ['AWAITING_DEPOSIT', 'DEPOSIT_EXPIRED'];

export function leadSetup(studios: StudioRegistry) {
  const studioOf = (context: LeadContext): Studio => {
    const studio = studios.byId(context.studioId);
    if (studio === undefined) throw new Error(`lead machine: unknown studio "${context.studioId}"`);
    return studio;
  };

  /** Runs a plan over one Turn: context changes are assigned and effects emitted, in order. */
  function run<TAction extends ParameterizedObject, TGuard extends ParameterizedObject>(plan: Plan) {
    return enqueueActions<
      LeadContext,
      LeadEvent,
      undefined,
      LeadEvent,
      never,
      TAction,
      TGuard,
      never,
      Effect
    >(({ context, event, enqueue }) => {
      // An orchestrator's answer replies to the message it was asked about.
      const inReplyTo =
        event.type === 'message.received'
          ? event.messageId
          : event.type === 'orchestrator.answered'
            ? event.inReplyTo
            : undefined;
      const turn = new Turn(studioOf(context), context, event.at, inReplyTo);
      recordInbound(turn, event);
      plan(turn, event);
      enqueue.assign(turn.context);
      for (const effect of turn.effects) enqueue.emit(effect);
    });
  }

  return setup({
    types: {
      context: {} as LeadContext,
      events: {} as LeadEvent,
      input: {} as LeadInput,
      emitted: {} as Effect,
    },
    actions: {
      recordInbound: run(plans.recordInbound),
      keepMedia: run(plans.keepMedia),
      greet: run(plans.greet),
      greetWithAnswer: run(plans.greetWithAnswer),
      optOut: run(plans.optOut),
      optIn: run(plans.optIn),
      requestHuman: run(plans.requestHuman),
      adminHandover: run(plans.adminHandover),
      giveUp: run(plans.giveUp),
      handBack: run(plans.handBack),
      restart: run(plans.restart),
      cancelAllTimers: run(plans.cancelAllTimers),
      resume: run(plans.resume),
      welcomeBack: run(plans.welcomeBack),
      watchSilence: run(plans.watchSilence),
      stopWatchingSilence: run(plans.stopWatchingSilence),
      remindQuestion: run(plans.remindQuestion),
      remindSlots: run(plans.remindSlots),
      goStale: run(plans.goStale),
      qualifyingMessage: run(plans.qualifyingMessage),
      acceptAnswer: run(plans.acceptAnswer),
      submitForApproval: run(plans.submitForApproval),
      reviewing: run(plans.reviewing),
      requestDeposit: run(plans.requestDeposit),
      decline: run(plans.decline),
      checkoutCreated: run(plans.checkoutCreated),
      depositReminder: run(plans.depositReminder),
      newLinkRequested: run(plans.newLinkRequested),
      depositPaid: run(plans.depositPaid),
      depositExpired: run(plans.depositExpired),
      checkSession: run(plans.checkSession),
      checkingPayment: run(plans.checkingPayment),
      sessionCheckFailed: run(plans.sessionCheckFailed),
      expiredWhileOptedOut: run(plans.expiredWhileOptedOut),
      sessionMismatch: run(plans.sessionMismatch),
      checkoutCreatedAway: run(plans.checkoutCreatedAway),
      keepCheckout: run(plans.keepCheckout),
      resumeDepositExpiry: run(plans.resumeDepositExpiry),
      paidWhileOptedOut: run(plans.paidWhileOptedOut),
      decideWhileOptedOut: run(plans.decideWhileOptedOut),
      unpaidCompletion: run(plans.unpaidCompletion),
      stopDepositExpiry: run(plans.stopDepositExpiry),
      stopCooldown: run(plans.stopCooldown),
      bookingMessage: run(plans.bookingMessage),
      takenSlotsLoaded: run(plans.takenSlotsLoaded),
      stopLoadingOffers: run(plans.stopLoadingOffers),
      slotReserved: run(plans.slotReserved),
      slotUnavailable: run(plans.slotUnavailable),
      recordDelivery: run(plans.recordDelivery),
      sendFailed: run(plans.sendFailed),
      recipientOptedOut: run(plans.recipientOptedOut),
      adminMessage: run(plans.adminMessage),
      answeredByChannel: run(plans.answeredByChannel),
      suppressedMessage: run(plans.suppressedMessage),
      effectFailed: run(plans.effectFailed),
      effectFailedWhileOptedOut: run(plans.effectFailedWhileOptedOut),
      controlIgnored: run(plans.controlIgnored),
      campaignMessage: run(plans.campaignMessage),
      campaignRefused: run(plans.campaignRefused),
      assistantMessage: run(plans.assistantMessage),
      orchestratorAnswered: run(plans.orchestratorAnswered),
      orchestratorAnsweredThenAsk: run(plans.orchestratorAnsweredThenAsk),
      /** Entering a resumable status: handovers, staleness and opt-outs come back here. */
      remember: assign((_, params: { status: ResumableStatus }) => ({ resumeTo: params.status })),
    },
    guards: {
      intent: ({ event }, params: { intent: Intent }) => intentOf(event) === params.intent,
      outcome: ({ context, event }, params: { outcome: QualifyingOutcome }) =>
        event.type === 'message.received' &&
        qualifyingOutcome(studioOf(context), context, event) === params.outcome,
      firstAnswer: ({ context, event }) =>
        event.type === 'message.received' && isFirstAnswer(studioOf(context), context, event),
      resuming: ({ context, event }) => event.type === 'message.received' && isResuming(context),
      /** flow: assistant: every message goes to the orchestrator. */
      assistantFlow: ({ context }) => isAssistantFlow(studioOf(context)),
      resumesTo: ({ context }, params: { status: ResumableStatus }) => context.resumeTo === params.status,
      resumesToOneOf: ({ context }, params: { statuses: readonly ResumableStatus[] }) =>
        params.statuses.includes(context.resumeTo),
      /** Paid while away (handover, opted out): the deposit still counts. */
      paidWhileAway: ({ context, event }) =>
        isCurrentPaidSession(context, event) && DEPOSIT_STATUSES.includes(context.resumeTo),
      /** Stripe expired the checkout whose link the lead was given, while they were away (opted out). */
      openLinkExpired: ({ context, event }) =>
        event.type === 'stripe.checkout.expired' &&
        isCurrentSession(context, event) &&
        context.resumeTo === 'AWAITING_DEPOSIT',
      cooldownOverTo: ({ context, event }, params: { status: ResumableStatus }) =>
        event.type === 'timer.fired' &&
        event.key === 'handover_cooldown' &&
        context.timers.handover_cooldown !== undefined &&
        context.resumeTo === params.status,
      optInTo: ({ context, event }, params: { status: ResumableStatus }) =>
        intentOf(event) === 'opt_in' && optInStatus(context) === params.status,
      /** The provider refused a send because the recipient opted out with the carrier. */
      recipientOptedOut: ({ event }) => event.type === 'message.send_failed' && event.recipientOptedOut,
      /** A timer this lead still expects (a cancelled or replaced one is ignored). */
      timer: ({ context, event }, params: { key: TimerKey }) =>
        event.type === 'timer.fired' && event.key === params.key && context.timers[params.key] !== undefined,
      currentPaidSession: ({ context, event }) => isCurrentPaidSession(context, event),
      currentSession: ({ context, event }) => isCurrentSession(context, event),
      otherSession: ({ context, event }) => isOtherSession(context, event),
      otherPaidSession: ({ context, event }) => isOtherPaidSession(context, event),
      /** The lead has a checkout session Stripe can be asked about. */
      hasCheckout: ({ context }) => context.deposit.sessionId !== null,
      /** The expiry is due and Stripe's answer about the session is awaited. */
      checkingSession: ({ context }) => isCheckingSession(context),
      unpaidCheck: ({ context, event }) => isUnpaidCheck(context, event),
      failedCheck: ({ context, event }) => isFailedCheck(context, event),
    },
  });
}
