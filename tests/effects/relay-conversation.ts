// A lead conversation through the real single-node runtime WITH the outbox relay executing its effects
// against the fake Graph and Stripe servers. The relay runs on the conversation's clock, like the
// scheduler, so Stripe expiries and timers agree.
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { RuntimeConversation } from '../transcripts/runtime-conversation.ts';
import { fakeProvidersEnv, testRelayOptions, waitFor } from './effects-harness.ts';

export interface RelayConversation {
  conversation: RuntimeConversation;
  graph: FakeGraphApi;
  stripe: FakeStripeApi;
  relay: OutboxRelay;
  /** Relay and runtime in turn until neither has anything left (feedback can make new effects). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startRelayConversation(): Promise<RelayConversation> {
  const graph = await startFakeGraphApi();
  const stripe = await startFakeStripeApi();
  const conversation = await RuntimeConversation.start();
  const relay = createOutboxRelay({
    db: conversation.db,
    bus: conversation.rt.bus,
    env: fakeProvidersEnv(graph, stripe),
    studios: new StudioRegistry(demoStudioConfig),
    logger: silentLogger,
    metrics: new Metrics(),
    options: testRelayOptions,
    clock: () => new Date(conversation.now),
  });
  return {
    conversation,
    graph,
    stripe,
    relay,
    async settle() {
      await waitFor(async () => {
        const handled = await relay.runOnce();
        await conversation.rt.idle();
        const open = await conversation.db
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['pending', 'running'])
          .execute();
        return handled === 0 && open.length === 0;
      });
    },
    async close() {
      await relay.stop();
      await conversation.close();
      await graph.close();
      await stripe.close();
    },
  };
}
