// GET /metrics: Prometheus text from the system's registry, and the request timing hook behind
// http_request_duration_seconds. The outbox backlog and dead-letter gauges are
// refreshed from the database on each scrape; a failed refresh leaves the last values (and is logged)
// rather than failing the scrape.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../persistence/database.ts';
import { outboxBacklog, unreplayedDeadLetters } from '../../persistence/queries/gauges.ts';
import type { Metrics } from '../../observability/metrics.ts';

/** Times every request into http_request_duration_seconds (registered on the instance, so every route). */
function recordRequestDurations(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

export interface MetricsOptions {
  db: Db;
  metrics: Metrics;
}

/**
 * Global (fastify-plugin): the timing hook must see every route registered after it, so register it before
 * the routes.
 */
export const metricsPlugin = fp<MetricsOptions>(
  (app, deps, registered) => {
    recordRequestDurations(app, deps.metrics);
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      try {
        const [backlog, deadLetters] = await Promise.all([
          outboxBacklog(deps.db),
          unreplayedDeadLetters(deps.db),
        ]);
        deps.metrics.outboxBacklog.set(backlog);
        deps.metrics.deadLetters.set(deadLetters);
      } catch (error) {
        request.log.warn({ err: error }, 'could not refresh database gauges');
      }
      const text = await deps.metrics.registry.metrics();
      return reply.header('content-type', deps.metrics.registry.contentType).send(text);
    });
    registered();
  },
  { name: 'leadline-metrics' },
);
