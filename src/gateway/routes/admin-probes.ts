// GET /admin/probes/summary: the health probe's last 24 hours. Registered by buildApp beside the admin scope
// rather than inside it, so it carries its own ADMIN_API_KEY check (and is not under the admin rate limit).
import type { FastifyPluginCallback } from 'fastify';
import type { Env } from '../../config/env.ts';
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

export const adminProbeRoutes: FastifyPluginCallback<{ db: Db; env: Env }> = (app, deps, registered) => {
  app.addHook('onRequest', requireAdminKey(deps.env.ADMIN_API_KEY));
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
  registered();
};
