// POST /webhooks/twilio/sms (inbound messages) and POST /webhooks/twilio/status (status callbacks of our
// messages). Both are form posts signed with X-Twilio-Signature over PUBLIC_BASE_URL + path + query and
// every form parameter: a bad or missing signature is 403 with a system event and nothing published.
// Valid: every message is durably accepted before the answer, an empty TwiML document (so Twilio sends no
// reply of its own). A number no studio has is acknowledged (200) with `sms.unknown_number`, and a sender
// that is not an E.164 number (a short code, a sender id) with `sms.invalid_sender`, so Twilio stops
// retrying; envelope ids `twilio:<MessageSid>` make redeliveries harmless.
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { outboundMessageOwner } from '../../persistence/queries/transcript.ts';
import { GatewayError } from '../errors.ts';
import { acceptTranslation, refuseSignature } from '../webhook-outcome.ts';
import type { WebhookDeps } from '../gateway-deps.ts';
import { firstHeader } from '../plugins/header.ts';
import { acceptFormBodies, formOf } from '../webhooks/form-body.ts';
import {
  smsNumberFor,
  translateInvalidSender,
  translateSmsInbound,
  translateSmsStatus,
} from '../webhooks/sms-envelopes.ts';
import { parseTwilioInbound } from '../webhooks/twilio-inbound.ts';
import { checkTwilioSignature, twilioSignedUrl, type TwilioParams } from '../webhooks/twilio-signature.ts';
import { parseTwilioStatus } from '../webhooks/twilio-status.ts';
import { emptyTranslation, type Translation } from '../webhooks/lead-envelope.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

/** The empty TwiML document: "do not reply". JSON or HTML would be Twilio error 12300. */
export const EMPTY_TWIML = '<Response/>';

const schema = (description: string) => ({
  tags: ['webhooks'],
  description,
  consumes: ['application/x-www-form-urlencoded'],
  produces: ['text/xml'],
  headers: z.looseObject({ 'x-twilio-signature': z.string().optional() }),
  response: { 200: z.string().describe(`An empty TwiML document, ${EMPTY_TWIML}`) },
});

/** The form, once its signature is right; else the failure is recorded and the request refused. */
async function verifiedForm(deps: WebhookDeps, request: FastifyRequest): Promise<TwilioParams> {
  const params = formOf(request.body);
  const url =
    deps.env.PUBLIC_BASE_URL === undefined
      ? undefined
      : twilioSignedUrl(deps.env.PUBLIC_BASE_URL, request.url);
  const check = checkTwilioSignature(
    deps.env.TWILIO_AUTH_TOKEN,
    url,
    params,
    firstHeader(request.headers, 'x-twilio-signature'),
  );
  if (check === 'valid') return params;
  return refuseSignature(deps, 'twilio', 'TWILIO_SIGNATURE_INVALID', {
    reason: check,
    path: request.routeOptions.url ?? null,
    ip: request.ip,
    traceId: request.id,
  });
}

async function accept(deps: WebhookDeps, translation: Translation, reply: FastifyReply): Promise<string> {
  await acceptTranslation(deps, 'twilio', translation);
  return reply.type('text/xml; charset=utf-8').send(EMPTY_TWIML);
}

function invalid(deps: WebhookDeps, issues: readonly string[]): GatewayError {
  deps.metrics.inboundRejected.inc({ source: 'twilio', reason: 'schema' });
  return new GatewayError('VALIDATION_FAILED', { message: 'Not a Twilio message webhook', details: issues });
}

export const twilioWebhookRoutes: FastifyPluginCallback<WebhookDeps> = (scope, deps, done) => {
  acceptFormBodies(scope);
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/webhooks/twilio/sms',
    { schema: schema('Twilio inbound SMS/MMS (form), signed with X-Twilio-Signature.') },
    async (request, reply) => {
      const params = await verifiedForm(deps, request);
      const now = new Date();
      const parsed = parseTwilioInbound(params, now);
      if (!parsed.ok && parsed.reason === 'invalid_sender') {
        const { sender } = parsed;
        const number = smsNumberFor(deps.studios, 'twilio', sender.to);
        return accept(deps, translateInvalidSender('twilio', number, sender), reply);
      }
      if (!parsed.ok) throw invalid(deps, parsed.issues);
      const number = smsNumberFor(deps.studios, 'twilio', parsed.to);
      const ctx = { now, traceId: request.id };
      return accept(deps, translateSmsInbound('twilio', number, parsed.to, parsed.items, ctx), reply);
    },
  );

  app.post(
    '/webhooks/twilio/status',
    { schema: schema('Twilio status callback of a message Leadline sent (form), signed like inbound.') },
    async (request, reply) => {
      const params = await verifiedForm(deps, request);
      const parsed = parseTwilioStatus(params);
      if (!parsed.ok && parsed.reason === 'ignored') return accept(deps, emptyTranslation(), reply);
      if (!parsed.ok) throw invalid(deps, [parsed.detail]);
      const { value } = parsed;
      const number = smsNumberFor(deps.studios, 'twilio', value.from);
      const report = {
        provider: 'twilio' as const,
        messageId: value.messageSid,
        status: value.status,
        ...(value.errorCode === undefined ? {} : { errorCode: value.errorCode }),
        ...(value.to === undefined ? {} : { to: value.to }),
      };
      const owner = await outboundMessageOwner(deps.db, value.messageSid);
      const ctx = { now: new Date(), traceId: request.id };
      return accept(deps, translateSmsStatus(number, report, ctx, owner), reply);
    },
  );
  done();
};
