// A session's messages: GET /{web,app,api}/sessions/:sessionId/messages?after=<messageId> (the studio's
// apiKey on app and api, like their POST), and the web's live stream GET /web/sessions/:sessionId/events
// (src/message-api/session-events.ts). A session id is only found on the channel it belongs to.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { activeStudio, channelAccess } from '../../message-api/channel-access.ts';
import { sessionMessageView, sessionMessageViewSchema } from '../../message-api/session-view.ts';
import { streamSessionEvents, type OpenStreams } from '../../message-api/session-events.ts';
import { listSessionMessages } from '../../sessions/session-messages.ts';
import { findSession, type Session, type SessionChannel } from '../../sessions/session-store.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

export const sessionParams = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'expected a session id from a message answer'),
});

const listQuery = z.object({
  after: z
    .string()
    .max(128)
    .optional()
    .meta({ description: 'A messageId of this session: only the messages stored after it.' }),
});

/** The session, on this channel, of an active studio this request may reach. */
async function sessionFor(
  deps: GatewayDeps,
  channel: SessionChannel,
  sessionId: string,
  request: FastifyRequest,
): Promise<Session> {
  const session = await findSession(deps.db, sessionId);
  if (session?.channel !== channel) throw new GatewayError('SESSION_NOT_FOUND');
  channelAccess[channel].check(activeStudio(deps.studios, session.studioId), request);
  return session;
}

export function registerSessionRoutes(
  scope: FastifyInstance,
  deps: GatewayDeps,
  channel: SessionChannel,
  prefix: string,
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    `${prefix}/sessions/:sessionId/messages`,
    {
      schema: {
        tags: ['messages'],
        description: `The ${channel} session's messages, inbound and outbound, oldest first.`,
        params: sessionParams,
        querystring: listQuery,
        response: {
          200: z.object({
            data: z.object({ sessionId: z.string(), messages: z.array(sessionMessageViewSchema) }),
            traceId: z.string(),
          }),
        },
      },
    },
    async (request) => {
      const session = await sessionFor(deps, channel, request.params.sessionId, request);
      const messages = await listSessionMessages(deps.db, session.id, {
        ...(request.query.after === undefined ? {} : { afterMessageId: request.query.after }),
      });
      return {
        data: { sessionId: session.id, messages: messages.map(sessionMessageView) },
        traceId: request.id,
      };
    },
  );
}

export function registerSessionEventsRoute(
  scope: FastifyInstance,
  deps: GatewayDeps,
  streams: OpenStreams,
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/sessions/:sessionId/events',
    {
      schema: {
        tags: ['messages'],
        description:
          'Server-Sent Events: every message of the web session (event `message`, id = event id). Send Last-Event-ID to resume after it.',
        params: sessionParams,
        headers: z.looseObject({
          'last-event-id': z
            .string()
            .regex(/^\d{0,19}$/)
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const session = await sessionFor(deps, 'web', request.params.sessionId, request);
      const lastEventId = Number(request.headers['last-event-id'] ?? '0') || 0;
      await streamSessionEvents({ db: deps.db, bus: deps.bus, streams }, reply, session.id, lastEventId);
    },
  );
}
