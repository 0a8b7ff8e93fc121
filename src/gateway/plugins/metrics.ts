// GET /metrics: Prometheus text from the system's registry. The outbox backlog and dead-letter gauges are
// refreshed from the database on each scrape; a failed refresh leaves the last values (and is logged)
// rather than failing the scrape.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../persistence/database.ts';
import { outboxBacklog, unreplayedDeadLetters } from '../../persistence/queries/gauges.ts';
import type { Metrics } from '../../observability/metrics.ts';

export function registerMetricsRoute(app: FastifyInstance, deps: { db: Db; metrics: Metrics }): void {
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
}
