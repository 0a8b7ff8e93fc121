// GET /admin/status: this node's bus status and, when this process hosts actors, the host's live figures.
import type { FastifyPluginCallback } from 'fastify';
import type { Bus } from '../../bus/bus.ts';

export const adminStatusRoute: FastifyPluginCallback<{
  bus: Bus;
  hostStatus?: (() => unknown) | undefined;
}> = (scope, deps, registered) => {
  scope.get('/admin/status', { schema: { tags: ['admin'] } }, () => ({
    bus: deps.bus.status(),
    host: deps.hostStatus?.() ?? null,
  }));
  registered();
};
