// The lead machine's vocabulary: its types and the named guards and actions the state graph
// (lead-machine.ts) refers to. Actions are the plans of lead-plans.ts, each run over one Turn, under the
// names that map gives them; guards read the same pure helpers, so a guard and the action it selects
// cannot disagree.
import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { Effect } from '../../domain/effects.ts';
import type { TimerKey } from '../../domain/lead-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import type { Intent } from '../parsers/index.ts';
import { isCurrentPaidSession, isCurrentSession, isOtherPaidSession, isOtherSession } from './deposit.ts';
import { isCheckingSession, isFailedCheck, isUnpaidCheck } from './deposit-check.ts';
import { intentOf, isFirstAnswer, isResuming, optInStatus, recordInbound } from './interruptions.ts';
import type { LeadContext, LeadInput } from './lead-context.ts';
import { plans, type Plan, type PlanName } from './lead-plans.ts';
import { inboundMessageOf, type LeadMachineEvent } from './machine-events.ts';
import { isAssistantFlow } from './orchestrator.ts';
import type { ResumableStatus } from './lead-status.ts';
import { readQualifying, type QualifyingOutcome } from './qualifying.ts';
import { Turn } from './turn.ts';

/** Statuses in which a deposit can be paid. */
export const DEPOSIT_STATUSES: readonly ResumableStatus[] = ['AWAITING_DEPOSIT', 'DEPOSIT_EXPIRED'];

/** An action of the lead machine: it assigns, emits effects and raises its own events, nothing else. */
const leadAction = enqueueActions<
  LeadContext,
  LeadMachineEvent,
  undefined,
  LeadMachineEvent,
  never,
  never,
  never,
  never,
  Effect
>;

export function leadSetup(studios: StudioRegistry) {
  const studioOf = (context: LeadContext): Studio => {
    const studio = studios.byId(context.studioId);
    if (studio === undefined) throw new Error(`lead machine: unknown studio "${context.studioId}"`);
    return studio;
  };

  /** Runs a plan over one Turn: context changes are assigned and effects emitted, in order. */
  function run(plan: Plan) {
    return leadAction(({ context, event, enqueue }) => {
      // A turn applying an inbound message replies to it; an orchestrator's answer to the message it was
      // asked about.
      const inReplyTo =
        event.type === 'orchestrator.answered' ? event.inReplyTo : inboundMessageOf(event)?.messageId;
      const turn = new Turn(studioOf(context), context, event.at, inReplyTo);
      recordInbound(turn, event);
      plan(turn, event);
      enqueue.assign(turn.context);
      for (const effect of turn.effects) enqueue.emit(effect);
    });
  }

  /** Every plan of the map as the action of its name. */
  const planActions = Object.fromEntries(
    Object.entries(plans).map(([name, plan]) => [name, run(plan)]),
  ) as Record<PlanName, ReturnType<typeof run>>;

  return setup({
    types: {
      context: {} as LeadContext,
      events: {} as LeadMachineEvent,
      input: {} as LeadInput,
      emitted: {} as Effect,
    },
    actions: {
      ...planActions,
      /** Entering a resumable status: handovers, staleness and opt-outs come back here. */
      remember: assign((_, params: { status: ResumableStatus }) => ({ resumeTo: params.status })),
      /**
       * A message in QUALIFYING that no interruption took: recorded, read once against the current
       * question, and raised as `qualifying.read` for the chart's guarded outcomes.
       */
      readMessage: leadAction(({ context, event, enqueue }) => {
        assertEvent(event, 'message.received');
        const turn = new Turn(studioOf(context), context, event.at, event.messageId);
        recordInbound(turn, event);
        enqueue.assign(turn.context);
        enqueue.raise({
          type: 'qualifying.read',
          at: event.at,
          message: event,
          reading: readQualifying(turn.studio, turn.context, event),
        });
      }),
    },
    guards: {
      intent: ({ event }, params: { intent: Intent }) => intentOf(event) === params.intent,
      /** What `qualifying.read` read the message as. */
      reads: ({ event }, params: { outcome: QualifyingOutcome }) =>
        event.type === 'qualifying.read' && event.reading.outcome === params.outcome,
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
      /** The handover's cooldown is over (a cancelled or replaced one is ignored). */
      cooldownOver: ({ context, event }) =>
        event.type === 'timer.fired' &&
        event.key === 'handover_cooldown' &&
        context.timers.handover_cooldown !== undefined,
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
