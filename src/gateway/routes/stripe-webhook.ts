// POST /webhooks/stripe: `Stripe-Signature` verified with stripe.webhooks.constructEvent over the raw body
// (300 s tolerance, so a replayed old request fails); checkout sessions are routed to the lead named in
// metadata.lead_id. Stripe redelivers for days: the envelope id `stripe:<event id>` makes that harmless.
import type { FastifyPluginCallback } from 'fastify';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Envelope } from '../../domain/envelope.ts';
import { isSubjectToken } from '../../domain/ids.ts';
import { findLead } from '../../persistence/queries/leads.ts';
import type { SystemEventInput } from '../../persistence/system-events.ts';
import { recordEdgeEvents } from '../edge-events.ts';
import { GatewayError } from '../errors.ts';
import type { WebhookDeps } from '../gateway-deps.ts';
import { keepRawJsonBody, rawBodyOf } from '../plugins/raw-body.ts';
import { publishAccepted } from '../publish.ts';
import {
  HANDLED_TYPES,
  checkoutLeadEvent,
  checkoutSessionSchema,
  stripeEventSchema,
  type StripeEventLike,
} from '../webhooks/stripe-event.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

export const STRIPE_TOLERANCE_SECONDS = 300;

/** The signature was right but the body is not JSON: a malformed request, not a signature failure. */
const NOT_JSON = 'not_json';

function verify(deps: WebhookDeps, raw: Buffer, header: string | undefined): StripeEventLike | string {
  const secret = deps.env.STRIPE_WEBHOOK_SECRET;
  if (secret === undefined) return 'not_configured';
  if (header === undefined || header === '') return 'missing';
  try {
    const event = Stripe.webhooks.constructEvent(raw, header, secret, STRIPE_TOLERANCE_SECONDS);
    const parsed = stripeEventSchema.safeParse(event);
    return parsed.success ? parsed.data : 'invalid_event';
  } catch (error) {
    // constructEvent checks the signature over the raw bytes first and only then JSON.parses them, so a
    // SyntaxError means a correctly signed body that is not JSON.
    if (error instanceof SyntaxError) return NOT_JSON;
    return error instanceof Error ? error.message.slice(0, 200) : 'invalid';
  }
}

async function routeCheckout(
  deps: WebhookDeps,
  event: StripeEventLike,
  traceId: string,
): Promise<{ envelope?: Envelope; notice?: SystemEventInput }> {
  const session = checkoutSessionSchema.safeParse(event.data.object);
  if (!session.success) {
    return { notice: { level: 'warn', type: 'stripe.invalid_session', payload: { eventId: event.id } } };
  }
  const leadId = session.data.metadata?.lead_id;
  const lead = leadId !== undefined && isSubjectToken(leadId) ? await findLead(deps.db, leadId) : undefined;
  const metadataStudio = session.data.metadata?.studio_id;
  const studioId =
    lead?.studioId ??
    (metadataStudio !== undefined && deps.studios.byId(metadataStudio) ? metadataStudio : undefined);
  if (leadId === undefined || !isSubjectToken(leadId) || studioId === undefined) {
    return {
      notice: {
        level: 'warn',
        type: 'stripe.unknown_lead',
        leadId: leadId !== undefined && isSubjectToken(leadId) ? leadId : null,
        payload: { eventId: event.id, eventType: event.type, sessionId: session.data.id },
      },
    };
  }
  const now = new Date().toISOString();
  const leadEvent = checkoutLeadEvent(event, session.data, now);
  if (!leadEvent) return {};
  return {
    envelope: {
      id: `stripe:${event.id}`,
      leadId,
      actorType: 'lead',
      studioId,
      acceptedAt: now,
      traceId,
      event: leadEvent,
    },
  };
}

export const stripeWebhookRoutes: FastifyPluginCallback<WebhookDeps> = (scope, deps, done) => {
  keepRawJsonBody(scope);
  scope.withTypeProvider<ZodTypeProvider>().post(
    '/webhooks/stripe',
    {
      schema: {
        tags: ['webhooks'],
        description: 'Stripe webhook, signed with Stripe-Signature (t=…,v1=…; 5-minute tolerance).',
        headers: z.looseObject({ 'stripe-signature': z.string().optional() }),
        response: { 200: z.object({ received: z.literal(true), handled: z.boolean() }) },
      },
    },
    async (request) => {
      const raw = rawBodyOf(request.body);
      const verified = verify(deps, raw, request.headers['stripe-signature']);
      if (verified === NOT_JSON) {
        deps.metrics.inboundRejected.inc({ source: 'stripe', reason: 'malformed_json' });
        throw new GatewayError('MALFORMED_JSON');
      }
      if (typeof verified === 'string') {
        deps.metrics.inboundRejected.inc({ source: 'stripe', reason: 'signature' });
        await recordEdgeEvents(deps.db, [
          {
            level: 'warn',
            type: 'stripe.signature_verification_failure',
            payload: { reason: verified, ip: request.ip, bytes: raw.length, traceId: request.id },
          },
        ]);
        throw new GatewayError('STRIPE_SIGNATURE_INVALID');
      }
      if (!(HANDLED_TYPES as readonly string[]).includes(verified.type)) {
        request.log.debug({ eventType: verified.type, eventId: verified.id }, 'stripe event ignored');
        await recordEdgeEvents(deps.db, [
          {
            level: 'debug',
            type: 'stripe.event_ignored',
            payload: { eventId: verified.id, eventType: verified.type },
          },
        ]);
        return { received: true as const, handled: false };
      }
      const { envelope, notice } = await routeCheckout(deps, verified, request.id);
      if (notice) {
        deps.metrics.inboundRejected.inc({ source: 'stripe', reason: notice.type });
        await recordEdgeEvents(deps.db, [notice]);
      }
      if (envelope) await publishAccepted(deps, 'stripe', [envelope]);
      return { received: true as const, handled: envelope !== undefined };
    },
  );
  done();
};
