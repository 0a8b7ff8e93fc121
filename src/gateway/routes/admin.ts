// The admin scope: rate limited per client, then ADMIN_API_KEY checked, then the admin route groups, each
// a plugin of its own. Everything registered here is encapsulated, so the limit and the key apply to admin
// routes only.
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayDeps } from '../gateway-deps.ts';
import { requireAdminKey } from '../plugins/auth.ts';
import { registerAdminRateLimit } from '../plugins/rate-limit.ts';
import { adminCampaignRoutes } from './admin-campaigns.ts';
import { adminChannelHealthRoutes } from './admin-channel-health.ts';
import { adminContactRoutes } from './admin-contacts.ts';
import { adminDeadLetterRoutes } from './admin-dead-letters.ts';
import { adminEventRoutes } from './admin-events.ts';
import { adminLeadRoutes } from './admin-leads.ts';
import { adminReconciliationRoutes } from './admin-reconciliation.ts';
import { adminStatusRoute } from './admin-status.ts';
import { adminSystemEventRoutes } from './admin-system-events.ts';
import { adminUsageRoutes } from './admin-usage.ts';

export type AdminRouteOptions = Pick<
  GatewayDeps,
  'env' | 'db' | 'bus' | 'studios' | 'metrics' | 'hostStatus' | 'onReconciliationRun' | 'clock' | 'options'
>;

export const adminRoutes: FastifyPluginAsync<AdminRouteOptions> = async (scope, deps) => {
  await registerAdminRateLimit(scope, deps.options?.adminRateLimit ?? { max: 300, timeWindowMs: 60_000 });
  scope.addHook('onRequest', requireAdminKey(deps.env.ADMIN_API_KEY));
  const ctx = { db: deps.db, bus: deps.bus, metrics: deps.metrics };
  await scope.register(adminLeadRoutes, ctx);
  await scope.register(adminEventRoutes, ctx);
  await scope.register(adminSystemEventRoutes, { db: deps.db });
  await scope.register(adminDeadLetterRoutes, ctx);
  await scope.register(adminStatusRoute, deps);
  await scope.register(adminContactRoutes, deps);
  await scope.register(adminCampaignRoutes, deps);
  await scope.register(adminReconciliationRoutes, deps);
  await scope.register(adminChannelHealthRoutes, deps);
  await scope.register(adminUsageRoutes, { db: deps.db });
};
