// The lead conversation (docs/contract.md §5) as an XState v5 machine whose states are the lead statuses
// (docs/contract.md §3). Pure: time comes from `event.at`, ids from events, and every effect is emitted as data
// (src/domain/effects.ts) for the actor host to commit. Built from the studio registry: guards and actions
// read the lead's studio (questions, timings, templates, availability) by the id in its context, so one
// machine value serves every studio of a deployment and `toJSON()` exports the conversation's shape.
import { and } from 'xstate';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import { initialLeadContext } from './lead-context.ts';
import { DEPOSIT_STATUSES, leadSetup } from './lead-setup.ts';
import type { ResumableStatus } from './lead-status.ts';
import type { QualifyingOutcome } from './qualifying.ts';

// The lead's own words override the current question (rules 3, 8, 9); listed first in each status.
const optOutRequest = {
  guard: { type: 'intent', params: { intent: 'opt_out' } },
  target: '#lead.OPTED_OUT',
  actions: 'optOut',
} as const;
const handoverRequest = {
  guard: { type: 'intent', params: { intent: 'handover' } },
  target: '#lead.NEEDS_HUMAN',
  actions: 'requestHuman',
} as const;
// flow: assistant: the orchestrator answers (after the lead's own words on opting out or a human).
const assistantTurn = {
  guard: 'assistantFlow',
  target: '#lead.resumable.QUALIFYING',
  actions: 'assistantMessage',
} as const;
const restartRequest = {
  guard: { type: 'intent', params: { intent: 'restart' } },
  target: '#lead.resumable.QUALIFYING',
  reenter: true,
  actions: 'restart',
} as const;

/**
 * The statuses START may take a lead to other than the one it left (optInStatus, interruptions.ts): approved
 * (AWAITING_DEPOSIT) or rejected while away, paid while away (BOOKING), the open link expired by Stripe
 * meanwhile (DEPOSIT_EXPIRED). Anything else is where the lead left, its history.
 */
const optInOverrides = [
  'AWAITING_DEPOSIT',
  'REJECTED',
  'BOOKING',
  'DEPOSIT_EXPIRED',
] as const satisfies readonly ResumableStatus[];

/** The outcome `qualifying.read` read the message as (qualifying.ts). */
function reads(outcome: QualifyingOutcome) {
  return { type: 'reads', params: { outcome } } as const;
}

export function createLeadMachine(studios: StudioRegistry) {
  return leadSetup(studios).createMachine({
    id: 'lead',
    context: ({ input }) => initialLeadContext(input),
    initial: 'NEW',
    on: {
      'message.status': { actions: 'recordDelivery' },
      'message.send_failed': [
        // Refused for good by the carrier (Twilio 21610): opted out, never retried.
        { guard: 'recipientOptedOut', target: '.OPTED_OUT', actions: 'recipientOptedOut' },
        { actions: 'sendFailed' },
      ],
      'message.send': { actions: 'adminMessage' },
      // The channel answered the message itself (SMS HELP): its answer goes out, nothing else changes. In
      // OPTED_OUT too: carriers (CTIA) expect HELP answered always, the one exception to rule 9.
      'message.answered_by_channel': { actions: 'answeredByChannel' },
      'campaign.send': { actions: 'campaignMessage' },
      'effect.failed': { actions: 'effectFailed' },
      // An artist notification that failed on one channel goes on the next (artist.notify).
      'artist.notify_failed': { actions: 'artistNotifyFallback' },
      // Booked slots loaded for offers: sent in BOOKING, only remembered elsewhere (see booking.ts).
      'booking.taken_slots': { actions: 'takenSlotsLoaded' },
      // An orchestrator's answer arriving after the lead moved on is still an answer to their message.
      'orchestrator.answered': { actions: 'orchestratorAnswered' },
      'lead.reset': { target: '.resumable.QUALIFYING', reenter: true, actions: 'restart' },
      'handover.start': { target: '.NEEDS_HUMAN', actions: 'adminHandover' },
      'stripe.checkout.completed': { guard: 'otherSession', actions: 'sessionMismatch' },
      // Stripe's answer to a check that no longer matters (paid by webhook meanwhile, a new checkout…) is
      // ignored; one that says another session was paid is recorded like a mismatched webhook.
      'deposit.session_checked': { guard: 'otherPaidSession', actions: 'sessionMismatch' },
      'artist.approve': { actions: 'controlIgnored' },
      'artist.reject': { actions: 'controlIgnored' },
      'deposit.mark_paid': { actions: 'controlIgnored' },
      'handover.end': { actions: 'controlIgnored' },
    },
    states: {
      NEW: {
        on: {
          'message.received': [
            optOutRequest,
            handoverRequest,
            assistantTurn,
            // "I want a koi fish" is the idea itself; "hi" or "are you taking bookings?" only opens.
            { guard: 'firstAnswer', target: 'resumable.QUALIFYING', actions: 'greetWithAnswer' },
            { target: 'resumable.QUALIFYING', actions: ['keepMedia', 'greet'] },
          ],
        },
      },
      // The statuses a lead returns to after a handover, going stale or opting out: `history` is where it
      // left (shallow: the status, whose entry re-arms its timers).
      resumable: {
        initial: 'QUALIFYING',
        states: {
          QUALIFYING: {
            entry: [{ type: 'remember', params: { status: 'QUALIFYING' } }, 'watchSilence'],
            exit: 'stopWatchingSilence',
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                { guard: 'assistantFlow', actions: ['assistantMessage', 'watchSilence'] },
                restartRequest,
                { guard: 'resuming', actions: ['resume', 'watchSilence'] },
                // Read once against the current question; its outcome is chosen below.
                { actions: 'readMessage' },
              ],
              'qualifying.read': [
                // A reaction is no answer, and no end to the silence either.
                { guard: reads('ignore') },
                // The rest of an album joins the reference photos without another question.
                { guard: reads('more_references'), actions: ['watchSilence', 'addReference'] },
                { guard: reads('attachment'), actions: ['watchSilence', 'keepAttachment'] },
                { guard: reads('unreadable'), actions: ['watchSilence', 'askReadable'] },
                { guard: reads('bundle'), actions: ['watchSilence', 'askOneAtATime'] },
                { guard: reads('answer'), actions: ['watchSilence', 'acceptAnswer', 'askQuestion'] },
                {
                  guard: reads('last_answer'),
                  target: 'PENDING_APPROVAL',
                  actions: ['acceptAnswer', 'submitForApproval'],
                },
                // A question of the lead's own, with an orchestrator: no repair, no failure.
                { guard: reads('off_script'), actions: ['watchSilence', 'askOffScript'] },
                { guard: reads('repair'), actions: ['watchSilence', 'repair'] },
                { guard: reads('give_up'), target: '#lead.NEEDS_HUMAN', actions: 'giveUp' },
              ],
              // Off script: the answer, then the question again.
              'orchestrator.answered': { actions: 'orchestratorAnsweredThenAsk' },
              'timer.fired': [
                { guard: { type: 'timer', params: { key: 'reminder' } }, actions: 'remindQuestion' },
                {
                  guard: { type: 'timer', params: { key: 'stale' } },
                  target: '#lead.STALE',
                  actions: 'goStale',
                },
              ],
            },
          },

          PENDING_APPROVAL: {
            entry: { type: 'remember', params: { status: 'PENDING_APPROVAL' } },
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                restartRequest,
                { guard: 'resuming', actions: 'resume' },
                { actions: ['keepMedia', 'reviewing'] },
              ],
              'artist.approve': { target: 'AWAITING_DEPOSIT', actions: 'requestDeposit' },
              'artist.reject': { target: 'REJECTED', actions: 'decline' },
            },
          },

          REJECTED: {
            entry: { type: 'remember', params: { status: 'REJECTED' } },
            on: {
              'message.received': [optOutRequest, handoverRequest, restartRequest, { actions: 'keepMedia' }],
            },
          },

          AWAITING_DEPOSIT: {
            entry: [{ type: 'remember', params: { status: 'AWAITING_DEPOSIT' } }, 'resumeDepositExpiry'],
            exit: 'stopDepositExpiry',
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                { guard: 'checkingSession', actions: ['keepMedia', 'checkingPayment'] },
                { guard: 'resuming', actions: 'resume' },
                { actions: ['keepMedia', 'depositReminder'] },
              ],
              'deposit.checkout_created': { actions: 'checkoutCreated' },
              // Approving again replaces the checkout (e.g. after the provider call failed for good).
              'artist.approve': { actions: 'requestDeposit' },
              'stripe.checkout.completed': [
                { guard: 'currentPaidSession', target: 'BOOKING', actions: 'depositPaid' },
                { guard: 'otherSession', actions: 'sessionMismatch' },
                { actions: 'unpaidCompletion' },
              ],
              'stripe.checkout.expired': {
                guard: 'currentSession',
                target: 'DEPOSIT_EXPIRED',
                actions: 'depositExpired',
              },
              // The expiry is due: Stripe is asked first (a lost webhook must not expire a paid deposit).
              'timer.fired': [
                {
                  guard: and([{ type: 'timer', params: { key: 'deposit_expiry' } } as const, 'hasCheckout']),
                  actions: 'checkSession',
                },
                // No session to ask about (the timer is armed with the checkout, so only a damaged snapshot).
                {
                  guard: { type: 'timer', params: { key: 'deposit_expiry' } },
                  target: 'DEPOSIT_EXPIRED',
                  actions: 'depositExpired',
                },
              ],
              'deposit.session_checked': [
                { guard: 'currentPaidSession', target: 'BOOKING', actions: 'depositPaid' },
                { guard: 'unpaidCheck', target: 'DEPOSIT_EXPIRED', actions: 'depositExpired' },
              ],
              'effect.failed': {
                guard: 'failedCheck',
                target: 'DEPOSIT_EXPIRED',
                actions: ['effectFailed', 'sessionCheckFailed'],
              },
              'deposit.mark_paid': { target: 'BOOKING', actions: 'depositPaid' },
            },
          },

          DEPOSIT_EXPIRED: {
            entry: { type: 'remember', params: { status: 'DEPOSIT_EXPIRED' } },
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                restartRequest,
                { target: 'AWAITING_DEPOSIT', actions: ['keepMedia', 'newLinkRequested'] },
              ],
              'artist.approve': { target: 'AWAITING_DEPOSIT', actions: 'requestDeposit' },
              'stripe.checkout.completed': [
                { guard: 'currentPaidSession', target: 'BOOKING', actions: 'depositPaid' },
                { guard: 'otherSession', actions: 'sessionMismatch' },
              ],
              'deposit.session_checked': {
                guard: 'currentPaidSession',
                target: 'BOOKING',
                actions: 'depositPaid',
              },
              'deposit.mark_paid': { target: 'BOOKING', actions: 'depositPaid' },
            },
          },

          BOOKING: {
            entry: [{ type: 'remember', params: { status: 'BOOKING' } }, 'watchSilence'],
            exit: ['stopWatchingSilence', 'stopLoadingOffers'],
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                { guard: 'resuming', actions: ['resume', 'watchSilence'] },
                { actions: ['keepMedia', 'bookingMessage', 'watchSilence'] },
              ],
              'booking.reserved': { target: 'BOOKED', actions: 'slotReserved' },
              'booking.slot_unavailable': { actions: 'slotUnavailable' },
              'timer.fired': [
                { guard: { type: 'timer', params: { key: 'reminder' } }, actions: 'remindSlots' },
                {
                  guard: { type: 'timer', params: { key: 'stale' } },
                  target: '#lead.STALE',
                  actions: 'goStale',
                },
              ],
            },
          },

          BOOKED: {
            entry: { type: 'remember', params: { status: 'BOOKED' } },
            on: {
              'message.received': [
                optOutRequest,
                handoverRequest,
                { guard: 'resuming', actions: 'resume' },
                { actions: 'keepMedia' },
              ],
            },
          },
          history: { type: 'history' },
        },
      },
      NEEDS_HUMAN: {
        exit: 'stopCooldown',
        on: {
          // A human has the conversation: the bot's late answer is not sent.
          'orchestrator.answered': {},
          'message.received': [
            optOutRequest,
            // Kept (the host writes the transcript; media is stored), never answered by the bot.
            { actions: 'keepMedia' },
          ],
          // Back where the lead was: the status's entry re-arms its timers.
          'timer.fired': { guard: 'cooldownOver', target: 'resumable.history', actions: 'handBack' },
          'handover.end': { target: 'resumable.history', actions: 'handBack' },
          'handover.start': { actions: 'adminHandover' },
          // The artist's decisions and the lead's payment are not lost while a human has the conversation.
          'artist.approve': {
            guard: { type: 'resumesToOneOf', params: { statuses: ['PENDING_APPROVAL', 'DEPOSIT_EXPIRED'] } },
            target: 'resumable.AWAITING_DEPOSIT',
            actions: 'requestDeposit',
          },
          'artist.reject': {
            guard: { type: 'resumesTo', params: { status: 'PENDING_APPROVAL' } },
            target: 'resumable.REJECTED',
            actions: 'decline',
          },
          'deposit.checkout_created': {
            guard: { type: 'resumesTo', params: { status: 'AWAITING_DEPOSIT' } },
            actions: 'checkoutCreatedAway',
          },
          'deposit.mark_paid': {
            guard: { type: 'resumesToOneOf', params: { statuses: DEPOSIT_STATUSES } },
            target: 'resumable.BOOKING',
            actions: 'depositPaid',
          },
          'stripe.checkout.completed': [
            { guard: 'paidWhileAway', target: 'resumable.BOOKING', actions: 'depositPaid' },
            { guard: 'otherSession', actions: 'sessionMismatch' },
          ],
          // A check sent before the handover found the payment: it counts as the webhook would.
          'deposit.session_checked': {
            guard: 'paidWhileAway',
            target: 'resumable.BOOKING',
            actions: 'depositPaid',
          },
        },
      },
      OPTED_OUT: {
        entry: 'cancelAllTimers',
        on: {
          'message.received': [
            // START where what happened while away decides: an artist's decision (approve, reject), a
            // payment, or a link Stripe expired; the same status as before is fine too.
            ...optInOverrides.map((status) => ({
              guard: { type: 'optInTo' as const, params: { status } },
              target: `resumable.${status}` as const,
              actions: 'optIn' as const,
            })),
            // Else back where the lead was.
            {
              guard: { type: 'intent', params: { intent: 'opt_in' } },
              target: 'resumable.history',
              actions: 'optIn',
            },
            { actions: 'recordInbound' },
          ],
          'message.status': { actions: 'recordDelivery' },
          'message.send': { actions: 'suppressedMessage' },
          // HELP/INFO is answered even here (carriers expect it always); the lead stays opted out.
          'message.answered_by_channel': { actions: 'answeredByChannel' },
          'campaign.send': { actions: 'campaignRefused' },
          // The checkout requested before STOP: kept silently; START sends its link and arms its expiry.
          'deposit.checkout_created': {
            guard: { type: 'resumesTo', params: { status: 'AWAITING_DEPOSIT' } },
            actions: 'keepCheckout',
          },
          // Stripe expired the open link: remembered silently; START says it expired instead of resending it.
          'stripe.checkout.expired': {
            guard: 'openLinkExpired',
            actions: 'expiredWhileOptedOut',
          },
          // Recorded; a checkout that failed for good is told to the artist, and START requests a new one.
          'effect.failed': { actions: 'effectFailedWhileOptedOut' },
          'artist.notify_failed': { actions: 'artistNotifyFallback' },
          // A payment still counts: recorded silently, the lead returns to slot booking on START.
          'stripe.checkout.completed': { guard: 'paidWhileAway', actions: 'paidWhileOptedOut' },
          'deposit.session_checked': { guard: 'paidWhileAway', actions: 'paidWhileOptedOut' },
          'deposit.mark_paid': {
            guard: { type: 'resumesToOneOf', params: { statuses: DEPOSIT_STATUSES } },
            actions: 'paidWhileOptedOut',
          },
          // The artist's decision is kept silently and applied on START (as during a handover, not lost).
          'artist.approve': {
            guard: {
              type: 'resumesToOneOf',
              params: { statuses: ['PENDING_APPROVAL', 'AWAITING_DEPOSIT', 'DEPOSIT_EXPIRED'] },
            },
            actions: 'decideWhileOptedOut',
          },
          'artist.reject': {
            guard: { type: 'resumesTo', params: { status: 'PENDING_APPROVAL' } },
            actions: 'decideWhileOptedOut',
          },
          // Nothing else is ever sent until START (rule 9; HELP above is the exception): every other event is
          // ignored here.
          '*': {},
        },
      },
      STALE: {
        on: {
          'message.received': [
            optOutRequest,
            handoverRequest,
            {
              guard: and(['assistantFlow', { type: 'resumesTo', params: { status: 'QUALIFYING' } } as const]),
              target: 'resumable.QUALIFYING',
              actions: 'assistantMessage',
            },
            restartRequest,
            // Back where the lead went quiet (QUALIFYING or BOOKING).
            { target: 'resumable.history', actions: ['keepMedia', 'welcomeBack'] },
          ],
        },
      },
    },
  });
}

export type LeadMachine = ReturnType<typeof createLeadMachine>;
