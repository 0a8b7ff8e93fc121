// Owns the NATS admin service's lifecycle inside the gateway: its own connection (the bus's connection is
// the bus's), opened when the app is built, drained when the app closes.
import { connect } from '@nats-io/transport-node';
import type { FastifyPluginAsync } from 'fastify';
import type { GatewayDeps } from '../gateway-deps.ts';
import { createAdminService } from './nats-admin-service.ts';

export interface NatsAdminOptions extends Pick<GatewayDeps, 'db' | 'bus' | 'metrics'> {
  natsUrl: string;
}

export const natsAdminPlugin: FastifyPluginAsync<NatsAdminOptions> = async (app, deps) => {
  const nc = await connect({
    servers: deps.natsUrl.split(',').map((s) => s.trim()),
    name: 'leadline-admin',
    maxReconnectAttempts: -1,
  });
  const service = createAdminService({ db: deps.db, bus: deps.bus, metrics: deps.metrics });
  service.start(nc, (error) => app.log.error({ err: error }, 'nats admin request failed'));
  app.log.info({ service: 'leadline-admin', id: service.id }, 'nats admin service started');
  app.addHook('onClose', async () => {
    service.stop();
    await nc.drain();
  });
};
