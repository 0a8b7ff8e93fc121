// Through the real SMS webhook route (signed by the fake Twilio, the gateway publishing, the host applying):
// a message whose webhook was never posted is found by a run and delivered once; the late webhook is a
// harmless duplicate. A channel health probe's echo posted to the same route reaches no lead and marks the
// probe ok.
import { afterEach, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { channelHealthJob } from '../../src/reconciliation/channel-health.ts';
import { historySourcesFromEnv, providerClientsFromEnv } from '../../src/reconciliation/history-sources.ts';
import { createRun, runView } from '../../src/reconciliation/run-store.ts';
import { createReconcileWorker } from '../../src/reconciliation/run-worker.ts';
import { reconcileNumbersOf } from '../../src/reconciliation/studio-numbers.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeTwilioApi, type FakeTwilioApi, type TwilioSignedWebhook } from '../fakes/twilio-api.ts';
import { SECRETS, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';

const TOKEN = 'recon-twilio-token';
const NUMBER = '+15005550006';
const LEAD = '+15551230001';
const URL_SMS = `${SECRETS.PUBLIC_BASE_URL}/webhooks/twilio/sms`;

function config() {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  studio.sms = [{ provider: 'twilio', number: NUMBER }];
  return parseStudioConfig(input);
}

let gw: GatewayHarness | undefined;
let twilio: FakeTwilioApi | undefined;
afterEach(async () => {
  await gw?.close();
  await twilio?.close();
  gw = undefined;
  twilio = undefined;
});

async function post(g: GatewayHarness, hook: TwilioSignedWebhook) {
  const res = await g.app.inject({
    method: 'POST',
    url: '/webhooks/twilio/sms',
    payload: hook.body,
    headers: hook.headers,
  });
  expect(res.statusCode).toBe(200);
}

it('a lost webhook is delivered once by a run; the late webhook and a probe echo change no lead', async () => {
  const studios = new StudioRegistry(config());
  gw = await startGateway({
    studios: config(),
    env: { TWILIO_AUTH_TOKEN: TOKEN },
    consume: true,
    definitions: [createLeadDefinition(studios)],
  });
  twilio = await startFakeTwilioApi(TOKEN);
  const g = gw;
  const t = twilio;
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000);
  await post(g, t.inbound(URL_SMS, { from: LEAD, to: NUMBER, body: 'hi' }, at(3)));
  const lost = t.inbound(URL_SMS, { from: LEAD, to: NUMBER, body: 'a fox on a branch' }, at(2));
  await post(g, t.inbound(URL_SMS, { from: LEAD, to: NUMBER, body: 'left forearm' }, at(1)));
  await g.rt.idle();

  const env = {
    TWILIO_ACCOUNT_SID: t.accountSid,
    TWILIO_AUTH_TOKEN: t.authToken,
    TWILIO_API_BASE_URL: t.url,
    OPENPHONE_API_KEY: undefined,
    OPENPHONE_API_BASE_URL: 'http://127.0.0.1:9',
  };
  const worker = createReconcileWorker({
    db: g.rt.db,
    bus: g.rt.bus,
    studios,
    sources: historySourcesFromEnv(env),
    logger: silentLogger,
    workerId: 'w',
  });
  const reconcile = async () => {
    const id = await createRun(g.rt.db, {
      trigger: 'manual',
      hoursBack: 48,
      numbers: reconcileNumbersOf(studios.all()),
      now: new Date(),
    });
    await worker.drain();
    await g.rt.idle();
    return id === null ? undefined : runView(g.rt.db, id, new Date());
  };
  const transcript = () =>
    g.rt.db
      .selectFrom('transcript')
      .select(['text', 'provider_message_id'])
      .where('lead_id', '=', leadIdFor('inkwell', LEAD))
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();

  expect(await reconcile()).toMatchObject({
    status: 'succeeded',
    messagesProcessed: 3,
    newMessages: 1,
    existingMessages: 2,
  });
  const sid = lost.params.MessageSid;
  expect((await transcript()).filter((r) => r.provider_message_id === sid)).toHaveLength(1);
  expect(await reconcile()).toMatchObject({ newMessages: 0, existingMessages: 3 });
  const lead = () =>
    g.rt.db
      .selectFrom('leads')
      .select('version')
      .where('id', '=', leadIdFor('inkwell', LEAD))
      .executeTakeFirst();
  const before = await lead();
  await post(g, lost);
  await g.rt.idle();
  expect((await transcript()).map((r) => r.text)).toEqual(['hi', 'left forearm', 'a fox on a branch']);
  expect(await lead()).toEqual(before);

  // The hourly probe: sent through Twilio from the number to itself; its echo comes back to the route.
  const job = channelHealthJob({
    db: g.rt.db,
    logger: silentLogger,
    clients: providerClientsFromEnv(env),
    numbers: () => reconcileNumbersOf(studios.all()),
    startDelayMs: 0, // probe on the job's first run (a started system waits a while first)
  });
  const now = new Date();
  expect(await job.run({ now, periodStart: now })).toEqual({ probed: 1, failed: 0 });
  const probe = t.sent.at(-1);
  expect(probe).toMatchObject({ from: NUMBER, to: NUMBER });
  await post(g, t.inbound(URL_SMS, { from: NUMBER, to: NUMBER, body: probe?.body ?? '' }));
  await g.rt.idle();
  const later = new Date(now.getTime() + 5_000);
  expect(await job.run({ now: later, periodStart: later })).toEqual({ probed: 0, failed: 0 });
  const checks = await g.rt.db.selectFrom('channel_health_checks').select(['ok', 'received_at']).execute();
  expect(checks.map((c) => [c.ok, c.received_at instanceof Date])).toEqual([[true, true]]);
  expect(
    await g.rt.db.selectFrom('leads').select('id').where('id', '=', leadIdFor('inkwell', NUMBER)).execute(),
  ).toEqual([]);
  // Nor is the probe in the next run's figures.
  expect(await reconcile()).toMatchObject({ messagesProcessed: 3, newMessages: 0, consistencyRate: 1 });
});
