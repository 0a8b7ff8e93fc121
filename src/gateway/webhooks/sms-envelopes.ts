// Verified SMS webhooks (Twilio or OpenPhone, already parsed into channel-neutral items) → the envelopes to
// publish and the system events to record. Pure: the clock, the trace id and the studio are passed in.
// The studio is the one whose number the lead wrote to; the lead id is derived from the studio and the
// lead's number, as for WhatsApp, so one phone on both channels of a studio is one lead.
import type { MessageStatusEvent } from '../../domain/lead-events.ts';
import { maskPhone } from '../../observability/logger.ts';
import type { StudioRegistry, StudioSmsNumber } from '../../studio/studio-registry.ts';
import { sanitize } from '../../domain/sanitize.ts';
import { smsEnvelope, type InvalidSender, type SmsInbound, type SmsProvider } from './sms-inbound.ts';
import type { SmsDeliveryStatus } from './twilio-status.ts';
import { leadIdForPhone } from '../../identity/resolve-lead.ts';
import { artistText } from './whatsapp-envelopes.ts';
import { emptyTranslation, type Translation } from './lead-envelope.ts';

/**
 * An inbound message from a studio number to itself: the echo of a channel health probe, never a lead's
 * message. Recorded as this system event (the channel health job matches it to its probe).
 */
export const CHANNEL_PROBE_ECHO_EVENT = 'sms.channel_probe_echo';

export interface SmsContext {
  now: Date;
  traceId?: string;
}

/**
 * The studio number a provider's webhook names: by number (E.164), else (OpenPhone) by its PN… id. A
 * number configured for the other provider is not this provider's: its webhooks would be misrouted.
 */
export function smsNumberFor(
  studios: StudioRegistry,
  provider: SmsProvider,
  number: string | undefined,
  phoneNumberId?: string,
): StudioSmsNumber | undefined {
  const byNumber = number === undefined ? undefined : studios.bySmsNumber(number);
  if (byNumber?.entry.provider === provider) return byNumber;
  const byId = phoneNumberId === undefined ? undefined : studios.byOpenPhoneNumberId(phoneNumberId);
  return byId?.entry.provider === provider ? byId : undefined;
}

function unknownNumber(provider: SmsProvider, to: string | undefined, extra: Record<string, unknown>) {
  return {
    level: 'warn' as const,
    type: 'sms.unknown_number',
    payload: { provider, to: to ?? null, ...extra },
  };
}

/** A sender as a system event shows it: a phone-like one masked, a short code or sender id as sent (cut). */
function senderShown(from: string | undefined): string | null {
  if (from === undefined) return null;
  const digits = from.replace(/\D/g, '').length;
  return digits >= 7 ? maskPhone(from) : sanitize(from).slice(0, 32);
}

/**
 * A message from a sender that is not an E.164 number: nothing to publish (no lead can be answered), so it
 * is acknowledged (the provider stops retrying) and recorded as `sms.invalid_sender`, never lost silently.
 */
export function translateInvalidSender(
  provider: SmsProvider,
  number: StudioSmsNumber | undefined,
  sender: InvalidSender,
): Translation {
  const out: Translation = emptyTranslation();
  out.rejected.push('invalid_sender');
  out.events.push({
    level: 'warn',
    type: 'sms.invalid_sender',
    payload: {
      provider,
      studioId: number?.studio.id ?? null,
      to: sender.to,
      from: senderShown(sender.from),
      messageId: sender.messageId,
      ...(sender.phoneNumberId === undefined ? {} : { phoneNumberId: sender.phoneNumberId }),
    },
  });
  return out;
}

/** Inbound SMS items (one provider message) to `number` → envelopes, or an unknown-number event. */
export function translateSmsInbound(
  provider: SmsProvider,
  number: StudioSmsNumber | undefined,
  to: string,
  items: readonly SmsInbound[],
  ctx: SmsContext,
  extra: Record<string, unknown> = {},
): Translation {
  const out: Translation = emptyTranslation();
  if (number === undefined) {
    out.rejected.push('unknown_number');
    const from = items[0]?.from;
    out.events.push(
      unknownNumber(provider, to, {
        ...extra,
        from: from === undefined ? null : maskPhone(from),
        messageId: items[0]?.messageId ?? null,
      }),
    );
    return out;
  }
  const { studio } = number;
  const at = ctx.now.toISOString();
  for (const item of items) {
    if (item.from === number.entry.number) {
      out.rejected.push('channel_probe');
      out.events.push({
        level: 'debug',
        type: CHANNEL_PROBE_ECHO_EVENT,
        payload: {
          studioId: studio.id,
          provider,
          number: item.from,
          messageId: item.messageId,
          text: item.transcript.text,
        },
        at: ctx.now,
      });
      continue;
    }
    // An artist's own number is never a lead's, on SMS as on WhatsApp.
    const artist = studio.artists.find((a) => a.whatsapp === item.from || a.sms === item.from);
    if (artist) {
      out.rejected.push('artist');
      out.artistMessages.push({
        studioId: studio.id,
        artistId: artist.id,
        channel: 'sms',
        messageId: `${provider}:${item.messageId}`,
        sentAt: new Date(item.sentAt),
        text: artistText(item.content),
      });
      continue;
    }
    if (studio.pilot && !studio.pilot.allowlist.includes(item.from)) {
      out.rejected.push('pilot');
      out.events.push({
        level: 'info',
        type: 'pilot_mode.blocked',
        payload: {
          studioId: studio.id,
          phone: maskPhone(item.from),
          messageId: item.messageId,
          channel: 'sms',
        },
      });
      continue;
    }
    out.envelopes.push(smsEnvelope(studio.id, item, at, ctx.traceId));
  }
  return out;
}

export interface SmsStatusReport {
  provider: SmsProvider;
  messageId: string;
  status: SmsDeliveryStatus;
  errorCode?: number;
  /** The lead our message went to. */
  to?: string;
}

/** The lead an outbound message went to, found by the provider's id of it (its transcript entry). */
export interface SentMessageOwner {
  leadId: string;
  studioId: string;
}

/**
 * A delivery status of one of our messages. Its lead is the owner of the outbound transcript entry with the
 * provider's id (`owner`, so a callback without From/To still finds it), else the lead `to` names at the
 * studio of `number`. Twilio's `undelivered` is a failure (`message.status` knows failed only) with the
 * provider's code and the raw status as its title.
 */
export function translateSmsStatus(
  number: StudioSmsNumber | undefined,
  report: SmsStatusReport,
  ctx: SmsContext,
  owner?: SentMessageOwner,
): Translation {
  const out: Translation = emptyTranslation();
  // The delivery of a channel health probe (sent from the number to itself) concerns no lead.
  if (owner === undefined && number !== undefined && report.to === number.entry.number) return out;
  // A status of a message to an artist (a notification): the artist is not a lead and must not become one.
  const artistNumbers = (number?.studio.artists ?? []).flatMap((a) => [
    a.whatsapp,
    ...(a.sms === undefined ? [] : [a.sms]),
  ]);
  if (owner === undefined && report.to !== undefined && artistNumbers.includes(report.to)) {
    // Failed: the notification goes on the artist's next channel (effects/action-links/artist-status.ts).
    if (number !== undefined && (report.status === 'failed' || report.status === 'undelivered'))
      out.artistStatuses.push({
        studio: number.studio,
        channel: 'sms',
        messageId: report.messageId,
        ...(report.errorCode === undefined
          ? {}
          : { errors: [{ code: report.errorCode, title: report.status }] }),
      });
    return out;
  }
  const target =
    owner ??
    (number === undefined || report.to === undefined
      ? undefined
      : { studioId: number.studio.id, leadId: leadIdForPhone(number.studio.id, report.to) });
  if (target === undefined) {
    out.rejected.push('unroutable_status');
    out.events.push({
      level: 'info',
      type: 'sms.status_unroutable',
      payload: {
        provider: report.provider,
        messageId: report.messageId,
        status: report.status,
        to: report.to === undefined ? null : maskPhone(report.to),
      },
    });
    return out;
  }
  const failed = report.status === 'failed' || report.status === 'undelivered';
  const errors =
    failed && report.errorCode !== undefined ? [{ code: report.errorCode, title: report.status }] : undefined;
  const event: MessageStatusEvent = {
    type: 'message.status',
    at: ctx.now.toISOString(),
    channel: 'sms',
    provider: report.provider,
    messageId: report.messageId,
    status: report.status === 'undelivered' ? 'failed' : report.status,
    sentAt: ctx.now.toISOString(),
    ...(errors === undefined ? {} : { errors }),
  };
  out.envelopes.push({
    id: `${report.provider}-status:${report.messageId}:${report.status}`,
    leadId: target.leadId,
    actorType: 'lead',
    studioId: target.studioId,
    acceptedAt: ctx.now.toISOString(),
    ...(ctx.traceId === undefined ? {} : { traceId: ctx.traceId }),
    event,
  });
  return out;
}
