// Builds the gateway (never listens: server.ts does). Order matters: global plugins (trace id, errors,
// request log) and the OpenAPI collector first, then every route, then the extra plugins of other modules.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GatewayDeps } from './gateway-deps.ts';
import { natsAdminPlugin } from './nats-admin/nats-admin-plugin.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { gracefulClosePlugin } from './plugins/graceful-close.ts';
import { registerMetricsRoute } from './plugins/metrics.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { requestLogPlugin } from './plugins/request-log.ts';
import { traceIdFor, traceIdPlugin } from './plugins/trace-id.ts';
import { adminRoutes } from './routes/admin.ts';
import { messageApiRoutes } from './routes/message-api.ts';
import { registerDepositReturnRoutes } from './routes/deposit-return.ts';
import { registerHealthRoutes } from './routes/health.ts';
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
  await registerOpenApi(app);

  registerHealthRoutes(app, deps);
  registerMetricsRoute(app, deps);
  registerDepositReturnRoutes(app);
  await app.register(whatsappWebhookRoutes(deps));
  await app.register(twilioWebhookRoutes(deps));
  await app.register(openphoneWebhookRoutes(deps));
  await app.register(stripeWebhookRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(messageApiRoutes(deps));
  for (const plugin of deps.extraPlugins ?? []) await app.register(plugin);

  if (deps.env.NATS_URL !== undefined && deps.options?.natsAdmin !== false) {
    await app.register(natsAdminPlugin(deps, deps.env.NATS_URL));
  }
  return app;
}
