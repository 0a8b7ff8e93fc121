// A message-API message as the envelope every channel's inbound message is: `message.received` on the
// lead's ordered stream, with the session it belongs to and the reply topic of the gateway that waits.
import type { Envelope } from '../domain/envelope.ts';
import type { Identifier, MessageReceivedEvent } from '../domain/lead-events.ts';
import { sanitizeField } from '../domain/sanitize.ts';
import type { SessionChannel } from '../sessions/session-store.ts';

export interface MessageEnvelopeInput {
  messageId: string;
  leadId: string;
  studioId: string;
  channel: SessionChannel;
  from: readonly Identifier[];
  /** The words; with an image, its caption (may be absent). */
  text: string | undefined;
  /** An uploaded image the message carries (media-uploads.ts). */
  image?: { mediaId: string; mimeType: string; sha256: string } | undefined;
  /** The user's language, when the request said it. */
  language?: string;
  sessionId: string;
  requestId: string;
  now: Date;
  traceId: string;
  replyTo: string;
}

export function envelopeIdOf(messageId: string): string {
  return `leadline:${messageId}`;
}

export function messageEnvelope(input: MessageEnvelopeInput): Envelope {
  const at = input.now.toISOString();
  const { value: text, truncated } = sanitizeField(input.text ?? '', 'text');
  const { image } = input;
  // An image is the same content a WhatsApp photo is, the words its caption: the qualify flow reads it
  // as a reference image, and the media pipeline copies it from the upload into the lead's attachments.
  const content: MessageReceivedEvent['content'] =
    image === undefined
      ? { kind: 'text', text }
      : { kind: 'image', ...image, ...(text === '' ? {} : { caption: text }) };
  const event: MessageReceivedEvent = {
    type: 'message.received',
    at,
    channel: input.channel,
    provider: 'leadline',
    messageId: input.messageId,
    from: [...input.from],
    ...(input.language === undefined ? {} : { language: input.language }),
    sentAt: at,
    content,
    session: { sessionId: input.sessionId, requestId: input.requestId },
    ...(truncated ? { truncated: ['text'] } : {}),
  };
  return {
    id: envelopeIdOf(input.messageId),
    leadId: input.leadId,
    actorType: 'lead',
    studioId: input.studioId,
    acceptedAt: at,
    traceId: input.traceId,
    replyTo: input.replyTo,
    event,
    transcript: {
      direction: 'in',
      kind: image === undefined ? 'text' : 'image',
      text: image === undefined || text !== '' ? text : null,
      providerMessageId: input.messageId,
      data: {
        ...(image === undefined ? {} : { mediaId: image.mediaId, mimeType: image.mimeType }),
        channel: input.channel,
        sessionId: input.sessionId,
        ...(truncated ? { truncated: true } : {}),
      },
    },
  };
}
