// POST /api/messages, /app/messages (the studio's apiKey) and /web/messages (CORS to the studios'
// web.allowedOrigins, rate limited per client across gateways), and each channel's session routes:
// GET /{web,app,api}/sessions/:sessionId/messages?after=<messageId> and the web's live stream
// GET /web/sessions/:sessionId/events (Server-Sent Events, Last-Event-ID resumes), and POST /api/broadcast.
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { acceptMessage, type MessageApiDeps } from '../../message-api/accept-message.ts';
import { activeStudio, channelAccess } from '../../message-api/channel-access.ts';
import {
  acceptedAnswerSchema,
  messageAnswerSchema,
  messageRequestSchema,
} from '../../message-api/message-body.ts';
import { ReplyWaiters } from '../../message-api/reply-waiters.ts';
import type { SessionChannel } from '../../sessions/session-store.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';
import { registerSessionEventsRoute, registerSessionRoutes } from './message-sessions.ts';
import type { OpenStreams } from '../../message-api/session-events.ts';
import { sharedRateLimitStore } from '../plugins/shared-rate-limit-store.ts';
import { registerMediaRoutes } from '../../message-api/media-uploads.ts';
import { mediaStoreFromEnv } from '../../effects/media/media-store-from-env.ts';
import { registerBroadcastRoute } from './broadcast.ts';

export const DEFAULT_WEB_RATE_LIMIT = { max: 60, timeWindowMs: 60_000 };

function registerMessageRoute(
  scope: FastifyInstance,
  deps: GatewayDeps,
  api: MessageApiDeps,
  channel: SessionChannel,
  prefix: string,
) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    `${prefix}/messages`,
    {
      schema: {
        tags: ['messages'],
        description:
          channel === 'web'
            ? "A message from a website chat: the replies the lead's actor committed for it (200), or 202 past LEADLINE_REPLY_TIMEOUT."
            : `A message from ${channel === 'app' ? 'an app' : 'another service'} (the studio's apiKey as X-API-Key or Bearer): the replies the lead's actor committed for it (200), or 202 past LEADLINE_REPLY_TIMEOUT.`,
        body: messageRequestSchema,
        response: { 200: messageAnswerSchema, 202: acceptedAnswerSchema },
      },
    },
    async (request, reply) => {
      const studio = activeStudio(deps.studios, request.body.studioId);
      channelAccess[channel].check(studio, request);
      const outcome = await acceptMessage(api, { studio, channel, body: request.body, traceId: request.id });
      return reply.code(outcome.status).send(outcome.body);
    },
  );
}

/** The origins any active studio allows on the web channel. */
function allowedWebOrigins(deps: GatewayDeps): Set<string> {
  return new Set(deps.studios.all().flatMap((s) => (s.active && s.web ? s.web.allowedOrigins : [])));
}

export const messageApiRoutes: FastifyPluginAsync<GatewayDeps> = async (scope, deps) => {
  const clock = deps.clock ?? (() => new Date());
  const waiters = new ReplyWaiters(deps.bus);
  const streams: OpenStreams = new Set();
  // Open SSE streams would hold the server's close open: end them as closing begins.
  scope.addHook('preClose', (done) => {
    for (const end of [...streams]) end();
    done();
  });
  scope.addHook('onClose', (_instance, done) => {
    waiters.close();
    done();
  });
  const api: MessageApiDeps = {
    db: deps.db,
    bus: deps.bus,
    metrics: deps.metrics,
    waiters,
    clock,
    replyTimeoutMs: deps.options?.replyTimeoutMs ?? deps.env.LEADLINE_REPLY_TIMEOUT,
  };
  const media = {
    db: deps.db,
    studios: deps.studios,
    store: deps.mediaStore ?? mediaStoreFromEnv(deps.env),
    clock,
  };
  for (const channel of ['api', 'app'] as const) {
    registerMessageRoute(scope, deps, api, channel, `/${channel}`);
    registerSessionRoutes(scope, deps, channel, `/${channel}`);
    // Its own scope: the image body parsers apply to the upload route alone.
    await scope.register((child) => {
      registerMediaRoutes(child, media, channel, `/${channel}`);
      return Promise.resolve();
    });
  }
  registerBroadcastRoute(scope, deps, api);

  // The web channel in its own scope under /web: CORS (and its OPTIONS preflight route) and the rate
  // limit apply to it alone.
  await scope.register(
    async (web) => {
      const origins = allowedWebOrigins(deps);
      await web.register(cors, {
        origin: (origin, callback) => {
          callback(null, origin !== undefined && origins.has(origin));
        },
        methods: ['GET', 'POST'],
        allowedHeaders: ['content-type', 'last-event-id', 'x-trace-id'],
        exposedHeaders: ['x-trace-id'],
        maxAge: 600,
      });
      const limit = deps.options?.webRateLimit ?? DEFAULT_WEB_RATE_LIMIT;
      await web.register(rateLimit, {
        global: true,
        max: limit.max,
        timeWindow: limit.timeWindowMs,
        store: sharedRateLimitStore(deps.db, clock, 'web'),
        errorResponseBuilder: (_request, context) =>
          new GatewayError('RATE_LIMITED', { details: { retryAfter: context.after, limit: context.max } }),
      });
      registerMessageRoute(web, deps, api, 'web', '');
      registerSessionRoutes(web, deps, 'web', '');
      registerSessionEventsRoute(web, deps, streams);
      registerMediaRoutes(web, media, 'web', '');
    },
    { prefix: '/web' },
  );
};
