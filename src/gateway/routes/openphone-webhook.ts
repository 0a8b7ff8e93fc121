// POST /webhooks/openphone: OpenPhone (Quo) message.received and message.delivered events, signed with
// `openphone-signature` (or the Standard Webhooks headers) over the raw body. A bad, missing or stale
// signature is 401 with a system event and nothing published. Valid: durably accepted, then 200. The
// studio is found by the number written to (`data.object.to`) or OpenPhone's id of it (`phoneNumberId`);
// an unknown one is acknowledged with `sms.unknown_number`, a sender that is not an E.164 number with
// `sms.invalid_sender` (200, nothing published). Envelope ids `openphone:<message id>` make redeliveries
// harmless.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { outboundMessageOwner } from '../../persistence/queries/transcript.ts';
import { GatewayError } from '../errors.ts';
import { acceptTranslation, refuseSignature } from '../webhook-outcome.ts';
import type { WebhookDeps } from '../gateway-deps.ts';
import { firstHeader } from '../plugins/header.ts';
import { keepRawJsonBody, parseRawJson, rawBodyOf } from '../plugins/raw-body.ts';
import { parseOpenphoneEvent } from '../webhooks/openphone-event.ts';
import { checkOpenphoneSignature } from '../webhooks/openphone-signature.ts';
import {
  smsNumberFor,
  translateInvalidSender,
  translateSmsInbound,
  translateSmsStatus,
} from '../webhooks/sms-envelopes.ts';
import { emptyTranslation, type Translation } from '../webhooks/lead-envelope.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

async function translate(deps: WebhookDeps, body: unknown, now: Date, traceId: string): Promise<Translation> {
  const parsed = parseOpenphoneEvent(body, now);
  if (!parsed.ok && parsed.reason === 'ignored') return emptyTranslation();
  if (!parsed.ok && parsed.reason === 'invalid_sender') {
    const { sender } = parsed;
    const number = smsNumberFor(deps.studios, 'openphone', sender.to, sender.phoneNumberId);
    return translateInvalidSender('openphone', number, sender);
  }
  if (!parsed.ok) {
    deps.metrics.inboundRejected.inc({ source: 'openphone', reason: 'schema' });
    throw new GatewayError('VALIDATION_FAILED', {
      message: 'Not an OpenPhone message event',
      details: [parsed.detail],
    });
  }
  const ctx = { now, traceId };
  if (parsed.kind === 'inbound') {
    const number = smsNumberFor(deps.studios, 'openphone', parsed.to, parsed.phoneNumberId);
    const extra = { phoneNumberId: parsed.phoneNumberId ?? null };
    return translateSmsInbound('openphone', number, parsed.to, parsed.items, ctx, extra);
  }
  const { value } = parsed;
  const number = smsNumberFor(deps.studios, 'openphone', value.from, value.phoneNumberId);
  const report = {
    provider: 'openphone' as const,
    messageId: value.messageId,
    status: value.status,
    ...(value.to === undefined ? {} : { to: value.to }),
  };
  return translateSmsStatus(number, report, ctx, await outboundMessageOwner(deps.db, value.messageId));
}

export const openphoneWebhookRoutes: FastifyPluginCallback<WebhookDeps> = (scope, deps, done) => {
  keepRawJsonBody(scope);
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/webhooks/openphone',
    {
      schema: {
        tags: ['webhooks'],
        description:
          'OpenPhone (Quo) webhook event, signed with openphone-signature or the Standard Webhooks headers.',
        headers: z.looseObject({
          'openphone-signature': z.string().optional(),
          'webhook-id': z.string().optional(),
          'webhook-timestamp': z.string().optional(),
          'webhook-signature': z.string().optional(),
        }),
        response: { 200: z.object({ received: z.literal(true), accepted: z.number().int() }) },
      },
    },
    async (request) => {
      const raw = rawBodyOf(request.body);
      const now = new Date();
      const headers = {
        'openphone-signature': firstHeader(request.headers, 'openphone-signature'),
        'webhook-id': firstHeader(request.headers, 'webhook-id'),
        'webhook-timestamp': firstHeader(request.headers, 'webhook-timestamp'),
        'webhook-signature': firstHeader(request.headers, 'webhook-signature'),
      };
      const check = checkOpenphoneSignature(deps.env.OPENPHONE_WEBHOOK_SECRET, raw, headers, now);
      if (check !== 'valid') {
        await refuseSignature(deps, 'openphone', 'OPENPHONE_SIGNATURE_INVALID', {
          reason: check,
          ip: request.ip,
          bytes: raw.length,
          traceId: request.id,
        });
      }
      const translation = await translate(deps, parseRawJson(raw), now, request.id);
      await acceptTranslation(deps, 'openphone', translation);
      return { received: true as const, accepted: translation.envelopes.length };
    },
  );
  done();
};
