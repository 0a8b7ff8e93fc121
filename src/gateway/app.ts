// Builds the gateway, every route production serves (never listens: server.ts does). src/system.ts and
// the tests call this one function. Order matters: the global plugins (trace id, errors, request log,
// graceful close, the OpenAPI collector, request metrics; fastify-plugin, so they apply to the whole
// app) first, then each route group, a plugin with the options it declares. Optional groups follow from
// the deps: the NATS admin service runs when NATS_URL is set.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { consoleRoutes } from '../console/console-routes.ts';
import { webChatRoutes } from '../console/web-chat.ts';
import { mediaStoreFromEnv } from '../effects/media/media-store-from-env.ts';
import type { GatewayDeps } from './gateway-deps.ts';
import { natsAdminPlugin } from './nats-admin/nats-admin-plugin.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { gracefulClosePlugin } from './plugins/graceful-close.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openApiPlugin } from './plugins/openapi.ts';
import { requestLogPlugin } from './plugins/request-log.ts';
import { traceIdFor, traceIdPlugin } from './plugins/trace-id.ts';
import { actionLinkRoutes } from './routes/action-links.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminProbeRoutes } from './routes/admin-probes.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { depositReturnRoutes } from './routes/deposit-return.ts';
import { healthRoutes } from './routes/health.ts';
import { messageApiRoutes } from './routes/message-api.ts';
import { openphoneWebhookRoutes } from './routes/openphone-webhook.ts';
import { stripeWebhookRoutes } from './routes/stripe-webhook.ts';
import { twilioWebhookRoutes } from './routes/twilio-webhook.ts';
import { whatsappWebhookRoutes } from './routes/whatsapp-webhook.ts';
import { jsonSerializerCompiler, zodValidatorCompiler } from './zod-schemas.ts';

export type { GatewayDeps } from './gateway-deps.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A hop count becomes proxy-addr's function form (trust the nearest N proxies); Fastify types no number. */
function fastifyTrustProxy(
  value: boolean | number | string | string[],
): boolean | string | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}

export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Our pino (v10) and Fastify's bundled pino types differ only nominally.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // One line per request from requestLogPlugin instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'traceId' }),
    genReqId: traceIdFor,
    bodyLimit: deps.options?.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: fastifyTrustProxy(deps.options?.trustProxy ?? deps.env.LEADLINE_TRUST_PROXY),
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);

  await app.register(traceIdPlugin);
  await app.register(errorsPlugin);
  await app.register(requestLogPlugin);
  await app.register(gracefulClosePlugin);
  await app.register(openApiPlugin);
  // Before the routes: its timing hook applies to every route registered after it.
  await app.register(metricsPlugin, deps);

  // Filesystem under LEADLINE_HOME, or S3 when LEADLINE_S3_BUCKET is set (the relay uses the same store).
  const routeDeps: GatewayDeps = { ...deps, mediaStore: deps.mediaStore ?? mediaStoreFromEnv(deps.env) };
  await app.register(healthRoutes, routeDeps);
  await app.register(depositReturnRoutes);
  await app.register(whatsappWebhookRoutes, routeDeps);
  await app.register(twilioWebhookRoutes, routeDeps);
  await app.register(openphoneWebhookRoutes, routeDeps);
  await app.register(stripeWebhookRoutes, routeDeps);
  await app.register(adminRoutes, routeDeps);
  await app.register(messageApiRoutes, routeDeps);
  await app.register(adminProbeRoutes, routeDeps);
  await app.register(actionLinkRoutes, routeDeps);
  await app.register(attachmentRoutes, routeDeps);
  await app.register(consoleRoutes, routeDeps);
  await app.register(webChatRoutes, routeDeps);

  if (deps.env.NATS_URL !== undefined && deps.options?.natsAdmin !== false) {
    await app.register(natsAdminPlugin, { ...routeDeps, natsUrl: deps.env.NATS_URL });
  }
  return app;
}
