// The console's reconciliation page: the recent runs (polled) and a form to start one, through the same
// function as POST /admin/reconciliation/runs.
import type { FastifyInstance } from 'fastify';
import { recentRuns } from '../reconciliation/run-store.ts';
import { startReconciliation } from '../reconciliation/start-run.ts';
import type { ConsoleContext } from './console-routes.ts';
import { reconciliationPage, reconciliationRuns } from './pages/reconciliation-page.ts';

type Form = Record<string, string | undefined>;

export function registerConsoleReconciliation(app: FastifyInstance, ctx: ConsoleContext): void {
  const studios = () => ctx.studios.all().map((s) => s.id);

  app.get<{ Querystring: Form }>('/console/reconciliation', async (request, reply) => {
    const q = request.query;
    const notice = q.started ? `Reconciliation run ${q.started} started.` : undefined;
    const error = q.refused ? q.refused.slice(0, 300) : undefined;
    return ctx.page(
      reply,
      'Reconciliation',
      'reconciliation',
      reconciliationPage({
        runs: await recentRuns(ctx.db, ctx.clock(), 50),
        studios: studios(),
        csrf: ctx.csrf(request),
        notice,
        error,
      }),
    );
  });

  app.get('/console/reconciliation/runs', async (_request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(reconciliationRuns(await recentRuns(ctx.db, ctx.clock(), 50)).value),
  );

  app.post<{ Body: Form }>('/console/reconciliation', async (request, reply) => {
    const hours = Number.parseInt(request.body.hours ?? '48', 10);
    const studioId = request.body.studioId?.trim() || undefined;
    const refuse = (why: string) =>
      reply.redirect(`/console/reconciliation?refused=${encodeURIComponent(why)}`, 303);
    if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 31)
      return refuse('Hours back must be a whole number from 1 to 744.');
    const started = await startReconciliation(ctx, { hours, studioId }, ctx.clock());
    if (started.outcome === 'invalid') return refuse(started.message);
    if (started.outcome === 'running')
      return refuse(`A run is already reconciling ${started.numbers.join(', ')}.`);
    if (started.outcome === 'not_created') return refuse('The run could not be created.');
    return reply.redirect(`/console/reconciliation?started=${encodeURIComponent(started.run.id)}`, 303);
  });
}
