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
  text: string;
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
  const { value: text, truncated } = sanitizeField(input.text, 'text');
  const event: MessageReceivedEvent = {
    type: 'message.received',
    at,
    channel: input.channel,
    provider: 'leadline',
    messageId: input.messageId,
    from: [...input.from],
    ...(input.language === undefined ? {} : { language: input.language }),
    sentAt: at,
    content: { kind: 'text', text },
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
      kind: 'text',
      text,
      providerMessageId: input.messageId,
      data: {
        channel: input.channel,
        sessionId: input.sessionId,
        ...(truncated ? { truncated: true } : {}),
      },
    },
  };
}
