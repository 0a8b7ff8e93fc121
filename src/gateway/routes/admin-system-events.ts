// GET /admin/system-events?type=&leadId=&level=&since=&limit= — newest first.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import type { Db } from '../../persistence/database.ts';
import { listSystemEvents } from '../../persistence/queries/system-events.ts';
import { limitParam } from '../admin/admin-schemas.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const level = z.enum(['debug', 'info', 'warn', 'error']);
const query = z.object({
  type: z.string().optional(),
  leadId: z.string().optional(),
  level: level.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: limitParam(1000),
});
const eventSchema = z.object({
  id: z.string(),
  at: z.string(),
  level,
  type: z.string(),
  leadId: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});

export const adminSystemEventRoutes: FastifyPluginCallback<{ db: Db }> = (scope, { db }, registered) => {
  scope.withTypeProvider<ZodTypeProvider>().get(
    '/admin/system-events',
    {
      schema: {
        tags: ['admin'],
        querystring: query,
        response: { 200: z.object({ events: z.array(eventSchema) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const events = await listSystemEvents(db, {
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.leadId === undefined ? {} : { leadId: q.leadId }),
        ...(q.level === undefined ? {} : { level: q.level }),
        ...(q.since === undefined ? {} : { since: new Date(q.since) }),
        limit: q.limit ?? 100,
      });
      return { events };
    },
  );
  registered();
};
