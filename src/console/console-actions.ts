// The console's POST actions: a lead's control events and dead-letter replays, through the same functions
// as POST /admin/leads/:id/events and POST /admin/dead-letters/:id/replay. Plain forms answered with 303
// (post/redirect/get), so they work with and without htmx and a reload never repeats an action.
import type { FastifyInstance } from 'fastify';
import { DeadLetterNotFound, DeadLetterNotReplayable, replayDeadLetter } from '../actors/dead-letters.ts';
import { enqueueControlEvent } from '../gateway/admin/lead-admin.ts';
import { GatewayError } from '../gateway/errors.ts';
import type { ConsoleContext } from './console-routes.ts';

type Form = Record<string, string | undefined>;

export function registerConsoleActions(app: FastifyInstance, ctx: ConsoleContext): void {
  app.post<{ Params: { id: string }; Body: Form }>('/console/leads/:id/events', async (request, reply) => {
    const { type, text, reason } = request.body;
    const event = {
      type,
      ...(type === 'message.send' ? { text } : {}),
      ...(type === 'artist.reject' && reason ? { reason } : {}),
    };
    await enqueueControlEvent(ctx, request.params.id, event, request.id);
    return reply.redirect(
      `/console/leads/${encodeURIComponent(request.params.id)}?sent=${encodeURIComponent(type ?? '')}`,
      303,
    );
  });

  app.post<{ Params: { id: string } }>('/console/dead-letters/:id/replay', async (request, reply) => {
    try {
      await replayDeadLetter(ctx.db, ctx.bus, request.params.id);
    } catch (error) {
      if (error instanceof DeadLetterNotFound) throw new GatewayError('DEAD_LETTER_NOT_FOUND');
      if (error instanceof DeadLetterNotReplayable)
        throw new GatewayError('DEAD_LETTER_NOT_REPLAYABLE', { message: error.message });
      throw new GatewayError('BUS_UNAVAILABLE', { cause: error });
    }
    return reply.redirect(`/console/dead-letters?replayed=${encodeURIComponent(request.params.id)}`, 303);
  });
}
