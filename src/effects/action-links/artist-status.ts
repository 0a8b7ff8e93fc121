// A `failed` status of a notification to an artist: WhatsApp's (Meta accepted it, then could not deliver
// it: outside the artist's window without a template, a number not on WhatsApp), or Twilio's / OpenPhone's
// `failed` / `undelivered` for an SMS. Artists are never leads, so the gateway does not route it by the
// artist's number: the notification's outbox row (found by the provider id the relay stored in its result)
// names the lead, and the lead's actor gets `artist.notify_failed` to send
// it again on the next channel of the artist's `notify` (same text, same links). With none left it is only
// recorded. Statuses other than `failed` concern no lead.
import type { Envelope } from '../../domain/envelope.ts';
import { artistNotifyEffectSchema } from '../../domain/effects.ts';
import type { Db } from '../../persistence/database.ts';
import type { SystemEventInput } from '../../persistence/system-events.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import { nextChannel } from '../handlers/artist-notify.ts';

export interface ArtistStatus {
  studio: Studio;
  /** The channel whose provider reported it. */
  channel: 'whatsapp' | 'sms';
  /** The provider's id of our notification (a wamid, a Twilio SID, an OpenPhone id). */
  messageId: string;
  errors?: { code: number | string; title?: string | undefined }[] | undefined;
}

export interface ArtistStatusOutcome {
  envelope?: Envelope;
  event: SystemEventInput;
}

function causeOf(status: ArtistStatus): string {
  const who = status.channel === 'whatsapp' ? 'WhatsApp' : 'the SMS provider';
  const error = status.errors?.[0];
  if (!error) return `${who} reported the message failed`;
  return `${who} reported the message failed (${error.code}${error.title ? `: ${error.title}` : ''})`;
}

/** Where the relay stored the provider's id of a notification sent on that channel. */
const ID_KEY = { whatsapp: 'wamid', sms: 'providerMessageId' } as const;

/** What a failed status of an artist notification leads to; undefined when it is not one of ours. */
export async function artistNotificationFailed(
  db: Db,
  status: ArtistStatus,
  ctx: { now: Date; traceId?: string },
): Promise<ArtistStatusOutcome | undefined> {
  const { studio } = status;
  const row = await db
    .selectFrom('outbox')
    .select(['id', 'lead_id', 'payload'])
    .where('kind', '=', 'effect.artist.notify')
    .where((eb) => eb(eb.ref('result', '->>').key(ID_KEY[status.channel]), '=', status.messageId))
    .where((eb) => eb(eb.ref('payload', '->>').key('studioId'), '=', studio.id))
    .executeTakeFirst();
  const effect = row ? artistNotifyEffectSchema.safeParse(row.payload) : undefined;
  if (!row || !effect?.success) return undefined;
  const notify = effect.data;
  const artist = studio.artists.find((a) => a.id === notify.artistId);
  const next = nextChannel(artist, status.channel);
  const cause = causeOf(status);
  const event: SystemEventInput = {
    at: ctx.now,
    level: next === undefined ? 'error' : 'warn',
    type: 'artist.notify_failed',
    leadId: row.lead_id,
    payload: {
      outboxId: row.id,
      artistId: notify.artistId,
      channel: status.channel,
      next: next ?? null,
      cause,
      ...(status.errors?.[0] ? { code: status.errors[0].code } : {}),
    },
  };
  if (next === undefined) return { event };
  const at = ctx.now.toISOString();
  return {
    event,
    envelope: {
      id: `artist-status:${status.messageId}:failed`,
      leadId: row.lead_id,
      actorType: 'lead',
      studioId: studio.id,
      acceptedAt: at,
      ...(ctx.traceId === undefined ? {} : { traceId: ctx.traceId }),
      event: {
        type: 'artist.notify_failed',
        at,
        outboxId: row.id,
        artistId: notify.artistId,
        reason: notify.reason,
        text: notify.text,
        withActionLinks: notify.withActionLinks,
        channel: status.channel,
        next,
        linksNonce: notify.linksNonce ?? row.id,
        cause,
      },
    },
  };
}
