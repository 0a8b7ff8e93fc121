// A verified OpenPhone (Quo) webhook event → channel-neutral SMS items or a delivery status. Pure.
// Legacy shape: {"id":"EV…","object":"event","type":"message.received"|"message.delivered",
// "data":{"object":{"id":"AC…","from","to","direction","text","status","createdAt","phoneNumberId",
// "media"?:[{url,type}]}}}; the 2026-03-30 shape puts the message at `data.resource`. Older versions used
// `body` for the text and some send `to` as an array: both are read. A message from a sender that is not
// an E.164 number is `invalid_sender` (acknowledged and recorded by the route, never a lead).
import { z } from 'zod';
import { sanitize } from '../../domain/sanitize.ts';
import { e164, smsItems, type InvalidSender, type SmsInbound } from './sms-inbound.ts';
import type { SmsDeliveryStatus } from './twilio-status.ts';

const messageSchema = z.looseObject({
  id: z.string().min(1).max(256),
  // Required of an inbound message (checked below); a delivery may name only the message id.
  from: z.string().optional(),
  to: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  direction: z.enum(['incoming', 'outgoing']).optional(),
  text: z.string().nullish(),
  body: z.string().nullish(),
  status: z.string().optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
  phoneNumberId: z.string().max(256).nullish(),
  // Quo's message object has `media: [{url, type}]`; some webhook versions are reported to send bare URLs.
  media: z
    .array(z.union([z.string(), z.looseObject({ url: z.string(), type: z.string().nullish() })]))
    .max(10)
    .nullish(),
});

export const openphoneEventSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string().min(1).max(100),
  createdAt: z.string().optional(),
  data: z.looseObject({ object: z.unknown().optional(), resource: z.unknown().optional() }),
});

export interface OpenphoneStatus {
  messageId: string;
  status: SmsDeliveryStatus;
  /** The lead our message went to, and our number. */
  to?: string;
  from?: string;
  phoneNumberId?: string;
}

export type OpenphoneEventResult =
  | { ok: true; kind: 'inbound'; to: string; phoneNumberId?: string; items: SmsInbound[] }
  | { ok: true; kind: 'status'; value: OpenphoneStatus }
  | { ok: false; reason: 'invalid_event' | 'ignored'; detail: string }
  | { ok: false; reason: 'invalid_sender'; sender: InvalidSender };

const STATUS: Readonly<Record<string, SmsDeliveryStatus>> = {
  queued: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
};

const firstTo = (to: string | string[] | undefined) => (Array.isArray(to) ? to[0] : to);

export function parseOpenphoneEvent(body: unknown, now: Date): OpenphoneEventResult {
  const event = openphoneEventSchema.safeParse(body);
  if (!event.success) return { ok: false, reason: 'invalid_event', detail: 'not an OpenPhone event' };
  const { type } = event.data;
  if (type !== 'message.received' && type !== 'message.delivered')
    return { ok: false, reason: 'ignored', detail: `event type ${sanitize(type)}` };
  const parsed = messageSchema.safeParse(event.data.data.object ?? event.data.data.resource);
  if (!parsed.success)
    return { ok: false, reason: 'invalid_event', detail: parsed.error.issues[0]?.message ?? 'bad message' };
  const m = parsed.data;
  const from = e164(m.from);
  const to = e164(firstTo(m.to));
  const phoneNumberId = m.phoneNumberId ? sanitize(m.phoneNumberId, 'id') : undefined;
  const messageId = sanitize(m.id, 'id');

  if (type === 'message.delivered')
    return {
      ok: true,
      kind: 'status',
      value: {
        messageId,
        status: STATUS[m.status ?? 'delivered'] ?? 'delivered',
        ...(to === undefined ? {} : { to }),
        ...(from === undefined ? {} : { from }),
        ...(phoneNumberId === undefined ? {} : { phoneNumberId }),
      },
    };

  if (from === undefined && to !== undefined) {
    const sender = { messageId, to, from: m.from, ...(phoneNumberId === undefined ? {} : { phoneNumberId }) };
    return { ok: false, reason: 'invalid_sender', sender };
  }
  if (from === undefined || to === undefined)
    return { ok: false, reason: 'invalid_event', detail: 'from/to: expected E.164 numbers' };
  const sentAt = m.createdAt ? new Date(m.createdAt).toISOString() : now.toISOString();
  const media = (m.media ?? []).map((x) =>
    typeof x === 'string' ? { url: x } : { url: x.url, mimeType: x.type ?? undefined },
  );
  const items = smsItems(
    { provider: 'openphone', from, to, sentAt },
    messageId,
    m.text ?? m.body ?? '',
    media,
  );
  return { ok: true, kind: 'inbound', to, ...(phoneNumberId === undefined ? {} : { phoneNumberId }), items };
}
