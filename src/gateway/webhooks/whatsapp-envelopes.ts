// A verified WhatsApp webhook payload → the envelopes to publish and the system events to record. Pure:
// the clock, the trace id and the studios are passed in. Routing needs no database: the studio comes from
// metadata.phone_number_id and the lead id is derived from the studio and the sender's number.
import type { Studio } from '../../studio/studio-schema.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import { maskPhone } from '../../observability/logger.ts';
import type { InboundContent } from '../../domain/lead-events.ts';
import { sanitizeField } from '../../domain/sanitize.ts';
import { emptyTranslation, leadEnvelopeBase, type Translation } from './lead-envelope.ts';
import { mapMessage } from './whatsapp-content.ts';
import {
  changeValueSchema,
  messageBaseSchema,
  statusSchema,
  type ChangeValue,
  type WebhookPayload,
} from './whatsapp-payload.ts';

export interface TranslateContext {
  studios: StudioRegistry;
  now: Date;
  traceId?: string;
}

export type { Translation } from './lead-envelope.ts';

export type WhatsappTranslation = Translation;

/** What an artist wrote, as text (a button's title, a caption), sanitised; null for media without words. */
export function artistText(content: InboundContent): string | null {
  const raw =
    content.kind === 'text'
      ? content.text
      : content.kind === 'interactive' || content.kind === 'button'
        ? content.title
        : 'caption' in content
          ? content.caption
          : undefined;
  return raw === undefined ? null : sanitizeField(raw, 'text').value;
}

const iso = (unixSeconds: string) => new Date(Number(unixSeconds) * 1000).toISOString();

const envelopeBase = (studio: Studio, phone: string, ctx: TranslateContext) =>
  leadEnvelopeBase(studio.id, phone, ctx);

function translateValue(
  studio: Studio,
  value: ChangeValue,
  ctx: TranslateContext,
  out: WhatsappTranslation,
): void {
  const at = ctx.now.toISOString();
  const phoneNumberId = value.metadata.phone_number_id;
  const names = new Map((value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
  for (const raw of value.messages ?? []) {
    const parsed = messageBaseSchema.safeParse(raw);
    if (!parsed.success) {
      out.rejected.push('invalid_message');
      out.events.push({
        level: 'warn',
        type: 'whatsapp.invalid_message',
        payload: { studioId: studio.id, issues: parsed.error.issues.slice(0, 5).map((i) => i.message) },
      });
      continue;
    }
    const message = parsed.data;
    const phone = `+${message.from}`;
    const artist = studio.artists.find((a) => a.whatsapp === phone);
    if (artist) {
      out.artistMessages.push({
        studioId: studio.id,
        artistId: artist.id,
        channel: 'whatsapp',
        messageId: message.id,
        sentAt: new Date(Number(message.timestamp) * 1000),
        text: artistText(mapMessage(message).content),
        ...(message.context?.id === undefined ? {} : { inReplyTo: message.context.id }),
      });
      continue;
    }
    if (studio.pilot && !studio.pilot.allowlist.includes(phone)) {
      out.rejected.push('pilot');
      out.events.push({
        level: 'info',
        type: 'pilot_mode.blocked',
        payload: { studioId: studio.id, phone: maskPhone(phone), messageId: message.id },
      });
      continue;
    }
    const { content, transcript } = mapMessage(message);
    const profileName = names.get(message.from);
    out.envelopes.push({
      id: `whatsapp:${message.id}`,
      ...envelopeBase(studio, phone, ctx),
      event: {
        type: 'message.received',
        at,
        channel: 'whatsapp',
        provider: 'meta',
        messageId: message.id,
        from: [{ type: 'phone', value: phone }],
        to: phoneNumberId,
        ...(profileName === undefined ? {} : { profileName }),
        sentAt: iso(message.timestamp),
        content,
      },
      transcript,
    });
  }
  const artists = new Set(studio.artists.map((a) => a.whatsapp));
  for (const raw of value.statuses ?? []) {
    const parsed = statusSchema.safeParse(raw);
    if (!parsed.success) {
      out.rejected.push('invalid_status');
      continue;
    }
    const status = parsed.data;
    const phone = `+${status.recipient_id}`;
    // Statuses of artist notifications: the artist is not a lead (and must not become one). A failed one
    // sends the notification on the artist's next channel (src/effects/action-links/artist-status.ts).
    if (artists.has(phone)) {
      if (status.status === 'failed')
        out.artistStatuses.push({
          studio,
          channel: 'whatsapp',
          messageId: status.id,
          ...(status.errors === undefined
            ? {}
            : {
                errors: status.errors.map((e) => ({ code: e.code, ...(e.title ? { title: e.title } : {}) })),
              }),
        });
      continue;
    }
    out.envelopes.push({
      id: `whatsapp-status:${status.id}:${status.status}`,
      ...envelopeBase(studio, phone, ctx),
      event: {
        type: 'message.status',
        at,
        channel: 'whatsapp',
        provider: 'meta',
        messageId: status.id,
        status: status.status,
        sentAt: iso(status.timestamp),
        ...(status.errors === undefined
          ? {}
          : { errors: status.errors.map((e) => ({ code: e.code, ...(e.title ? { title: e.title } : {}) })) }),
      },
    });
  }
}

export function translateWhatsappPayload(
  payload: WebhookPayload,
  ctx: TranslateContext,
): WhatsappTranslation {
  const out: WhatsappTranslation = emptyTranslation();
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = changeValueSchema.safeParse(change.value);
      if (!value.success) {
        out.rejected.push('invalid_change');
        out.events.push({ level: 'warn', type: 'whatsapp.invalid_change', payload: { field: change.field } });
        continue;
      }
      const phoneNumberId = value.data.metadata.phone_number_id;
      const studio = ctx.studios.byPhoneNumberId(phoneNumberId);
      if (!studio) {
        out.rejected.push('unknown_studio');
        out.events.push({
          level: 'warn',
          type: 'whatsapp.unknown_phone_number_id',
          payload: { phoneNumberId },
        });
        continue;
      }
      if (value.data.errors?.length) {
        out.events.push({
          level: 'warn',
          type: 'whatsapp.webhook_error',
          payload: { studioId: studio.id, errors: value.data.errors.slice(0, 10) },
        });
      }
      translateValue(studio, value.data, ctx, out);
    }
  }
  return out;
}
