// Everything an effects test needs: a fresh database, the real in-process bus (envelopes land in the
// `inbox` table; nothing consumes them here, so tests read what the relay fed back), the demo studio, fake
// Graph and Stripe servers, and relays pointed at them with small delays.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Bus } from '../../src/bus/bus.ts';
import { createInProcessBus } from '../../src/bus/in-process-bus.ts';
import { parseEnv, type Env } from '../../src/config/env.ts';
import type { OutboxEffect } from '../../src/domain/effects.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { FilesystemMediaStore } from '../../src/effects/media/media-store.ts';
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import type { RelayOptions } from '../../src/effects/relay-options.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { Db } from '../../src/persistence/database.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';

export const studio = demoStudioConfig.studios[0]!;
export const ACTION_LINK_SECRET = 'test-action-link-secret';
export const PUBLIC_BASE_URL = 'https://leadline.example';

/** Fast retries for tests: 20 ms base backoff, tiny timeouts. */
export const testRelayOptions: Partial<RelayOptions> = {
  pollIntervalMs: 10,
  leaseMs: 5_000,
  maxAttempts: 4,
  backoff: { baseMs: 20, maxMs: 200 },
  breaker: { threshold: 100, cooldownMs: 50 },
  timeouts: { connectMs: 300, responseMs: 300 },
};

export interface EffectsHarness {
  db: Db;
  bus: Bus;
  env: Env;
  graph: FakeGraphApi;
  stripe: FakeStripeApi;
  metrics: Metrics;
  mediaRoot: string;
  studios: StudioRegistry;
  /** A relay on the harness bus, or on `bus` (e.g. one whose publishes fail, to play an outage). */
  relay(options?: Partial<RelayOptions>, bus?: Bus): OutboxRelay;
  /** Inserts an outbox row the way the actor host does (plus its outbound transcript row when asked). */
  enqueue(effect: OutboxEffect, options?: { leadId?: string; transcript?: boolean }): Promise<string>;
  /** Envelopes the relay published for a lead, in order. */
  published(leadId?: string): Promise<Envelope[]>;
  outboxRow(id: string): Promise<Awaited<ReturnType<typeof loadRow>>>;
  /** Runs the relay until every outbox row is done or failed (deadline 10 s). */
  drain(relay: OutboxRelay): Promise<void>;
  close(): Promise<void>;
}

export const LEAD = leadIdFor(studio.id, '+447700900123');

async function loadRow(db: Db, id: string) {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Configuration pointing the real provider clients at the local fakes. */
export function fakeProvidersEnv(
  graph: FakeGraphApi,
  stripe: FakeStripeApi,
  overrides: Record<string, string> = {},
): Env {
  return parseEnv({
    WHATSAPP_API_BASE_URL: graph.url,
    WHATSAPP_ACCESS_TOKEN: graph.token,
    STRIPE_SECRET_KEY: 'sk_test_fake',
    STRIPE_API_BASE_URL: stripe.url,
    ACTION_LINK_SECRET,
    PUBLIC_BASE_URL,
    ...overrides,
  });
}

export async function startEffectsHarness(
  envOverrides: Record<string, string> = {},
  studioConfig: StudioConfig = demoStudioConfig,
): Promise<EffectsHarness> {
  const database: TestDatabase = await createTestDatabase();
  const graph = await startFakeGraphApi();
  const stripe = await startFakeStripeApi();
  const mediaRoot = await mkdtemp(path.join(os.tmpdir(), 'leadline-media-'));
  const env = fakeProvidersEnv(graph, stripe, { LEADLINE_HOME: mediaRoot, ...envOverrides });
  const { db } = database;
  const bus = createInProcessBus({ db, partitions: 4 });
  const metrics = new Metrics();
  const studios = new StudioRegistry(studioConfig);
  const mediaStore = new FilesystemMediaStore(path.join(mediaRoot, 'media'));
  const relays: OutboxRelay[] = [];

  return {
    db,
    bus,
    env,
    graph,
    stripe,
    metrics,
    mediaRoot,
    studios,
    relay(options = {}, relayBus = bus) {
      const relay = createOutboxRelay({
        db,
        bus: relayBus,
        env,
        studios,
        logger: silentLogger,
        metrics,
        mediaStore,
        options: { ...testRelayOptions, ...options },
      });
      relays.push(relay);
      return relay;
    },
    async enqueue(effect, options = {}) {
      const id = randomUUID();
      const leadId = options.leadId ?? LEAD;
      await db
        .insertInto('outbox')
        .values({
          id,
          lead_id: leadId,
          kind: effect.type,
          payload: effect as unknown as Record<string, unknown>,
        })
        .execute();
      if (options.transcript)
        await db
          .insertInto('transcript')
          .values({
            lead_id: leadId,
            direction: 'out',
            kind: 'text',
            text: 'hi',
            data: null,
            outbox_id: id,
            provider_message_id: null,
            delivery_status: null,
            at: new Date(),
          })
          .execute();
      return id;
    },
    async published(leadId = LEAD) {
      const rows = await db
        .selectFrom('inbox')
        .select('envelope')
        .where('lead_id', '=', leadId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.envelope as Envelope);
    },
    outboxRow: (id) => loadRow(db, id),
    async drain(relay) {
      await waitFor(async () => {
        await relay.runOnce();
        const open = await db
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['pending', 'running'])
          .execute();
        return open.length === 0;
      });
    },
    async close() {
      for (const relay of relays) await relay.stop();
      await bus.close();
      await graph.close();
      await stripe.close();
      await database.drop();
      await rm(mediaRoot, { recursive: true, force: true });
    },
  };
}
