// The HTTP edges: error envelope for framework errors, trace ids, health, readiness and metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/persistence/database.ts';
import { createInProcessBus } from '../../src/bus/in-process-bus.ts';
import { adminHeaders, postWhatsapp, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { textMessage } from './whatsapp-fixtures.ts';

let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway({ options: { bodyLimit: 64 * 1024 } });
});
afterAll(async () => {
  await gw.close();
});

interface Envelope {
  error: { code: string; message: string };
  traceId: string;
}

describe('error envelope', () => {
  it('404 for an unknown route, in the envelope, with X-Trace-Id', async () => {
    const res = await gw.app.inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    const body = res.json<Envelope>();
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.traceId).toBe(res.headers['x-trace-id']);
    // `details` is always there (docs/contract.md §3), null when there is nothing more to say.
    expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message']);
    expect(body.error).toHaveProperty('details', null);
    const doc = (await gw.app.inject({ url: '/docs/json' })).json<{
      components: { schemas: { ErrorEnvelope: { properties: { error: { required?: string[] } } } } };
    }>();
    expect(doc.components.schemas.ErrorEnvelope.properties.error.required).toContain('details');
  });

  it('413 for a body over the limit', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: `/admin/leads/ld_x/events`,
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ type: 'message.send', text: 'x'.repeat(100_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<Envelope>().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('415 for a content type the route does not take', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'text/xml' },
      payload: '<x/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json<Envelope>().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('400 MALFORMED_JSON for a broken JSON body on a JSON route', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/admin/leads/ld_x/events',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: '{"type": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<Envelope>().error.code).toBe('MALFORMED_JSON');
  });
});

describe('trace ids', () => {
  it('echoes X-Trace-Id, derives from traceparent, else generates', async () => {
    const given = await gw.app.inject({ url: '/healthz', headers: { 'x-trace-id': 'abc-123' } });
    expect(given.headers['x-trace-id']).toBe('abc-123');
    const parent = await gw.app.inject({
      url: '/healthz',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(parent.headers['x-trace-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const generated = await gw.app.inject({
      url: '/healthz',
      headers: { 'x-trace-id': 'bad value with spaces' },
    });
    expect(generated.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('health, readiness, metrics', () => {
  it('/healthz is ok', async () => {
    const res = await gw.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when the database and the bus answer', async () => {
    const res = await gw.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok' }, bus: { status: 'ok' } },
    });
  });

  it('/readyz is 503 naming the failed checks; degraded extra checks keep 200', async () => {
    const deadDb = createDatabase({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const deadBus = createInProcessBus({ db: deadDb, partitions: 1 });
    const broken = await startGateway({ deps: { db: deadDb, bus: deadBus } });
    const degraded = await startGateway({
      deps: { readinessChecks: { probe: () => Promise.resolve({ status: 'degraded', detail: 'slow' }) } },
    });
    try {
      const res = await broken.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'unavailable',
        checks: { database: { status: 'unavailable' }, bus: { status: 'unavailable' } },
      });
      const res2 = await degraded.app.inject({ url: '/readyz' });
      expect(res2.statusCode).toBe(200);
      expect(res2.json()).toMatchObject({
        status: 'degraded',
        checks: { probe: { status: 'degraded', detail: 'slow' } },
      });
    } finally {
      await broken.close();
      await degraded.close();
      await deadBus.close();
      await deadDb.destroy();
    }
  });

  it('a webhook the bus cannot accept → 503 BUS_UNAVAILABLE (so Meta retries)', async () => {
    const deadDb = createDatabase({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const deadBus = createInProcessBus({ db: deadDb, partitions: 1 });
    const broken = await startGateway({ deps: { bus: deadBus } });
    try {
      const body = JSON.stringify(textMessage('hi'));
      const res = await postWhatsapp(broken.app, body);
      expect(res.statusCode).toBe(503);
      expect(res.json<Envelope>().error.code).toBe('BUS_UNAVAILABLE');
    } finally {
      await broken.close();
      await deadBus.close();
      await deadDb.destroy();
    }
  });

  it('/metrics serves Prometheus text with the gateway counters and DB gauges', async () => {
    const body = JSON.stringify(textMessage('count me'));
    await postWhatsapp(gw.app, body);
    await postWhatsapp(gw.app, body, { 'content-type': 'application/json' });
    await gw.rt.db
      .insertInto('outbox')
      .values({ id: crypto.randomUUID(), lead_id: 'ld_x', kind: 'effect.message.send', payload: {} })
      .execute();
    const res = await gw.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('leadline_inbound_accepted_total{source="whatsapp"} 1');
    expect(res.body).toContain('leadline_inbound_rejected_total{source="whatsapp",reason="signature"} 1');
    expect(res.body).toMatch(/leadline_outbox_backlog 1\b/);
    expect(res.body).toContain('leadline_dead_letters 0');
  });
});

describe('Stripe Checkout return pages', () => {
  it('success_url and cancel_url answer small HTML pages, documented in OpenAPI', async () => {
    const success = await gw.app.inject({ url: '/deposit/success?session_id=cs_test_123' });
    expect(success.statusCode).toBe(200);
    expect(success.headers['content-type']).toContain('text/html');
    expect(success.body).toContain('being confirmed');
    expect(success.body).toContain('WhatsApp');
    const cancelled = await gw.app.inject({ url: '/deposit/cancelled' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.headers['content-type']).toContain('text/html');
    expect(cancelled.body).toContain('still works until it expires');
    const doc = (await gw.app.inject({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(doc.paths).toHaveProperty(['/deposit/success', 'get']);
    expect(doc.paths).toHaveProperty(['/deposit/cancelled', 'get']);
  });
});
