// GET /admin/probes/summary: the health probe's last 24 hours. A route plugin handed to buildApp through
// extraPlugins; it carries its own ADMIN_API_KEY check because it is registered outside the admin scope.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdminKey } from '../plugins/auth.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';
import type { Db } from '../../persistence/database.ts';
import { probeSummary } from '../../jobs/probe-status.ts';

const summarySchema = z.object({
  windowHours: z.number(),
  checks: z.number(),
  successes: z.number(),
  successRate: z.number().nullable(),
  p50LatencyMs: z.number().nullable(),
  p99LatencyMs: z.number().nullable(),
  lastProbeAt: z.string().nullable(),
  lastProbeOk: z.boolean().nullable(),
});

export function probeRoutes(deps: { db: Db; adminApiKey: string | undefined }) {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugins are async functions
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', requireAdminKey(deps.adminApiKey));
    app.withTypeProvider<ZodTypeProvider>().get(
      '/admin/probes/summary',
      {
        schema: {
          tags: ['admin'],
          summary: 'Synthetic health probe over the last 24 hours',
          response: { 200: summarySchema },
        },
      },
      async () => probeSummary(deps.db, new Date()),
    );
  };
}
