// The host wakes its process's outbox relay after each commit that wrote outbox rows. With the relay's idle
// poll set to an hour, a webhook's reply reaches the (fake) Graph API only if that wake happens: before
// the fix nothing called wake() and every reply waited for the next poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappTextWebhook } from '../../src/cli/demo-conversation.ts';
import { parseEnv } from '../../src/config/env.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type Role, type RunningSystem } from '../../src/system.ts';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { natsUrl } from '../helpers/nats.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';

const APP_SECRET = 'wake-secret';
const HOUR = 3_600_000;
const studio = demoStudioConfig.studios[0]!;

async function postHello(gatewayUrl: string, phone: string): Promise<void> {
  const hook = whatsappTextWebhook({
    phoneNumberId: studio.whatsapp.phoneNumberId,
    phone,
    name: 'Wake Test',
    text: "Hi! I'd like to book a tattoo",
    appSecret: APP_SECRET,
    at: new Date(),
  });
  const response = await fetch(`${gatewayUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
    body: hook.body,
  });
  expect(response.status).toBe(200);
}

describe('the outbox relay is woken by commits', () => {
  let t: TestDatabase;
  let graph: FakeGraphApi;
  let nats: NatsServerProcess | null = null;
  const systems: RunningSystem[] = [];

  const start = (role: Role, extra: Record<string, string> = {}) =>
    startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: '0',
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_ACCESS_TOKEN: graph.token,
        WHATSAPP_API_BASE_URL: graph.url,
        LEADLINE_PROBE_INTERVAL: '0',
        LOG_LEVEL: 'silent',
        ...extra,
      }),
      role,
      studioConfig: demoStudioConfig,
      logger: silentLogger,
      tuning: { relayPollMs: HOUR },
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    graph = await startFakeGraphApi();
  });
  afterAll(async () => {
    for (const s of systems.splice(0).reverse()) await s.stop();
    await nats?.stop();
    await graph.close();
    await t.drop();
  });

  const repliesTo = (phone: string) => graph.sends.filter((s) => s.body.to === phone.replace(/^\+/, ''));

  it('single node: the reply to a webhook is sent although the relay would next poll in an hour', async () => {
    const system = await start('all');
    systems.push(system);
    const phone = '+447700900611';
    await postHello(system.url, phone);
    await waitFor(() => repliesTo(phone).length > 0, 20_000, 'the reply at the Graph API');
    await system.stop();
  });

  it.skipIf(!natsUrl())('NATS, gateway and worker apart: the worker wakes its own relay', async () => {
    nats = await startNatsServer();
    if (!nats) throw new Error('could not start nats-server');
    const onNats = { NATS_URL: nats.url, LEADLINE_PARTITIONS: '4' };
    const gateway = await start('gateway', { ...onNats, LEADLINE_WORKER_ID: 'gw' });
    systems.push(gateway);
    const worker = await start('worker', { ...onNats, LEADLINE_WORKER_ID: 'w1' });
    systems.push(worker);
    const phone = '+447700900612';
    await postHello(gateway.url, phone);
    await waitFor(() => repliesTo(phone).length > 0, 20_000, 'the reply at the Graph API');
  });
});
