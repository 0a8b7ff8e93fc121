// POST /admin/leads/:id/events: a control event (§5) → 202 once durably enqueued on the lead's stream.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { leadIdParams } from '../admin/admin-schemas.ts';
import { controlEventBodySchema } from '../admin/control-event.ts';
import { enqueueControlEvent, type AdminContext } from '../admin/lead-admin.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

export const adminEventRoutes: FastifyPluginCallback<AdminContext> = (scope, ctx, registered) => {
  scope.withTypeProvider<ZodTypeProvider>().post(
    '/admin/leads/:id/events',
    {
      schema: {
        tags: ['admin'],
        params: leadIdParams,
        body: controlEventBodySchema,
        response: { 202: z.object({ accepted: z.literal(true), id: z.string() }) },
      },
    },
    async (request, reply) => {
      const result = await enqueueControlEvent(ctx, request.params.id, request.body, request.id);
      return reply.code(202).send(result);
    },
  );
  registered();
};
