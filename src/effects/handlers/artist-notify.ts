// effect.artist.notify → the artist, on the channel the effect names or else the first of the artist's
// `notify` list: WhatsApp from the studio's number, SMS from the studio's first SMS number (to the artist's
// `sms`, else their WhatsApp number), or email to `artists[].email` (email-sender.ts). For approvals the
// relay (which holds ACTION_LINK_SECRET; machines don't) adds signed approve/reject links whose nonce is
// the first notification's outbox id: a retry, and a fallback on another channel, carry links for the same
// single decision.
//
// A send that fails for good (permanent, or out of attempts) is `artist.notify_failed` for the lead's actor
// when the artist's `notify` has a next channel: the actor sends it again there (same text, same nonce), once
// per channel: a notification already sent on a channel is not sent on it again.
//
// Meta delivers a free-form message only inside the artist's 24-hour window (the artist wrote to the studio
// number within `windowHours`, see artist_messages). Outside it, the studio's approved artist template goes
// instead (artist-whatsapp.ts). A studio without those templates keeps the free-form message.
import { sql } from 'kysely';
import type { ArtistChannel } from '../../domain/lead-events.ts';
import type { Db } from '../../persistence/database.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { actionLinkTokens } from '../action-links/action-token.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectContext, EffectFailure, EffectHandler, EffectOf } from '../effect-handler.ts';
import { artistSends, type ActionLinks, type ArtistSenders } from './artist-channels.ts';

export { artistWindowOpen, templateParam } from './artist-whatsapp.ts';

type NotifyEffect = EffectOf<'effect.artist.notify'>;
type Artist = Studio['artists'][number];

export interface ArtistNotifyConfig {
  publicBaseUrl: string | undefined;
  actionLinkSecret: string | undefined;
  actionLinkTtlMs?: number;
}

function artistOf(ctx: EffectContext<NotifyEffect>): Artist | undefined {
  return ctx.studio.artists.find((a) => a.id === ctx.effect.artistId) ?? ctx.studio.artists[0];
}

/** The channel this notification goes on: the one named (a fallback), else the artist's first. */
export function notifyChannel(ctx: EffectContext<NotifyEffect>): ArtistChannel {
  return ctx.effect.channel ?? artistOf(ctx)?.notify[0] ?? 'whatsapp';
}

/** The channel after `channel` in the artist's `notify`, if any. */
export function nextChannel(artist: Artist | undefined, channel: ArtistChannel): ArtistChannel | undefined {
  if (!artist) return undefined;
  const at = artist.notify.indexOf(channel);
  return at === -1 ? undefined : artist.notify[at + 1];
}

/** Whether another row of this notification (same nonce) already went out on `channel`. */
async function sentBefore(db: Db, ctx: EffectContext<NotifyEffect>, nonce: string, channel: string) {
  const row = await db
    .selectFrom('outbox')
    .select('id')
    .where('lead_id', '=', ctx.leadId)
    .where('kind', '=', 'effect.artist.notify')
    .where('status', '=', 'done')
    .where('id', '!=', ctx.outboxId)
    .where(sql<boolean>`(id::text = ${nonce} or payload->>'linksNonce' = ${nonce})`)
    .where(sql<boolean>`result->>'channel' = ${channel} and result->>'skipped' is null`)
    .executeTakeFirst();
  return row?.id;
}

function linksFor(
  ctx: EffectContext<NotifyEffect>,
  config: ArtistNotifyConfig,
  nonce: string,
): ActionLinks | undefined {
  if (!ctx.effect.withActionLinks) return undefined;
  if (!config.publicBaseUrl || !config.actionLinkSecret)
    throw permanent('PUBLIC_BASE_URL and ACTION_LINK_SECRET are needed for action links', {
      reason: 'not_configured',
    });
  const tokens = actionLinkTokens({
    leadId: ctx.leadId,
    secret: config.actionLinkSecret,
    now: ctx.now,
    nonce,
    ...(config.actionLinkTtlMs === undefined ? {} : { ttlMs: config.actionLinkTtlMs }),
  });
  return { tokens, base: config.publicBaseUrl.replace(/\/+$/, '') };
}

export function artistNotifyHandler(
  db: Db,
  senders: ArtistSenders,
  config: ArtistNotifyConfig,
): EffectHandler<NotifyEffect> {
  const sends = artistSends(db, senders);
  const on = (ctx: EffectContext<NotifyEffect>) => sends[notifyChannel(ctx)];
  return {
    provider: 'whatsapp',
    rateLimitKey: (ctx) => on(ctx).rateLimitKey(ctx.studio),
    ratePerSecond: (ctx) => on(ctx).ratePerSecond(ctx.studio),
    breakerKey: (ctx) => on(ctx).breakerKey(ctx.studio),
    async execute(ctx) {
      const artist = artistOf(ctx);
      if (!artist) throw permanent(`studio ${ctx.studio.id} has no artist`, { reason: 'invalid' });
      const channel = notifyChannel(ctx);
      const nonce = ctx.effect.linksNonce ?? ctx.outboxId;
      if (ctx.effect.linksNonce !== undefined) {
        const earlier = await sentBefore(db, ctx, nonce, channel);
        if (earlier !== undefined)
          return { result: { channel, artistId: artist.id, skipped: 'already_sent', duplicateOf: earlier } };
      }
      const sent = await sends[channel].send(ctx, artist, linksFor(ctx, config, nonce));
      return { result: { channel, artistId: artist.id, ...sent } };
    },
    onFailure(ctx, error): Promise<EffectFailure> {
      const artist = artistOf(ctx);
      const channel = notifyChannel(ctx);
      const next = nextChannel(artist, channel);
      const payload = { artistId: ctx.effect.artistId, channel, next: next ?? null };
      if (next === undefined || !artist)
        return Promise.resolve({ systemEvent: { level: 'error', type: 'artist.notify_failed', payload } });
      return Promise.resolve({
        systemEvent: { level: 'warn', type: 'artist.notify_failed', payload },
        feedback: {
          type: 'artist.notify_failed',
          artistId: artist.id,
          reason: ctx.effect.reason,
          text: ctx.effect.text,
          withActionLinks: ctx.effect.withActionLinks,
          channel,
          next,
          linksNonce: ctx.effect.linksNonce ?? ctx.outboxId,
          cause: error.message.slice(0, 500),
        },
      });
    },
  };
}
