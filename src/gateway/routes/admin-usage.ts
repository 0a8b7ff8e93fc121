// GET /admin/usage?studioId=&since=&leadId=&sessionId= — the orchestrator's usage summed per studio and
// model: tokens, cost (USD, from each studio's pricing when the call was made) and calls (docs/contract.md §8).
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { usageSums } from '../../orchestrator/usage-store.ts';
import type { Db } from '../../persistence/database.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const query = z.object({
  studioId: z.string().min(1).optional(),
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Only calls at or after this time.' }),
  leadId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
});
const usageSchema = z.object({
  studioId: z.string(),
  model: z.string(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number(),
  calls: z.number().int(),
});

export const adminUsageRoutes: FastifyPluginCallback<{ db: Db }> = (scope, { db }, registered) => {
  scope.withTypeProvider<ZodTypeProvider>().get(
    '/admin/usage',
    {
      schema: {
        tags: ['admin'],
        summary: "The orchestrator's token usage and cost per studio and model",
        querystring: query,
        response: { 200: z.object({ usage: z.array(usageSchema) }) },
      },
    },
    async (request) => {
      const { since, ...filter } = request.query;
      return {
        usage: await usageSums(db, { ...filter, since: since === undefined ? undefined : new Date(since) }),
      };
    },
  );
  registered();
};
