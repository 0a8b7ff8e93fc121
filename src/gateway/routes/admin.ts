// The admin scope: rate limited per client, then ADMIN_API_KEY checked, then the admin routes. Everything
// registered here is encapsulated, so the limit and the key apply to admin routes only.
import type { FastifyInstance } from 'fastify';
import type { GatewayDeps } from '../gateway-deps.ts';
import { requireAdminKey } from '../plugins/auth.ts';
import { registerAdminRateLimit } from '../plugins/rate-limit.ts';
import { registerAdminCampaignRoutes } from './admin-campaigns.ts';
import { registerAdminChannelHealthRoutes } from './admin-channel-health.ts';
import { registerAdminContactRoutes } from './admin-contacts.ts';
import { registerAdminDeadLetterRoutes } from './admin-dead-letters.ts';
import { registerAdminEventRoutes } from './admin-events.ts';
import { registerAdminLeadRoutes } from './admin-leads.ts';
import { registerAdminReconciliationRoutes } from './admin-reconciliation.ts';
import { registerAdminStatusRoute } from './admin-status.ts';
import { registerAdminSystemEventRoutes } from './admin-system-events.ts';
import { registerAdminUsageRoutes } from './admin-usage.ts';

export function adminRoutes(deps: GatewayDeps) {
  return async (scope: FastifyInstance): Promise<void> => {
    await registerAdminRateLimit(scope, deps.options?.adminRateLimit ?? { max: 300, timeWindowMs: 60_000 });
    scope.addHook('onRequest', requireAdminKey(deps.env.ADMIN_API_KEY));
    const ctx = { db: deps.db, bus: deps.bus, metrics: deps.metrics };
    registerAdminLeadRoutes(scope, ctx);
    registerAdminEventRoutes(scope, ctx);
    registerAdminSystemEventRoutes(scope, deps.db);
    registerAdminDeadLetterRoutes(scope, ctx);
    registerAdminStatusRoute(scope, deps);
    registerAdminContactRoutes(scope, deps);
    registerAdminCampaignRoutes(scope, deps);
    registerAdminReconciliationRoutes(scope, deps);
    registerAdminChannelHealthRoutes(scope, deps);
    registerAdminUsageRoutes(scope, deps.db);
  };
}
