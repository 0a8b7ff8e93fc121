// effect.artist.notify → a WhatsApp text to the artist's own number, from the studio's number. For
// approvals the relay (which holds ACTION_LINK_SECRET; machines don't) appends signed approve/reject links.
// The outbox id is the links' nonce: a retried notification carries links for the same single decision.
import type { OutboundMessage } from '../../domain/effects.ts';
import type { Db } from '../../persistence/database.ts';
import { actionLinks } from '../action-links/action-token.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import type { SendFn } from '../sandbox/sandbox.ts';
import { markTranscriptSent } from './whatsapp-send.ts';

export interface ArtistNotifyConfig {
  publicBaseUrl: string | undefined;
  actionLinkSecret: string | undefined;
  actionLinkTtlMs?: number;
}

export function artistNotifyHandler(
  db: Db,
  send: SendFn<OutboundMessage>,
  config: ArtistNotifyConfig,
): EffectHandler<EffectOf<'effect.artist.notify'>> {
  return {
    provider: 'whatsapp',
    rateLimitKey: (ctx) => `whatsapp:${ctx.studio.whatsapp.phoneNumberId}`,
    async execute(ctx) {
      const artist = ctx.studio.artists.find((a) => a.id === ctx.effect.artistId) ?? ctx.studio.artists[0];
      if (!artist) throw permanent(`studio ${ctx.studio.id} has no artist`, { reason: 'invalid' });
      let text = ctx.effect.text;
      if (ctx.effect.withActionLinks) {
        if (!config.publicBaseUrl || !config.actionLinkSecret)
          throw permanent('PUBLIC_BASE_URL and ACTION_LINK_SECRET are needed for action links', {
            reason: 'not_configured',
          });
        const links = actionLinks({
          leadId: ctx.leadId,
          baseUrl: config.publicBaseUrl,
          secret: config.actionLinkSecret,
          now: ctx.now,
          nonce: ctx.outboxId,
          ...(config.actionLinkTtlMs === undefined ? {} : { ttlMs: config.actionLinkTtlMs }),
        });
        text = `${text}\n\nApprove: ${links.approve}\nReject: ${links.reject}`;
      }
      const delivery = await send(
        { studioId: ctx.studio.id, leadId: ctx.leadId, outboxId: ctx.outboxId },
        ctx.studio.whatsapp.phoneNumberId,
        artist.whatsapp,
        {
          kind: 'text',
          text: text.slice(0, 4096),
          // A link preview is a fetch of the link; the page does not act on GET, but no preview is safer still.
          previewUrl: false,
        },
      );
      await markTranscriptSent(db, ctx.outboxId, delivery);
      return {
        result: {
          wamid: delivery.providerMessageId,
          deliveryStatus: delivery.deliveryStatus,
          artistId: artist.id,
        },
      };
    },
  };
}
