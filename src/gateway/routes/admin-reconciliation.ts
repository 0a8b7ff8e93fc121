// Reconciliation runs (docs/reconciliation.md): start one for every SMS number (or a studio's), list the
// recent ones, read one. The runs are worked by the reconcile worker of the worker processes (or by
// `leadline reconcile`); these routes write and read rows.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { recentRuns, runView } from '../../reconciliation/run-store.ts';
import { startReconciliation } from '../../reconciliation/start-run.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const count = z.number().int();
const numberSchema = z.object({
  number: z.string(),
  studioId: z.string(),
  provider: z.string(),
  phase: z.string(),
  pages: count,
  messagesProcessed: count,
  newMessages: count,
  existingMessages: count,
  outbound: count,
  outboundMatched: count,
  missingAtProvider: count,
  findings: z.array(z.unknown()),
  error: z.string().nullable(),
});
export const reconciliationRunSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  trigger: z.enum(['manual', 'schedule']),
  studioId: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  hoursBack: count,
  messagesProcessed: count,
  newMessages: count,
  existingMessages: count,
  errors: z.array(z.unknown()),
  durationMs: count,
  consistencyRate: z.number(),
  findings: z.array(z.unknown()),
  numbers: z.array(numberSchema),
});

const startBody = z.strictObject({
  hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(48),
  studioId: z.string().min(1).max(64).optional(),
});

export const adminReconciliationRoutes: FastifyPluginCallback<
  Pick<GatewayDeps, 'db' | 'studios' | 'onReconciliationRun'>
> = (scope, deps, registered) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/admin/reconciliation/runs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Start a reconciliation of the SMS numbers against the providers’ history',
        body: startBody.optional(),
        response: { 202: z.object({ run: reconciliationRunSchema }) },
      },
    },
    async (request, reply) => {
      const { hours, studioId } = startBody.parse(request.body ?? {});
      const started = await startReconciliation(deps, { hours, studioId }, new Date());
      if (started.outcome === 'invalid')
        throw new GatewayError('VALIDATION_FAILED', { message: started.message, details: started.details });
      if (started.outcome === 'running')
        throw new GatewayError('RECONCILIATION_RUNNING', { details: { numbers: started.numbers } });
      if (started.outcome === 'not_created') throw new GatewayError('INTERNAL_ERROR');
      const { run } = started;
      return reply.code(202).send({ run });
    },
  );

  app.get(
    '/admin/reconciliation/runs',
    {
      schema: {
        tags: ['admin'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ runs: z.array(reconciliationRunSchema) }) },
      },
    },
    async (request) => ({ runs: await recentRuns(deps.db, new Date(), request.query.limit) }),
  );

  app.get(
    '/admin/reconciliation/runs/:id',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ id: z.string().min(1).max(64) }),
        // `run`, and `runs` with that one run (the list's shape, for clients that read both alike).
        response: { 200: z.object({ run: reconciliationRunSchema, runs: z.array(reconciliationRunSchema) }) },
      },
    },
    async (request) => {
      const run = await runView(deps.db, request.params.id, new Date());
      if (!run) throw new GatewayError('RECONCILIATION_RUN_NOT_FOUND');
      return { run, runs: [run] };
    },
  );
  registered();
};
