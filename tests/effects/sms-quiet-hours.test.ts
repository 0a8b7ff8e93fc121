// Quiet hours at the relay: a lead texts the studio late in the evening (Europe/London, quiet 21:00-09:00).
// The direct reply goes at once, quiet hours or not; the reminder its silence timer makes an hour later is
// not a reply, so the relay puts it back (no attempt spent) until 09:00 the next morning and sends it then.
// One clock for the actor host, the timers and the relay, as in production; providers are the local fakes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import { smsEnvelope, smsItems } from '../../src/gateway/webhooks/sms-inbound.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { testIso } from '../helpers/test-clock.ts';
import { fakeProvidersEnv, testRelayOptions } from './effects-harness.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';

const NUMBER = '+15005550006';
const LEAD_PHONE = '+15551239876';
const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'quiet-hours-token';

function quietStudios(): StudioRegistry {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  studio.sms = [{ provider: 'twilio', number: NUMBER }];
  studio.quietHours = { start: '21:00', end: '09:00' };
  studio.timezone = 'Europe/London';
  studio.timings = { handoverCooldown: '6h', reminderAfter: '1h', staleAfter: '3d', windowHours: 24 };
  return new StudioRegistry(parseStudioConfig(input));
}

let now = Date.parse(testIso('2026-11-23T22:00:00.000Z'));
let rt: Runtime;
let relay: OutboxRelay;
let twilio: FakeTwilioApi;
let graph: FakeGraphApi;
let stripe: FakeStripeApi;
const studios = quietStudios();
const leadId = leadIdFor('inkwell', LEAD_PHONE);

beforeAll(async () => {
  [twilio, graph, stripe] = await Promise.all([
    startFakeTwilioApi(TOKEN, ACCOUNT),
    startFakeGraphApi(),
    startFakeStripeApi(),
  ]);
  const clock = () => new Date(now);
  rt = await startRuntime({ definitions: [createLeadDefinition(studios)], host: { clock } });
  relay = createOutboxRelay({
    db: rt.db,
    bus: rt.bus,
    env: fakeProvidersEnv(graph, stripe, {
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_API_BASE_URL: twilio.url,
    }),
    studios,
    logger: silentLogger,
    metrics: new Metrics(),
    options: testRelayOptions,
    clock,
  });
});
afterAll(async () => {
  await relay.stop();
  await rt.stop();
  await Promise.all([twilio.close(), graph.close(), stripe.close()]);
});

const outbox = () =>
  rt.db
    .selectFrom('outbox')
    .select(['id', 'status', 'attempts', 'next_attempt_at', 'payload'])
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'effect.message.send')
    .orderBy('seq')
    .execute();

describe('SMS quiet hours at the relay', () => {
  it('a reminder made inside quiet hours is deferred to their end and sent then; the direct reply is not', async () => {
    const at = new Date(now).toISOString();
    const [item] = smsItems(
      { provider: 'twilio', from: LEAD_PHONE, to: NUMBER, sentAt: at },
      'SMquiet1',
      'hi',
      [],
    );
    if (!item) throw new Error('expected an item');
    await rt.publish(smsEnvelope('inkwell', item, at));
    await rt.idle();
    await relay.runOnce();
    // 22:00 is inside quiet hours, but the greeting answers the lead's message: sent at once.
    expect(twilio.sent.map((m) => m.to)).toEqual([LEAD_PHONE]);

    now = Date.parse(testIso('2026-11-23T23:00:00.000Z'));
    await rt.fireTimers(new Date(now));
    const [, reminder] = await outbox();
    expect(reminder?.payload).toMatchObject({ channel: 'sms', to: LEAD_PHONE });
    expect(reminder?.payload).not.toHaveProperty('inReplyTo');
    await relay.runOnce();
    const deferred = (await outbox())[1];
    expect(deferred).toMatchObject({ status: 'pending', attempts: 0 });
    expect(deferred?.next_attempt_at.toISOString()).toBe(testIso('2026-11-24T09:00:00.000Z'));
    expect(twilio.sent).toHaveLength(1);

    // Still quiet at 08:59: nothing is due.
    now = Date.parse(testIso('2026-11-24T08:59:00.000Z'));
    expect(await relay.runOnce()).toBe(0);
    expect(twilio.sent).toHaveLength(1);

    now = Date.parse(testIso('2026-11-24T09:00:00.000Z'));
    await relay.runOnce();
    expect((await outbox())[1]).toMatchObject({ status: 'done', attempts: 1 });
    expect(twilio.sent).toHaveLength(2);
    expect(twilio.sent[1]).toMatchObject({ to: LEAD_PHONE, from: NUMBER });
    expect(twilio.sent[1]?.body).toMatch(/^Just checking in!/);
  });
});
