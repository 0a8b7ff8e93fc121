// What the gateway needs from the composition root (src/system.ts builds these and calls buildApp).
import type { Bus } from '../bus/bus.ts';
import type { Env } from '../config/env.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Db } from '../persistence/database.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import type { MediaStore } from '../effects/media/media-store.ts';

export type CheckStatus = 'ok' | 'degraded' | 'unavailable';
/**
 * One readiness check. Resolving with a CheckStatus or `{ status, detail }` reports that; resolving with
 * anything else is `ok`; throwing (or a 2 s timeout) is `unavailable`.
 */
export type ReadinessCheck = () => Promise<unknown>;

export interface GatewayDeps {
  env: Env;
  db: Db;
  bus: Bus;
  studios: StudioRegistry;
  logger: Logger;
  metrics: Metrics;
  /** Extra named readiness checks, e.g. `probe` from the health probe. */
  readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** Live actor information from the host on this node (GET /admin/status). */
  hostStatus?: () => unknown;
  /** Told when POST /admin/reconciliation/runs created a run (a worker in this process starts it at once). */
  onReconciliationRun?: () => void;
  /** Where uploaded images are kept (POST /{web,app,api}/media); default: mediaStoreFromEnv. */
  mediaStore?: MediaStore;
  /** The clock of decisions made at the edge (message-API sessions, rate limits); default the system's. */
  clock?: () => Date;
  /** Tuning, mostly for tests. */
  options?: GatewayOptions;
}

/** What the provider webhooks (WhatsApp, Twilio, OpenPhone, Stripe) need. */
export type WebhookDeps = Pick<GatewayDeps, 'env' | 'db' | 'bus' | 'studios' | 'metrics'>;

export interface GatewayOptions {
  /** Maximum body size in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Admin requests per client per window (default 300 per minute). */
  adminRateLimit?: { max: number; timeWindowMs: number };
  /**
   * Behind a load balancer: trust X-Forwarded-For from these proxies (Fastify `trustProxy`), so the rate
   * limit and logs see client addresses. Off by default: a client could otherwise spoof its address.
   * Default: LEADLINE_TRUST_PROXY.
   */
  trustProxy?: boolean | number | string | string[];
  /** POST /web/messages and the web session routes: requests per client per window (default 60 per minute). */
  webRateLimit?: { max: number; timeWindowMs: number };
  /** How long the message API waits for the actor's replies (default LEADLINE_REPLY_TIMEOUT). */
  replyTimeoutMs?: number;
  /** Start the NATS admin service when NATS_URL is set (default true). */
  natsAdmin?: boolean;
}
