// Provider feedback and admin messages: delivery statuses, sends refused because the channel closed the
// conversation to free-form content (the channel's policy reads the status; WhatsApp's 131047: send the
// template, keep the content for the lead's reply), sends refused because the recipient opted out with the
// carrier, failed effects (a failed load of the booked slots still sends the waiting offers).
import { assertEvent } from 'xstate';
import { policyFor } from '../../channels/policies.ts';
import type { LeadEvent } from '../../domain/lead-events.ts';
import { offersLoadFailed } from './booking.ts';
import { text, type Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

function windowClosedByProvider(turn: Turn): void {
  turn.update({ windowClosed: true });
  if (turn.context.pending.length === 0) turn.holdBack(turn.context.lastSent);
}

export function recordDelivery(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.status');
  const error = event.status === 'failed' ? event.errors?.[0] : undefined;
  turn.emit({
    type: 'effect.transcript.delivery',
    providerMessageId: event.messageId,
    status: event.status,
    ...(error === undefined ? {} : { error }),
  });
  if (policyFor(event.channel).closedByStatus(event)) windowClosedByProvider(turn);
}

export function sendFailed(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.send_failed');
  if (event.outsideWindow) {
    windowClosedByProvider(turn);
    return;
  }
  turn.systemEvent('warn', `${event.channel}.send_failed`, {
    outboxId: event.outboxId,
    code: event.code,
    reason: event.reason,
  });
}

/**
 * The provider refused a send because the recipient opted out with the carrier (Twilio 21610): the lead is
 * OPTED_OUT (the machine's transition) and nothing is retried or sent to confirm it.
 */
export function recipientOptedOut(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.send_failed');
  turn.update({ pending: [], resume: false });
  turn.systemEvent('warn', `${event.channel}.recipient_opted_out`, {
    outboxId: event.outboxId,
    code: event.code,
    reason: event.reason,
  });
}

/**
 * A message the lead's channel answered itself (SMS HELP/INFO: the studio's help text): the answer goes
 * back where the message came from, as a direct reply (so quiet hours never hold it), and nothing else
 * changes: no step, no repair count, no answer recorded.
 */
export function answeredByChannel(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.answered_by_channel');
  turn.sendTo(event.channel, event.replyTo, text(event.answer), event.messageId);
}

/** An admin's free-form message (control event message.send), subject to the window like any other. */
export function adminMessage(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'message.send');
  turn.sayText(event.text);
}

export function suppressedMessage(turn: Turn, event: LeadMachineEvent): void {
  turn.systemEvent('warn', 'message.suppressed_opted_out', { eventType: event.type });
}

type EffectFailedEvent = Extract<LeadEvent, { type: 'effect.failed' }>;

function recordFailure(turn: Turn, event: EffectFailedEvent, optedOut = false): void {
  turn.systemEvent('warn', 'lead.effect_failed', {
    outboxId: event.outboxId,
    effectType: event.effectType,
    reason: event.reason,
    ...(optedOut ? { optedOut } : {}),
  });
}

function checkoutFailedText(turn: Turn, event: EffectFailedEvent, next: string): string {
  return `The deposit checkout for ${turn.context.name ?? 'a lead'} (${turn.context.phone ?? 'unknown number'}) could not be created (${event.reason}). ${next}`;
}

export function effectFailed(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'effect.failed');
  recordFailure(turn, event);
  if (event.effectType === 'effect.booking.reserve') {
    turn.update({ slots: { ...turn.context.slots, chosen: null } });
  }
  if (event.effectType === 'effect.booking.load_taken') offersLoadFailed(turn);
  if (event.effectType === 'effect.deposit.create_checkout') {
    turn.notifyArtist('info', checkoutFailedText(turn, event, 'Approve again to retry.'));
  }
}

/**
 * A failed effect while the lead is opted out: recorded, and nothing goes to the lead (rule 9; nor do the
 * waiting offers of a failed load, which leaving BOOKING already dropped). A checkout the lead was waiting
 * for that failed for good is the artist's to know (a notice to the artist is not a message to the lead).
 * The approval stands, so START requests a new checkout, as for an approval made while away.
 */
export function effectFailedWhileOptedOut(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'effect.failed');
  recordFailure(turn, event, true);
  const { resumeTo, deposit } = turn.context;
  // A checkout that already came back, or a lead no longer waiting for one (paid, reset), needs nothing.
  const awaited = resumeTo === 'AWAITING_DEPOSIT' && deposit.sessionId === null;
  if (event.effectType !== 'effect.deposit.create_checkout' || !awaited) return;
  turn.update({ decidedWhileOptedOut: 'approve' });
  turn.notifyArtist(
    'info',
    checkoutFailedText(
      turn,
      event,
      'They have opted out of messages; a new checkout will be requested if they reply START.',
    ),
  );
}

/**
 * An artist notification failed for good on one channel (refused, or WhatsApp reported it failed): it goes
 * again on the next channel of the artist's `notify`, with the same text and links. A notice to the artist
 * is not a message to the lead, so it goes in every status, opted out too.
 */
export function artistNotifyFallback(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'artist.notify_failed');
  turn.emit({
    type: 'effect.artist.notify',
    studioId: turn.studio.id,
    artistId: event.artistId,
    reason: event.reason,
    text: event.text,
    withActionLinks: event.withActionLinks,
    channel: event.next,
    linksNonce: event.linksNonce,
  });
  turn.systemEvent('warn', 'artist.notify_fallback', {
    outboxId: event.outboxId,
    artistId: event.artistId,
    from: event.channel,
    to: event.next,
    cause: event.cause,
  });
}

export function controlIgnored(turn: Turn, event: LeadMachineEvent): void {
  turn.systemEvent('info', 'lead.control_ignored', { eventType: event.type });
}

/** The plans of delivery and control, by the names the chart gives them (lead-plans.ts). */
export const deliveryPlans = {
  adminMessage,
  answeredByChannel,
  artistNotifyFallback,
  controlIgnored,
  effectFailed,
  effectFailedWhileOptedOut,
  recipientOptedOut,
  recordDelivery,
  sendFailed,
  suppressedMessage,
};
