// One Meta message → the provider-neutral inbound content of lead-events.ts and the transcript entry the
// host writes with it. Unknown or malformed bodies of a known type become `unsupported`: kept and
// acknowledged, never an error.
import type { InboundContent } from '../../domain/lead-events.ts';
import type { MessageKind, TranscriptEntry } from '../../domain/transcript.ts';
import { messageBodies, type MediaBody, type MessageBase } from './whatsapp-payload.ts';

export interface MappedMessage {
  content: InboundContent;
  transcript: TranscriptEntry;
}

const MEDIA = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaKind = (typeof MEDIA)[number];

function entry(kind: MessageKind, text: string | null, message: MessageBase, data?: Record<string, unknown>) {
  return {
    direction: 'in' as const,
    kind,
    text,
    providerMessageId: message.id,
    ...(data === undefined ? {} : { data }),
  };
}

function mapMedia(kind: MediaKind, message: MessageBase): MappedMessage | undefined {
  const parsed = messageBodies[kind].safeParse(message);
  if (!parsed.success) return undefined;
  const m = (parsed.data as Record<string, unknown> as Record<MediaKind, MediaBody>)[kind];
  const content: InboundContent = {
    kind,
    mediaId: m.id,
    ...(m.mime_type === undefined ? {} : { mimeType: m.mime_type }),
    ...(m.sha256 === undefined ? {} : { sha256: m.sha256 }),
    ...(m.caption === undefined ? {} : { caption: m.caption }),
    ...(m.filename === undefined ? {} : { filename: m.filename }),
  };
  return {
    content,
    transcript: entry(kind, m.caption ?? null, message, { mediaId: m.id, mimeType: m.mime_type ?? null }),
  };
}

function unsupported(message: MessageBase, kind: MessageKind = 'unsupported', text: string | null = null) {
  return {
    content: { kind: 'unsupported' as const, rawType: message.type },
    transcript: entry(kind, text, message, { rawType: message.type }),
  };
}

function mapKnown(message: MessageBase): MappedMessage | undefined {
  switch (message.type) {
    case 'text': {
      const p = messageBodies.text.safeParse(message);
      return p.success
        ? {
            content: { kind: 'text', text: p.data.text.body },
            transcript: entry('text', p.data.text.body, message),
          }
        : undefined;
    }
    case 'location': {
      const p = messageBodies.location.safeParse(message);
      if (!p.success) return undefined;
      const { latitude, longitude, name, address } = p.data.location;
      const text = [name, address].filter((s) => s !== undefined).join(', ') || `${latitude},${longitude}`;
      return {
        content: {
          kind: 'location',
          latitude,
          longitude,
          ...(name === undefined ? {} : { name }),
          ...(address === undefined ? {} : { address }),
        },
        transcript: entry('location', text, message, { latitude, longitude }),
      };
    }
    case 'contacts': {
      const p = messageBodies.contacts.safeParse(message);
      if (!p.success) return undefined;
      const names = p.data.contacts.flatMap((c) => (c.name ? [c.name.formatted_name] : []));
      return {
        content: { kind: 'contacts', names },
        transcript: entry('contacts', names.join(', '), message),
      };
    }
    case 'interactive': {
      const p = messageBodies.interactive.safeParse(message);
      if (!p.success) return undefined;
      const i = p.data.interactive;
      const r = i.type === 'button_reply' ? i.button_reply : i.list_reply;
      return {
        content: { kind: 'interactive', id: r.id, title: r.title },
        transcript: entry('interactive', r.title, message, { id: r.id }),
      };
    }
    case 'button': {
      const p = messageBodies.button.safeParse(message);
      if (!p.success) return undefined;
      const { payload, text } = p.data.button;
      return {
        content: { kind: 'button', id: payload, title: text },
        transcript: entry('button', text, message, { id: payload }),
      };
    }
    case 'reaction': {
      const p = messageBodies.reaction.safeParse(message);
      if (!p.success) return undefined;
      const { emoji = '', message_id } = p.data.reaction;
      return {
        content: { kind: 'reaction', emoji, messageId: message_id },
        transcript: entry('reaction', emoji, message, { messageId: message_id }),
      };
    }
    case 'system': {
      // e.g. "user changed number": no contacts block, nothing for the conversation to answer.
      const p = messageBodies.system.safeParse(message);
      return unsupported(message, 'system', p.success ? (p.data.system.body ?? null) : null);
    }
    default:
      return (MEDIA as readonly string[]).includes(message.type)
        ? mapMedia(message.type as MediaKind, message)
        : undefined;
  }
}

export function mapMessage(message: MessageBase): MappedMessage {
  return mapKnown(message) ?? unsupported(message);
}
