// POST /webhooks/stripe through the real app, bus and database; Stripe's own test-header generator signs.
import Stripe from 'stripe';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { SECRETS, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { insertLead } from './lead-rows.ts';

let gw: GatewayHarness;
const leadId = leadIdFor('inkwell', '+447700900123');

beforeAll(async () => {
  gw = await startGateway();
  await insertLead(gw.rt.db, { id: leadId, phone: '+447700900123' });
});
afterAll(async () => {
  await gw.close();
});
beforeEach(async () => {
  await sql`delete from inbox`.execute(gw.rt.db);
  await sql`delete from system_events`.execute(gw.rt.db);
});

let n = 0;
function checkoutEvent(type: string, metadata: Record<string, string> = { lead_id: leadId }) {
  n++;
  return {
    id: `evt_test_${Date.now()}_${n}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `cs_test_${n}`,
        object: 'checkout.session',
        payment_status: type.endsWith('completed') ? 'paid' : 'unpaid',
        amount_total: 5000,
        currency: 'gbp',
        metadata,
      },
    },
  };
}

function send(
  event: object,
  options: { secret?: string; timestamp?: number; header?: string | null; tamper?: boolean } = {},
) {
  const payload = JSON.stringify(event);
  const header =
    options.header === undefined
      ? Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: options.secret ?? SECRETS.STRIPE_WEBHOOK_SECRET,
          ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
        })
      : options.header;
  return gw.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    payload: options.tamper ? payload.replace('5000', '1') : payload,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(header === null ? {} : { 'stripe-signature': header }),
    },
  });
}

describe('POST /webhooks/stripe', () => {
  it('checkout.session.completed → stripe.checkout.completed on the lead named in metadata', async () => {
    const event = checkoutEvent('checkout.session.completed');
    const res = await send(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, handled: true });
    const [envelope] = await gw.inbox();
    expect(envelope).toMatchObject({
      id: `stripe:${event.id}`,
      leadId,
      studioId: 'inkwell',
      event: {
        type: 'stripe.checkout.completed',
        eventId: event.id,
        sessionId: event.data.object.id,
        paymentStatus: 'paid',
        amountTotal: 5000,
        currency: 'gbp',
      },
    });
  });

  it('checkout.session.expired → stripe.checkout.expired; a redelivery stays one message', async () => {
    const event = checkoutEvent('checkout.session.expired');
    expect((await send(event)).statusCode).toBe(200);
    expect((await send(event)).statusCode).toBe(200);
    const inbox = await gw.inbox();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]?.event).toMatchObject({
      type: 'stripe.checkout.expired',
      sessionId: event.data.object.id,
    });
  });

  it.each([
    ['wrong secret', { secret: 'whsec_other' }],
    ['missing header', { header: null }],
    ['garbage header', { header: 't=1,v1=abc' }],
    ['replayed: signed 6 minutes ago', { timestamp: Math.floor(Date.now() / 1000) - 360 }],
    ['tampered body', { tamper: true }],
  ])('%s → 400, a system event, nothing published', async (_name, options) => {
    const res = await send(checkoutEvent('checkout.session.completed'), options);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'STRIPE_SIGNATURE_INVALID' } });
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('stripe.signature_verification_failure')).toHaveLength(1);
  });

  it('a correctly signed body that is not JSON → 400 MALFORMED_JSON, no signature-failure event', async () => {
    const payload = '{"id": "evt_1", not json';
    const res = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': Stripe.webhooks.generateTestHeaderString({
          payload,
          secret: SECRETS.STRIPE_WEBHOOK_SECRET,
        }),
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('stripe.signature_verification_failure')).toEqual([]);
  });

  it('an unknown lead → 200, stripe.unknown_lead, nothing published', async () => {
    const res = await send(checkoutEvent('checkout.session.completed', { lead_id: 'ld_nobody' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, handled: false });
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('stripe.unknown_lead')).toHaveLength(1);
  });

  it('no lead row yet but a known studio_id in metadata → routed with that studio', async () => {
    const other = leadIdFor('inkwell', '+447700900999');
    const res = await send(
      checkoutEvent('checkout.session.completed', { lead_id: other, studio_id: 'inkwell' }),
    );
    expect(res.json()).toEqual({ received: true, handled: true });
    expect((await gw.inbox())[0]).toMatchObject({ leadId: other, studioId: 'inkwell' });
  });

  it('other event types → 200 ignored, recorded at debug', async () => {
    const res = await send({
      ...checkoutEvent('payment_intent.succeeded'),
      data: { object: { id: 'pi_1' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, handled: false });
    expect(await gw.inbox()).toEqual([]);
    const [ignored] = await gw.systemEvents('stripe.event_ignored');
    expect(ignored?.level).toBe('debug');
  });
});
