// GET /admin/leads, GET /admin/leads/:id, GET /admin/leads/:id/messages.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { channelSchema } from '../../domain/lead-events.ts';
import { leadMessages } from '../../persistence/queries/transcript.ts';
import {
  leadIdParams,
  leadSchema,
  leadStatusSchema,
  limitParam,
  messageSchema,
} from '../admin/admin-schemas.ts';
import { findLeads, getLead, MAX_LIST_LIMIT, type AdminContext } from '../admin/lead-admin.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const listQuery = z.object({
  phone: z.string().optional().meta({ description: 'E.164, e.g. +447700900123' }),
  email: z
    .string()
    .max(320)
    .optional()
    .meta({ description: 'leads with this email identifier (case-insensitive)' }),
  channel: channelSchema.optional().meta({ description: "the channel of the lead's latest inbound message" }),
  status: leadStatusSchema.optional(),
  limit: limitParam(MAX_LIST_LIMIT),
});

export const adminLeadRoutes: FastifyPluginCallback<AdminContext> = (scope, ctx, registered) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/admin/leads',
    {
      schema: {
        tags: ['admin'],
        querystring: listQuery,
        response: { 200: z.object({ leads: z.array(leadSchema) }) },
      },
    },
    async (request) => ({ leads: await findLeads(ctx, request.query) }),
  );
  app.get(
    '/admin/leads/:id',
    { schema: { tags: ['admin'], params: leadIdParams, response: { 200: leadSchema } } },
    async (request) => getLead(ctx, { id: request.params.id }),
  );
  app.get(
    '/admin/leads/:id/messages',
    {
      schema: {
        tags: ['admin'],
        params: leadIdParams,
        response: { 200: z.object({ messages: z.array(messageSchema) }) },
      },
    },
    async (request) => {
      const lead = await getLead(ctx, { id: request.params.id });
      return { messages: await leadMessages(ctx.db, lead.id) };
    },
  );
  registered();
};
