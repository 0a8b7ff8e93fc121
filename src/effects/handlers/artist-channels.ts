// The three ways an artist notification goes out (artist-notify.ts picks one): each says how it is paced
// and which circuit it counts against, and sends. SMS leaves from the studio's first SMS number (its
// provider's pace and circuit, as a lead's SMS would); email goes through SMTP with no pacing of ours.
import { DEFAULT_SMS_PER_SECOND } from '../../channels/sms/sms-adapter.ts';
import type { OutboundMessage } from '../../domain/effects.ts';
import { fitText } from '../../domain/sanitize.ts';
import type { Db } from '../../persistence/database.ts';
import type { SmsNumber, Studio } from '../../studio/studio-schema.ts';
import type { ArtistChannel } from '../../domain/lead-events.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectContext, EffectOf } from '../effect-handler.ts';
import type { EmailMessage } from '../email/email-sender.ts';
import type { SendFn } from '../sandbox/sandbox.ts';
import { artistWhatsappMessage, linkLines } from './artist-whatsapp.ts';
import { markTranscriptSent } from '../transcript-sent.ts';

type Artist = Studio['artists'][number];
type Ctx = EffectContext<EffectOf<'effect.artist.notify'>>;

export interface ActionLinks {
  tokens: { approve: string; reject: string };
  /** PUBLIC_BASE_URL without its trailing slash. */
  base: string;
}

export interface ArtistSenders {
  whatsapp: SendFn<OutboundMessage>;
  sms: Record<SmsNumber['provider'], SendFn<string>>;
  email: SendFn<EmailMessage>;
  /** EMAIL_FROM (or the sandbox's placeholder). */
  emailFrom: string;
}

export interface ArtistSend {
  rateLimitKey(studio: Studio): string | undefined;
  ratePerSecond(studio: Studio): number | undefined;
  breakerKey(studio: Studio): string;
  send(ctx: Ctx, artist: Artist, links: ActionLinks | undefined): Promise<Record<string, unknown>>;
}

/** An artist's SMS stays short: the summary is cut to this before the links. */
const SMS_SUMMARY_MAX = 300;

function smsNumber(studio: Studio): SmsNumber | undefined {
  return studio.sms?.[0];
}

/** The SMS text: the studio, the lead summary on one line (cut), then the links. */
export function artistSmsText(studio: Studio, text: string, links: ActionLinks | undefined): string {
  const summary = fitText(`${studio.name}: ${text.replace(/\s+/g, ' ').trim()}`, SMS_SUMMARY_MAX);
  return links ? `${summary}\n${linkLines(links)}` : summary;
}

const SUBJECTS: Record<string, string> = {
  approval: 'a tattoo request to approve',
  handover: 'a lead asks for a person',
  needs_human: 'a lead needs a person',
  booked: 'a booking',
  info: 'an update',
};

export function artistEmail(studio: Studio, reason: string, text: string, links?: ActionLinks): EmailMessage {
  const subject = `${studio.name}: ${SUBJECTS[reason] ?? 'an update'}`;
  return { subject, text: links ? `${text}\n\n${linkLines(links)}\n` : `${text}\n` };
}

export function artistSends(db: Db, senders: ArtistSenders): Record<ArtistChannel, ArtistSend> {
  const context = (ctx: Ctx) => ({ studioId: ctx.studio.id, leadId: ctx.leadId, outboxId: ctx.outboxId });
  return {
    whatsapp: {
      rateLimitKey: (studio) => `whatsapp:${studio.whatsapp.phoneNumberId}`,
      ratePerSecond: () => undefined,
      breakerKey: () => 'whatsapp',
      async send(ctx, artist, links) {
        const { message, template } = await artistWhatsappMessage(db, ctx.studio, {
          artistId: artist.id,
          text: ctx.effect.text,
          links,
          now: ctx.now,
        });
        const delivery = await senders.whatsapp(
          context(ctx),
          ctx.studio.whatsapp.phoneNumberId,
          artist.whatsapp,
          message,
        );
        await markTranscriptSent(db, ctx.outboxId, delivery);
        return {
          wamid: delivery.providerMessageId,
          deliveryStatus: delivery.deliveryStatus,
          ...(template === undefined ? {} : { template }),
        };
      },
    },
    sms: {
      rateLimitKey: (studio) => {
        const number = smsNumber(studio);
        return number && `sms:${number.provider}:${number.number}`;
      },
      ratePerSecond: (studio) => smsNumber(studio)?.messagesPerSecond ?? DEFAULT_SMS_PER_SECOND,
      breakerKey: (studio) => {
        const number = smsNumber(studio);
        return number ? `${number.provider}:${number.number}` : 'sms';
      },
      async send(ctx, artist, links) {
        const number = smsNumber(ctx.studio);
        if (!number)
          throw permanent(`studio ${ctx.studio.id} has no SMS number`, { reason: 'not_configured' });
        const from = number.provider === 'openphone' ? number.phoneNumberId : number.number;
        const to = artist.sms ?? artist.whatsapp;
        const delivery = await senders.sms[number.provider](
          context(ctx),
          from,
          to,
          artistSmsText(ctx.studio, ctx.effect.text, links),
        );
        return {
          provider: number.provider,
          from: number.number,
          providerMessageId: delivery.providerMessageId,
          deliveryStatus: delivery.deliveryStatus,
        };
      },
    },
    email: {
      rateLimitKey: () => undefined,
      ratePerSecond: () => undefined,
      breakerKey: () => 'email',
      async send(ctx, artist, links) {
        if (artist.email === undefined)
          throw permanent(`artist ${artist.id} has no email`, { reason: 'not_configured' });
        const delivery = await senders.email(
          context(ctx),
          senders.emailFrom,
          artist.email,
          artistEmail(ctx.studio, ctx.effect.reason, ctx.effect.text, links),
        );
        return { messageId: delivery.providerMessageId, deliveryStatus: delivery.deliveryStatus };
      },
    },
  };
}
