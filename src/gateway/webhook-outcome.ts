// The two ends of every signed provider webhook: a signature that does not verify is counted, recorded as
// `<provider>.signature_verification_failure` and refused with the provider's status, nothing published;
// a verified one has its envelopes durably accepted and its system events recorded before the answer.
import { recordArtistMessage } from '../effects/action-links/artist-reply.ts';
import { artistNotificationFailed } from '../effects/action-links/artist-status.ts';
import { recordEdgeEvents } from './edge-events.ts';
import { GatewayError, type ErrorCode } from './errors.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import { publishAccepted, type InboundSource } from './publish.ts';
import type { Translation } from './webhooks/lead-envelope.ts';

type Deps = Pick<GatewayDeps, 'db' | 'bus' | 'metrics'>;

export async function refuseSignature(
  deps: Deps,
  source: InboundSource,
  code: ErrorCode,
  payload: { reason: string } & Record<string, unknown>,
): Promise<never> {
  deps.metrics.inboundRejected.inc({ source, reason: 'signature' });
  await recordEdgeEvents(deps.db, [
    { level: 'warn', type: `${source}.signature_verification_failure`, payload },
  ]);
  throw new GatewayError(code, { details: { reason: payload.reason } });
}

export async function acceptTranslation(
  deps: Deps,
  source: InboundSource,
  translation: Translation,
  traceId?: string,
): Promise<void> {
  for (const reason of translation.rejected) deps.metrics.inboundRejected.inc({ source, reason });
  // Artists are never leads, on any channel: what they write is kept, and "approve"/"reject" acts.
  for (const message of translation.artistMessages) {
    const outcome = await recordArtistMessage({
      db: deps.db,
      bus: deps.bus,
      message,
      now: new Date(),
      ...(traceId === undefined ? {} : { traceId }),
    });
    if (outcome.kind === 'accepted' || outcome.kind === 'already_decided')
      translation.events.push({
        level: 'info',
        type: `artist.reply_${outcome.kind}`,
        leadId: outcome.leadId,
        payload: {
          studioId: message.studioId,
          artistId: message.artistId,
          channel: message.channel,
          action: outcome.action,
        },
      });
  }
  for (const status of translation.artistStatuses) {
    const outcome = await artistNotificationFailed(deps.db, status, {
      now: new Date(),
      ...(traceId === undefined ? {} : { traceId }),
    });
    if (!outcome) continue;
    translation.events.push(outcome.event);
    if (outcome.envelope) translation.envelopes.push(outcome.envelope);
  }
  await publishAccepted(deps, source, translation.envelopes);
  await recordEdgeEvents(deps.db, translation.events);
}
