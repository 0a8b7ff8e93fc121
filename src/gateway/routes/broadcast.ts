// POST /api/broadcast: one text to up to 100 leads of a studio, each through its own actor
// (src/message-api/broadcast.ts). The studio's apiKey or the admin key, as X-API-Key or Bearer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptBroadcast } from '../../message-api/broadcast.ts';
import { broadcastAnswerSchema, broadcastRequestSchema } from '../../message-api/broadcast-body.ts';
import type { MessageApiDeps } from '../../message-api/accept-message.ts';
import { activeStudio } from '../../message-api/channel-access.ts';
import type { Studio } from '../../studio/studio-schema.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { GatewayError } from '../errors.ts';
import { keyMatches, presentedKey } from '../plugins/auth.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

function studioOrAdminKey(deps: GatewayDeps, studio: Studio, request: FastifyRequest): void {
  const presented = presentedKey(request);
  if (keyMatches(studio.apiKey, presented) || keyMatches(deps.env.ADMIN_API_KEY, presented)) return;
  throw new GatewayError('UNAUTHORIZED');
}

export function registerBroadcastRoute(scope: FastifyInstance, deps: GatewayDeps, api: MessageApiDeps): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/broadcast',
    {
      schema: {
        tags: ['messages'],
        description:
          "The same text to 1-100 distinct leads of the studio (duplicates folded), each through its own actor: opt-out, the WhatsApp window and SMS quiet hours apply on the lead's channel. The studio's apiKey or the admin key. 200 with a result per lead once every actor committed; 202 with the leads still pending past LEADLINE_REPLY_TIMEOUT.",
        body: broadcastRequestSchema,
        response: { 200: broadcastAnswerSchema, 202: broadcastAnswerSchema },
      },
    },
    async (request, reply) => {
      const studio = activeStudio(deps.studios, request.body.studioId);
      studioOrAdminKey(deps, studio, request);
      const outcome = await acceptBroadcast(api, { studio, body: request.body, traceId: request.id });
      return reply.code(outcome.status).send(outcome.body);
    },
  );
}
