// GET /admin/status: this node's bus status and, when this process hosts actors, the host's live figures.
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../../bus/bus.ts';

export function registerAdminStatusRoute(
  scope: FastifyInstance,
  deps: { bus: Bus; hostStatus?: (() => unknown) | undefined },
): void {
  scope.get('/admin/status', { schema: { tags: ['admin'] } }, () => ({
    bus: deps.bus.status(),
    host: deps.hostStatus?.() ?? null,
  }));
}
