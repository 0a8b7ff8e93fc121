// GET /admin/dead-letters and POST /admin/dead-letters/:id/replay, over the runtime's dead-letter module.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import {
  DeadLetterNotFound,
  DeadLetterNotReplayable,
  listDeadLetters,
  replayDeadLetter,
} from '../../actors/dead-letters.ts';
import { limitParam } from '../admin/admin-schemas.ts';
import type { AdminContext } from '../admin/lead-admin.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const deadLetterSchema = z.object({
  id: z.string(),
  leadId: z.string(),
  messageId: z.string(),
  error: z.string(),
  attempts: z.number().int(),
  failedAt: z.string(),
  replayedAt: z.string().nullable(),
  replayCount: z.number().int(),
  envelope: z.unknown(),
});

export const adminDeadLetterRoutes: FastifyPluginCallback<AdminContext> = (scope, ctx, registered) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/admin/dead-letters',
    {
      schema: {
        tags: ['admin'],
        querystring: z.object({
          limit: limitParam(1000),
          leadId: z.string().optional(),
          pending: z.enum(['true', 'false']).optional().meta({ description: 'only never-replayed ones' }),
        }),
        response: { 200: z.object({ deadLetters: z.array(deadLetterSchema) }) },
      },
    },
    async (request) => {
      const { limit, leadId, pending } = request.query;
      const deadLetters = await listDeadLetters(ctx.db, {
        limit: limit ?? 100,
        ...(leadId === undefined ? {} : { leadId }),
        pending: pending === 'true',
      });
      return { deadLetters };
    },
  );
  app.post(
    '/admin/dead-letters/:id/replay',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ id: z.string().max(64) }),
        response: { 202: z.object({ accepted: z.literal(true), id: z.string() }) },
      },
    },
    async (request, reply) => {
      try {
        const replayed = await replayDeadLetter(ctx.db, ctx.bus, request.params.id);
        return await reply.code(202).send({ accepted: true as const, id: replayed.envelopeId });
      } catch (error) {
        if (error instanceof DeadLetterNotFound) throw new GatewayError('DEAD_LETTER_NOT_FOUND');
        if (error instanceof DeadLetterNotReplayable) {
          throw new GatewayError('DEAD_LETTER_NOT_REPLAYABLE', { message: error.message });
        }
        throw new GatewayError('BUS_UNAVAILABLE', { cause: error });
      }
    },
  );
  registered();
};
