// The worker role's HTTP listener: only /healthz, /readyz and /metrics (the gateway's own health and
// metrics plugins), so orchestrators can health-check workers and Prometheus can scrape the actor host's
// metrics, which only exist in worker processes.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GatewayDeps } from '../gateway/gateway-deps.ts';
import { metricsPlugin } from '../gateway/plugins/metrics.ts';
import { healthRoutes } from '../gateway/routes/health.ts';
import { jsonSerializerCompiler, zodValidatorCompiler } from '../gateway/zod-schemas.ts';

export async function buildOpsServer(deps: GatewayDeps): Promise<FastifyInstance> {
  // Health checks arrive every few seconds: request lines (info) are not worth logging here.
  const logger = deps.logger.child({ component: 'ops-http' }, { level: 'warn' });
  const app = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  await app.register(metricsPlugin, deps);
  await app.register(healthRoutes, deps);
  await app.ready();
  return app;
}
