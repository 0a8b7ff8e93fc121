// Builds the real gateway over a real runtime (fresh database, in-process bus, actor host) for tests.
// `consume: false` leaves the host stopped so a test can read exactly what the gateway published from
// the inbox table (the single-node bus's durable store).
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ActorDefinition } from '../../src/actors/actor-definition.ts';
import { parseEnv, type Env } from '../../src/config/env.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { buildApp } from '../../src/gateway/app.ts';
import type { GatewayDeps, GatewayOptions } from '../../src/gateway/gateway-deps.ts';
import { signWhatsappBody } from '../../src/gateway/webhooks/whatsapp-signature.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { startRuntime, type Runtime, type StartRuntimeOptions } from '../helpers/runtime-harness.ts';

export const SECRETS = {
  ADMIN_API_KEY: 'test-admin-key',
  WHATSAPP_APP_SECRET: 'test-whatsapp-secret',
  WHATSAPP_VERIFY_TOKEN: 'test-verify-token',
  STRIPE_WEBHOOK_SECRET: 'whsec_test_secret',
  ACTION_LINK_SECRET: 'test-action-link-secret',
  PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
} as const;

export interface GatewayHarness {
  app: FastifyInstance;
  rt: Runtime;
  env: Env;
  metrics: Metrics;
  studios: StudioRegistry;
  /** Envelopes waiting in the inbox (only meaningful with consume: false). */
  inbox(): Promise<Envelope[]>;
  systemEvents(
    type?: string,
  ): Promise<{ type: string; level: string; lead_id: string | null; payload: unknown }[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  studios?: StudioConfig;
  definitions?: readonly ActorDefinition[];
  consume?: boolean;
  options?: GatewayOptions;
  deps?: Partial<GatewayDeps>;
  /** The runtime's bus (default the single-node one; NATS on isolated names with `{ nats: url }`). */
  transport?: StartRuntimeOptions['transport'];
  /** Retry delays and host options (hooks…) for the runtime. */
  retryDelaysMs?: StartRuntimeOptions['retryDelaysMs'];
  host?: StartRuntimeOptions['host'];
}

export async function startGateway(options: HarnessOptions = {}): Promise<GatewayHarness> {
  const rt = await startRuntime({
    definitions: options.definitions ?? [testCounterDefinition],
    start: options.consume ?? false,
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  const env = parseEnv({ ...SECRETS, ...options.env });
  const metrics = new Metrics();
  const studios = new StudioRegistry(options.studios ?? demoStudioConfig);
  const app = await buildApp({
    env,
    db: rt.db,
    bus: rt.bus,
    studios,
    logger: silentLogger,
    metrics,
    options: { natsAdmin: false, ...options.options },
    ...options.deps,
  });
  await app.ready();
  return {
    app,
    rt,
    env,
    metrics,
    studios,
    async inbox() {
      const rows = await sql<{ envelope: Envelope }>`select envelope from inbox order by seq`.execute(rt.db);
      return rows.rows.map((r) => r.envelope);
    },
    async systemEvents(type) {
      let q = rt.db.selectFrom('system_events').select(['type', 'level', 'lead_id', 'payload']);
      if (type !== undefined) q = q.where('type', '=', type);
      return q.orderBy('id').execute();
    },
    async close() {
      await app.close();
      await rt.stop();
    },
  };
}

export const adminHeaders = { 'x-api-key': SECRETS.ADMIN_API_KEY };

/** POSTs `body` to /webhooks/whatsapp, signed correctly unless `headers` are given. */
export function postWhatsapp(app: FastifyInstance, body: string, headers?: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    payload: body,
    headers: headers ?? whatsappHeaders(body),
  });
}

/** Headers for a correctly signed WhatsApp webhook POST of `body`. */
export function whatsappHeaders(body: string, secret: string = SECRETS.WHATSAPP_APP_SECRET) {
  return { 'content-type': 'application/json', 'x-hub-signature-256': signWhatsappBody(secret, body) };
}
