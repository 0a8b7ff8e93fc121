// The gateway over the NATS JetStream bus (distributed mode): a webhook is answered 200 only once the
// stream has it (a redelivery stays one stream message, by Nats-Msg-Id); with NATS gone, webhooks get 503
// (so Meta retries) and /readyz names the bus.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import { postWhatsapp, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { textMessage } from './whatsapp-fixtures.ts';

const server = await startNatsServer();
if (!server) {
  if (inject('natsRequired')) throw new Error('LEADLINE_REQUIRE_NATS=1 but nats-server could not be started');
  process.stderr.write('\n!!! nats-server not on PATH: gateway-on-NATS tests SKIPPED !!!\n\n');
}

describe.skipIf(!server)('gateway on the NATS bus', () => {
  const nats = server as NatsServerProcess;
  let bus: NatsBus;
  let gw: GatewayHarness;
  let running = true;

  beforeAll(async () => {
    bus = await NatsBus.connect({ servers: nats.url, partitions: 4 });
    gw = await startGateway({ deps: { bus } });
  });
  afterAll(async () => {
    await gw.close();
    await Promise.race([bus.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    if (running) await nats.stop();
  });

  it('200 only once the stream holds the message; a redelivery stays one stream message', async () => {
    const body = JSON.stringify(textMessage('on nats'));
    expect((await postWhatsapp(gw.app, body)).statusCode).toBe(200);
    expect((await postWhatsapp(gw.app, body)).statusCode).toBe(200);
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info('LEADLINE_INBOX');
      expect(info.state.messages).toBe(1);
    } finally {
      await nc.close();
    }
    expect((await gw.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('with NATS down: webhooks → 503 BUS_UNAVAILABLE and /readyz → 503 naming the bus', async () => {
    await nats.stop();
    running = false;
    await gw.rt.waitFor(async () => (await gw.app.inject({ url: '/readyz' })).statusCode === 503, 15_000);
    const ready = await gw.app.inject({ url: '/readyz' });
    expect(ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { bus: { status: 'unavailable' }, database: { status: 'ok' } },
    });
    const body = JSON.stringify(textMessage('while down'));
    const res = await postWhatsapp(gw.app, body);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'BUS_UNAVAILABLE' } });
  });
});
