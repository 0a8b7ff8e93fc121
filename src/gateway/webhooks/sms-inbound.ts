// What an SMS provider's inbound webhook (or, later, its message history) says, once verified and parsed:
// one channel-neutral message per item, provider-neutral. Twilio and OpenPhone both map to this, so the
// route, the envelope and reconciliation see one shape. Every sender-controlled string has been sanitised.
import type { Envelope } from '../../domain/envelope.ts';
import { leadIdFor } from '../../domain/ids.ts';
import type { InboundContent, MessageReceivedEvent } from '../../domain/lead-events.ts';
import type { TranscriptEntry } from '../../domain/transcript.ts';
import { sanitize, sanitizeField } from '../../domain/sanitize.ts';

export type SmsProvider = 'twilio' | 'openphone';

export interface SmsInbound {
  provider: SmsProvider;
  /**
   * The provider's message id (`MessageSid`, OpenPhone `AC…`). An MMS with several media becomes several
   * items; the second and later carry `<id>:media<n>` so each is applied once.
   */
  messageId: string;
  /** The lead's number (E.164). */
  from: string;
  /** The studio's number the lead wrote to (E.164). */
  to: string;
  /** When the provider says the message was sent (ISO). */
  sentAt: string;
  content: InboundContent;
  transcript: TranscriptEntry;
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A well-formed inbound message whose sender is not an E.164 number (a short code, an alphanumeric sender
 * id, garbage): no lead can be written back to, so it is acknowledged and recorded (`sms.invalid_sender`),
 * never published. `from` is the raw value as sent (absent when there was none).
 */
export interface InvalidSender {
  messageId: string;
  to: string;
  from: string | undefined;
  phoneNumberId?: string;
}

/** A phone number as the providers send it (E.164), or undefined when it is not one. */
export function e164(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && E164.test(trimmed) ? trimmed : undefined;
}

/** Sanitised message text and the transcript flag when it had to be cut. */
export function smsText(raw: string): { text: string; data?: Record<string, unknown> } {
  const { value, truncated } = sanitizeField(raw, 'text');
  return truncated ? { text: value, data: { truncated: true } } : { text: value };
}

export type MediaContentKind = 'image' | 'audio' | 'video' | 'document';

/** The content kind for a media MIME type (`image/jpeg` → image; anything unknown is a document). */
export function mediaContentKind(mimeType: string | undefined): MediaContentKind {
  const top = mimeType?.split('/')[0]?.toLowerCase();
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'document';
}

export interface SmsMedium {
  url: string;
  mimeType?: string | undefined;
}

/**
 * One provider message (text and up to 10 media) → its items: the text alone, or one item per medium with
 * the text as the first one's caption (WhatsApp's shape for an image sent with words).
 */
export function smsItems(
  base: Pick<SmsInbound, 'provider' | 'from' | 'to' | 'sentAt'>,
  messageId: string,
  rawText: string,
  media: readonly SmsMedium[],
): SmsInbound[] {
  const body = smsText(rawText);
  const items: SmsInbound[] = [];
  for (const [n, medium] of media.entries()) {
    if (!URL.canParse(medium.url)) continue;
    const mimeType = medium.mimeType ? sanitize(medium.mimeType) : undefined;
    const kind = mediaContentKind(mimeType);
    const caption = items.length === 0 && body.text !== '' ? body.text : undefined;
    const id = items.length === 0 ? messageId : `${messageId}:media${n}`;
    items.push({
      ...base,
      messageId: id,
      content: {
        kind,
        mediaId: medium.url,
        ...(mimeType === undefined ? {} : { mimeType }),
        ...(caption === undefined ? {} : { caption }),
      },
      transcript: {
        direction: 'in',
        kind,
        text: caption ?? null,
        providerMessageId: id,
        data: { mediaUrl: medium.url, mimeType: mimeType ?? null, ...body.data },
      },
    });
  }
  if (items.length > 0) return items;
  return [
    {
      ...base,
      messageId,
      content: { kind: 'text', text: body.text },
      transcript: {
        direction: 'in',
        kind: 'text',
        text: body.text,
        providerMessageId: messageId,
        ...(body.data === undefined ? {} : { data: body.data }),
      },
    },
  ];
}

/**
 * The lead event for one SMS item: the same for the webhook routes and for reconciliation's replay of a
 * message the webhook missed (the lead's actor applies a given messageId once either way). `at` is when
 * Leadline accepted it (the injected clock), `sentAt` the provider's own time.
 */
export function smsMessageReceived(item: SmsInbound, at: string): MessageReceivedEvent {
  const cut = item.transcript.data?.['truncated'] === true;
  return {
    type: 'message.received',
    at,
    channel: 'sms',
    provider: item.provider,
    messageId: item.messageId,
    from: [{ type: 'phone', value: item.from }],
    to: item.to,
    sentAt: item.sentAt,
    content: item.content,
    ...(cut ? { truncated: [item.content.kind === 'text' ? 'text' : 'caption'] } : {}),
  };
}

/**
 * The dedupe key of one SMS item on the lead's stream (and its `Nats-Msg-Id`): `<provider>:<message id>`.
 * The webhook and reconciliation both derive it from the provider's id, so one message is one envelope.
 */
export function smsEnvelopeId(item: Pick<SmsInbound, 'provider' | 'messageId'>): string {
  return `${item.provider}:${item.messageId}`;
}

/** The envelope that puts one SMS item on its lead's ordered stream (lead id from studio + sender). */
export function smsEnvelope(studioId: string, item: SmsInbound, at: string, traceId?: string): Envelope {
  return {
    id: smsEnvelopeId(item),
    leadId: leadIdFor(studioId, item.from),
    actorType: 'lead',
    studioId,
    acceptedAt: at,
    ...(traceId === undefined ? {} : { traceId }),
    event: smsMessageReceived(item, at),
    transcript: item.transcript,
  };
}
