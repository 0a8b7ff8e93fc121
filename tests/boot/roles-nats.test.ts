// The distributed roles on a real NATS server: a gateway process publishes a signed webhook, a worker
// process applies it; the worker serves health and metrics only; the probe runs through NATS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { whatsappTextWebhook } from '../../src/cli/demo-conversation.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startSystem, type Role, type RunningSystem } from '../../src/system.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { natsUrl } from '../helpers/nats.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';

describe.skipIf(!natsUrl())('roles over NATS', () => {
  let t: TestDatabase;
  let nats: NatsServerProcess;
  const systems: RunningSystem[] = [];

  const start = (role: Role, workerId: string) =>
    startSystem({
      env: parseEnv({
        DATABASE_URL: t.url,
        // Its own server: the contract's default stream and bucket names, isolated from other tests.
        NATS_URL: nats.url,
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_API_KEY: 'roles-key',
        WHATSAPP_APP_SECRET: 'roles-secret',
        LEADLINE_PARTITIONS: '4',
        LEADLINE_PROBE_INTERVAL: '1s',
        LEADLINE_WORKER_ID: workerId,
        LOG_LEVEL: 'silent',
      }),
      role,
      studioConfig: demoStudioConfig,
      logger: silentLogger,
      tuning: { schedulerTickMs: 100 },
    });

  beforeAll(async () => {
    t = await createTestDatabase();
    const server = await startNatsServer();
    if (!server) throw new Error('could not start nats-server');
    nats = server;
  });
  afterAll(async () => {
    for (const s of systems.reverse()) await s.stop();
    await nats.stop();
    await t.drop();
  });

  it('a webhook accepted by the gateway is applied by the worker', async () => {
    const gateway = await start('gateway', 'gw');
    systems.push(gateway);
    const worker = await start('worker', 'w1');
    systems.push(worker);
    expect(gateway.bus.mode).toBe('nats');

    const studio = demoStudioConfig.studios[0];
    if (!studio) throw new Error('demo studio missing');
    const phone = '+447700900555';
    const hook = whatsappTextWebhook({
      phoneNumberId: studio.whatsapp.phoneNumberId,
      phone,
      name: 'Roles Test',
      text: 'Hello there',
      appSecret: 'roles-secret',
      at: new Date(),
    });
    const accepted = await fetch(`${gateway.url}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': hook.signature },
      body: hook.body,
    });
    expect(accepted.status).toBe(200);

    const leadId = leadIdFor(studio.id, phone);
    await waitFor(
      async () =>
        (await t.db.selectFrom('leads').select('status').where('id', '=', leadId).executeTakeFirst())
          ?.status === 'QUALIFYING',
      20_000,
      'the worker to apply the message',
    );

    // The worker answers health and metrics, not webhooks.
    expect((await fetch(`${worker.url}/webhooks/whatsapp`, { method: 'POST' })).status).toBe(404);
    const metrics = await (await fetch(`${worker.url}/metrics`)).text();
    expect(metrics).toMatch(/leadline_messages_processed_total\{outcome="applied"\} [1-9]/);
    await waitFor(
      async () => {
        const ready = (await (await fetch(`${worker.url}/readyz`)).json()) as {
          checks: Record<string, { status: string; detail?: unknown }>;
        };
        return ready.checks.probe?.status === 'ok' && typeof ready.checks.probe.detail === 'object';
      },
      20_000,
      'a probe through NATS',
    );
  });
});
