// Shapes written by versions before the channel-neutral core, and their upcasts to today's names. During an
// upgrade, envelopes of the WhatsApp-only event types may still sit in a NATS stream, the single-node inbox,
// a parked retry, a dead letter or an outbox row's stored feedback; and pending outbox rows may still hold
// `effect.whatsapp.send` (the SQL migration rewrites the rows present at upgrade; an old worker still
// running during a rolling upgrade may write more). Each is upcast where it is decoded, so the machine and
// the relay only ever see the current vocabulary. Pure; anything that is not a legacy shape passes through.
import { z } from 'zod';

const at = z.iso.datetime({ offset: true });

const legacyWhatsappMessageSchema = z.looseObject({
  type: z.literal('whatsapp.message'),
  at,
  messageId: z.string().min(1),
  from: z.string().min(1),
  profileName: z.string().optional(),
  sentAt: at,
  content: z.unknown(),
});

const legacyWhatsappStatusSchema = z.looseObject({
  type: z.literal('whatsapp.status'),
  at,
  messageId: z.string().min(1),
  status: z.string(),
  sentAt: at,
  errors: z.unknown().optional(),
});

const legacySendFailedSchema = z.looseObject({
  type: z.literal('whatsapp.send_failed'),
  at,
  outboxId: z.string(),
  code: z.number().int().nullable(),
  reason: z.string(),
  outsideWindow: z.boolean(),
});

const legacyWhatsappSendSchema = z.looseObject({
  type: z.literal('effect.whatsapp.send'),
  studioId: z.string(),
  to: z.string(),
});

const WHATSAPP = { channel: 'whatsapp', provider: 'meta' } as const;

const LEGACY_EVENT_TYPES: ReadonlySet<unknown> = new Set([
  'whatsapp.message',
  'whatsapp.status',
  'whatsapp.send_failed',
]);

/** A lead event of an earlier version, in today's vocabulary; anything else unchanged. */
export function upcastLeadEvent(event: unknown): unknown {
  // Every envelope comes through here: today's events leave after one lookup, without a parse.
  if (
    typeof event !== 'object' ||
    event === null ||
    !LEGACY_EVENT_TYPES.has((event as { type?: unknown }).type)
  ) {
    return event;
  }
  const message = legacyWhatsappMessageSchema.safeParse(event);
  if (message.success) {
    const { type: _type, from, ...rest } = message.data;
    return { ...rest, type: 'message.received', ...WHATSAPP, from: [{ type: 'phone', value: from }] };
  }
  const status = legacyWhatsappStatusSchema.safeParse(event);
  if (status.success) return { ...status.data, type: 'message.status', ...WHATSAPP };
  const failed = legacySendFailedSchema.safeParse(event);
  if (failed.success) {
    return { ...failed.data, type: 'message.send_failed', channel: 'whatsapp', recipientOptedOut: false };
  }
  return event;
}

/** An envelope (any object with an `event`) whose event is upcast; anything else unchanged. */
export function upcastEnvelope(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || !('event' in raw)) return raw;
  const upcast = upcastLeadEvent(raw.event);
  return upcast === raw.event ? raw : { ...raw, event: upcast };
}

/** An outbox payload of an earlier version (`effect.whatsapp.send`) as `effect.message.send`. */
export function upcastEffect(payload: unknown): unknown {
  const legacy = legacyWhatsappSendSchema.safeParse(payload);
  if (!legacy.success) return payload;
  return { ...legacy.data, type: 'effect.message.send', channel: 'whatsapp' };
}
