// What every provider webhook produces: envelopes for the leads it names and the system events to record,
// and the fields an inbound envelope of a studio's lead shares (its id derived from studio and phone, so
// the gateway routes without the database and one phone is one lead per studio on every channel:
// src/identity/resolve-lead.ts).
import type { Envelope } from '../../domain/envelope.ts';
import type { ArtistMessage } from '../../effects/action-links/artist-reply.ts';
import type { ArtistStatus } from '../../effects/action-links/artist-status.ts';
import { leadIdForPhone } from '../../identity/resolve-lead.ts';
import type { SystemEventInput } from '../../persistence/system-events.ts';

export interface Translation {
  envelopes: Envelope[];
  events: SystemEventInput[];
  /** Rejection reasons for the metrics (one per item not published). */
  rejected: string[];
  /** Messages from the studio's own artists: never a lead's, recorded as artist messages instead. */
  artistMessages: ArtistMessage[];
  /** `failed` statuses of notifications to artists: the notification goes on its next channel. */
  artistStatuses: ArtistStatus[];
}

export const emptyTranslation = (): Translation => ({
  envelopes: [],
  events: [],
  rejected: [],
  artistMessages: [],
  artistStatuses: [],
});

export function leadEnvelopeBase(studioId: string, phone: string, ctx: { now: Date; traceId?: string }) {
  return {
    leadId: leadIdForPhone(studioId, phone),
    actorType: 'lead' as const,
    studioId,
    acceptedAt: ctx.now.toISOString(),
    ...(ctx.traceId === undefined ? {} : { traceId: ctx.traceId }),
  };
}
