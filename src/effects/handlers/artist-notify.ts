// effect.artist.notify → a WhatsApp message to the artist's own number, from the studio's number. For
// approvals the relay (which holds ACTION_LINK_SECRET; machines don't) adds signed approve/reject links.
// The outbox id is the links' nonce: a retried notification carries links for the same single decision.
//
// Meta delivers a free-form message only inside the artist's 24-hour window (the artist wrote to the studio
// number within `windowHours`, see artist_messages). Outside it, the studio's approved artist template goes
// instead: the text as its one body parameter and, for approvals, the two link tokens as its URL buttons'
// suffixes. A studio without those templates keeps the free-form message (and `config check` says so).
import type { OutboundMessage } from '../../domain/effects.ts';
import { fitText, OUTBOUND_TEXT_LIMIT } from '../../domain/sanitize.ts';
import type { Db } from '../../persistence/database.ts';
import type { StudioConfig } from '../../studio/studio-schema.ts';
import { actionLinkTokens } from '../action-links/action-token.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectHandler, EffectOf } from '../effect-handler.ts';
import type { SendFn } from '../sandbox/sandbox.ts';
import { markTranscriptSent } from '../transcript-sent.ts';

type Studio = StudioConfig['studios'][number];

export interface ArtistNotifyConfig {
  publicBaseUrl: string | undefined;
  actionLinkSecret: string | undefined;
  actionLinkTtlMs?: number;
}

const HOUR_MS = 3_600_000;
/** Meta refuses template parameters with newlines, tabs or runs of spaces; bodies are at most 1,024. */
const TEMPLATE_PARAM_MAX = 900;

/** Whether the artist wrote to the studio number within the studio's window (so free-form is delivered). */
export async function artistWindowOpen(
  db: Db,
  studio: Studio,
  artistId: string,
  now: Date,
): Promise<boolean> {
  const since = new Date(now.getTime() - studio.timings.windowHours * HOUR_MS);
  const row = await db
    .selectFrom('artist_messages')
    .select('sent_at')
    .where('studio_id', '=', studio.id)
    .where('artist_id', '=', artistId)
    .where('channel', '=', 'whatsapp')
    .where('sent_at', '>', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A notification's text as one template body parameter. */
export function templateParam(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= TEMPLATE_PARAM_MAX ? line : `${line.slice(0, TEMPLATE_PARAM_MAX - 1)}…`;
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
      const { studio, effect } = ctx;
      const artist = studio.artists.find((a) => a.id === effect.artistId) ?? studio.artists[0];
      if (!artist) throw permanent(`studio ${studio.id} has no artist`, { reason: 'invalid' });
      let tokens: { approve: string; reject: string } | undefined;
      if (effect.withActionLinks) {
        if (!config.publicBaseUrl || !config.actionLinkSecret)
          throw permanent('PUBLIC_BASE_URL and ACTION_LINK_SECRET are needed for action links', {
            reason: 'not_configured',
          });
        tokens = actionLinkTokens({
          leadId: ctx.leadId,
          secret: config.actionLinkSecret,
          now: ctx.now,
          nonce: ctx.outboxId,
          ...(config.actionLinkTtlMs === undefined ? {} : { ttlMs: config.actionLinkTtlMs }),
        });
      }
      const template = tokens ? studio.templates.artistApproval : studio.templates.artistUpdate;
      const useTemplate = template !== undefined && !(await artistWindowOpen(db, studio, artist.id, ctx.now));
      const message: OutboundMessage = useTemplate
        ? {
            kind: 'template',
            name: template,
            language: studio.language,
            params: [templateParam(effect.text)],
            ...(tokens ? { buttons: [tokens.approve, tokens.reject] } : {}),
          }
        : {
            kind: 'text',
            text: withLinks(effect.text, tokens, config.publicBaseUrl),
            // A link preview is a fetch of the link; the page does not act on GET, but no preview is safer.
            previewUrl: false,
          };
      const delivery = await send(
        { studioId: studio.id, leadId: ctx.leadId, outboxId: ctx.outboxId },
        studio.whatsapp.phoneNumberId,
        artist.whatsapp,
        message,
      );
      await markTranscriptSent(db, ctx.outboxId, delivery);
      return {
        result: {
          wamid: delivery.providerMessageId,
          deliveryStatus: delivery.deliveryStatus,
          artistId: artist.id,
          ...(useTemplate ? { template } : {}),
        },
      };
    },
  };
}

function withLinks(
  text: string,
  tokens: { approve: string; reject: string } | undefined,
  publicBaseUrl: string | undefined,
): string {
  if (!tokens || publicBaseUrl === undefined) return fitText(text);
  const base = publicBaseUrl.replace(/\/+$/, '');
  // The links always fit: a long request (a lead's long answers) is cut before them, not they.
  const links = `\n\nApprove: ${base}/a/${tokens.approve}\nReject: ${base}/a/${tokens.reject}`;
  return `${fitText(text, OUTBOUND_TEXT_LIMIT - links.length)}${links}`;
}
