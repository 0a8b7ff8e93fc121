// GET /webhooks/whatsapp (subscription handshake) and POST /webhooks/whatsapp (signed Meta webhook).
// POST: signature over the raw bytes first, JSON parsed only after; every message and status is published
// and durably accepted before the 200. Items we cannot route (unknown studio, pilot block, malformed item)
// are recorded as system events and acknowledged, so Meta does not retry them forever.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import type { WebhookDeps } from '../gateway-deps.ts';
import { GatewayError } from '../errors.ts';
import { acceptTranslation, refuseSignature } from '../webhook-outcome.ts';
import { keyMatches } from '../plugins/auth.ts';
import { keepRawJsonBody, parseRawJson, rawBodyOf } from '../plugins/raw-body.ts';
import { checkWhatsappSignature } from '../webhooks/whatsapp-signature.ts';
import { translateWhatsappPayload } from '../webhooks/whatsapp-envelopes.ts';
import { webhookPayloadSchema } from '../webhooks/whatsapp-payload.ts';
import { issuesOf, type ZodTypeProvider } from '../zod-schemas.ts';

const handshakeQuery = z.looseObject({
  'hub.mode': z.string().optional(),
  'hub.verify_token': z.string().optional(),
  'hub.challenge': z.string().max(1024).optional(),
});

export const whatsappWebhookRoutes: FastifyPluginCallback<WebhookDeps> = (scope, deps, done) => {
  keepRawJsonBody(scope);
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/webhooks/whatsapp',
    { schema: { tags: ['webhooks'], querystring: handshakeQuery } },
    (request, reply) => {
      const q = request.query;
      const ok =
        q['hub.mode'] === 'subscribe' && keyMatches(deps.env.WHATSAPP_VERIFY_TOKEN, q['hub.verify_token']);
      if (!ok) throw new GatewayError('VERIFY_TOKEN_MISMATCH');
      return reply.type('text/plain; charset=utf-8').send(q['hub.challenge'] ?? '');
    },
  );

  app.post(
    '/webhooks/whatsapp',
    {
      schema: {
        tags: ['webhooks'],
        description: 'Meta WhatsApp Cloud API webhook, signed with X-Hub-Signature-256 over the raw body.',
        headers: z.looseObject({ 'x-hub-signature-256': z.string().optional() }),
        response: { 200: z.object({ received: z.literal(true), accepted: z.number().int() }) },
      },
    },
    async (request) => {
      const raw = rawBodyOf(request.body);
      const signature = request.headers['x-hub-signature-256'];
      const check = checkWhatsappSignature(deps.env.WHATSAPP_APP_SECRET, raw, signature);
      if (check !== 'valid') {
        await refuseSignature(deps, 'whatsapp', 'WHATSAPP_SIGNATURE_INVALID', {
          reason: check,
          ip: request.ip,
          bytes: raw.length,
          traceId: request.id,
        });
      }
      const parsed = webhookPayloadSchema.safeParse(parseRawJson(raw));
      if (!parsed.success) {
        deps.metrics.inboundRejected.inc({ source: 'whatsapp', reason: 'schema' });
        throw new GatewayError('VALIDATION_FAILED', {
          message: 'Not a WhatsApp webhook payload',
          details: issuesOf(parsed.error).slice(0, 10),
        });
      }
      const translation = translateWhatsappPayload(parsed.data, {
        studios: deps.studios,
        now: new Date(),
        traceId: request.id,
      });
      await acceptTranslation(deps, 'whatsapp', translation, request.id);
      return { received: true as const, accepted: translation.envelopes.length };
    },
  );
  done();
};
