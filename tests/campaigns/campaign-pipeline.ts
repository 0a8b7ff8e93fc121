// The pieces a campaign send passes through, in one test process on a real database: the lead actors (the
// single-node runtime), the outbox relay against the fake providers and the run worker, on one clock (the
// wall clock unless a test passes its own). What the CLI and the quiet-hours tests share.
import { importContacts, type ImportReport } from '../../src/campaigns/contact-import.ts';
import { readContacts } from '../../src/campaigns/contact-source.ts';
import { createCampaignWorker, type CampaignWorker } from '../../src/campaigns/run-worker.ts';
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import type { Db } from '../../src/persistence/database.ts';
import type { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { fakeProvidersEnv, testRelayOptions } from '../effects/effects-harness.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { startRuntime, type Runtime } from '../helpers/runtime-harness.ts';

export interface CampaignPipeline {
  rt: Runtime;
  graph: FakeGraphApi;
  relay: OutboxRelay;
  worker: CampaignWorker;
  close(): Promise<void>;
}

export async function startCampaignPipeline(options: {
  studios: StudioRegistry;
  db?: Db;
  clock?: () => Date;
  /** Provider settings beyond the fake Graph and Stripe APIs (e.g. the fake Twilio's). */
  env?: Record<string, string>;
}): Promise<CampaignPipeline> {
  const clock = options.clock ?? (() => new Date());
  const [graph, stripe]: [FakeGraphApi, FakeStripeApi] = await Promise.all([
    startFakeGraphApi(),
    startFakeStripeApi(),
  ]);
  const rt = await startRuntime({
    ...(options.db ? { db: options.db } : {}),
    definitions: [createLeadDefinition(options.studios)],
    host: { clock },
  });
  const relay = createOutboxRelay({
    db: rt.db,
    bus: rt.bus,
    env: fakeProvidersEnv(graph, stripe, options.env),
    studios: options.studios,
    logger: silentLogger,
    metrics: new Metrics(),
    options: testRelayOptions,
    clock,
  });
  const worker = createCampaignWorker({
    db: rt.db,
    bus: rt.bus,
    studios: options.studios,
    logger: silentLogger,
    workerId: 'test-campaign-worker',
    pollIntervalMs: 50,
    clock,
  });
  return {
    rt,
    graph,
    relay,
    worker,
    async close() {
      await worker.stop();
      await relay.stop();
      await rt.stop();
      await Promise.all([graph.close(), stripe.close()]);
    },
  };
}

export async function importCsv(db: Db, studioId: string, csv: string): Promise<ImportReport> {
  const read = readContacts(csv);
  if (read === null) throw new Error('the CSV was not read');
  return importContacts(db, read, { studioId });
}
