// GET /admin/dead-letters and POST /admin/dead-letters/:id/replay.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listDeadLetterViews, replayDeadLetterViaBus } from '../../persistence/queries/dead-letters.ts';
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
});

export function registerAdminDeadLetterRoutes(scope: FastifyInstance, ctx: AdminContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/admin/dead-letters',
    {
      schema: {
        tags: ['admin'],
        querystring: z.object({ limit: limitParam(1000) }),
        response: { 200: z.object({ deadLetters: z.array(deadLetterSchema) }) },
      },
    },
    async (request) => ({ deadLetters: await listDeadLetterViews(ctx.db, request.query.limit ?? 100) }),
  );
  app.post(
    '/admin/dead-letters/:id/replay',
    {
      schema: {
        tags: ['admin'],
        params: z.object({ id: z.uuid() }),
        response: { 202: z.object({ accepted: z.literal(true), id: z.string() }) },
      },
    },
    async (request, reply) => {
      let replayed: { envelopeId: string } | undefined;
      try {
        replayed = await replayDeadLetterViaBus(ctx.db, ctx.bus, request.params.id, new Date());
      } catch (error) {
        throw new GatewayError('BUS_UNAVAILABLE', { cause: error });
      }
      if (!replayed) throw new GatewayError('DEAD_LETTER_NOT_FOUND');
      return reply.code(202).send({ accepted: true as const, id: replayed.envelopeId });
    },
  );
}
