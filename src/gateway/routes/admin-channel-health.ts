// GET /admin/health/channels: the end-to-end probe results of every SMS number (docs/reconciliation.md).
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { channelHealth } from '../../reconciliation/channel-health-status.ts';
import { reconcileNumbersOf } from '../../reconciliation/studio-numbers.ts';
import type { GatewayDeps } from '../gateway-deps.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

const channelSchema = z.object({
  studioId: z.string(),
  channel: z.literal('sms'),
  provider: z.string(),
  number: z.string(),
  lastCheckAt: z.string().nullable(),
  ok: z.boolean().nullable(),
  error: z.string().nullable(),
  checks24h: z.number().int(),
  successRate24h: z.number().nullable(),
});

export const adminChannelHealthRoutes: FastifyPluginCallback<Pick<GatewayDeps, 'db' | 'studios'>> = (
  scope,
  deps,
  registered,
) => {
  scope.withTypeProvider<ZodTypeProvider>().get(
    '/admin/health/channels',
    {
      schema: {
        tags: ['admin'],
        summary: 'End-to-end health of each SMS number (hourly probe through the provider to itself)',
        response: { 200: z.object({ channels: z.array(channelSchema) }) },
      },
    },
    async () => ({
      channels: await channelHealth(deps.db, reconcileNumbersOf(deps.studios.all()), new Date()),
    }),
  );
  registered();
};
