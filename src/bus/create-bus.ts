// Chooses the transport from configuration: NATS JetStream when NATS_URL is set (distributed mode), else the
// in-process bus over the inbox table (single node). Callers own the returned bus and close it on shutdown.
import type { Env } from '../config/env.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../persistence/database.ts';
import type { Bus } from './bus.ts';
import { createInProcessBus } from './in-process-bus.ts';
import { NatsBus } from './nats/nats-bus.ts';

export interface CreateBusDeps {
  db: Db;
  logger: Logger;
}

export async function createBus(
  env: Pick<Env, 'NATS_URL' | 'LEADLINE_PARTITIONS' | 'LEADLINE_WORKER_ID'> &
    Partial<Pick<Env, 'LEADLINE_STREAM_REPLICAS' | 'LEADLINE_LEASE_TIMEOUT'>>,
  deps: CreateBusDeps,
): Promise<Bus> {
  if (env.NATS_URL) {
    return NatsBus.connect({
      servers: env.NATS_URL,
      partitions: env.LEADLINE_PARTITIONS,
      logger: deps.logger.child({ component: 'nats-bus' }),
      db: deps.db,
      replicas: env.LEADLINE_STREAM_REPLICAS ?? 1,
      ...(env.LEADLINE_LEASE_TIMEOUT === undefined ? {} : { leaseMs: env.LEADLINE_LEASE_TIMEOUT }),
      ...(env.LEADLINE_WORKER_ID ? { workerId: env.LEADLINE_WORKER_ID } : {}),
    });
  }
  return createInProcessBus({ db: deps.db, partitions: env.LEADLINE_PARTITIONS, logger: deps.logger });
}
