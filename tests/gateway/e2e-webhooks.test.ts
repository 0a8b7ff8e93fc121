// End to end over a real socket: signed webhooks → the gateway LISTENING on a port → in-process bus → actor
// host running the real lead machine → PostgreSQL; state and transcript observed through the admin API.
// Forged and replayed webhooks are rejected, recorded, and change nothing.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import {
  adminHeaders,
  SECRETS,
  startGateway,
  whatsappHeaders,
  type GatewayHarness,
} from './gateway-harness.ts';
import { textMessage } from './whatsapp-fixtures.ts';

interface Lead {
  id: string;
  status: string;
  step: string | null;
  version: number;
  answers: Record<string, unknown>;
}
interface Messages {
  messages: { direction: 'in' | 'out'; kind: string; text: string | null }[];
}

let gw: GatewayHarness;
let base: string;
const phone = '447700900321';
const leadId = leadIdFor('inkwell', `+${phone}`);

beforeAll(async () => {
  gw = await startGateway({
    definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
    consume: true,
  });
  base = await gw.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await gw.close();
});

async function admin(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, { headers: adminHeaders });
  return { status: res.status, body: await res.json() };
}
const currentLead = async () => (await admin(`/admin/leads/${leadId}`)).body as Lead;
const eventCount = async (type: string) =>
  ((await admin(`/admin/system-events?type=${type}`)).body as { events: unknown[] }).events.length;

async function sendWhatsapp(text: string, headers?: Record<string, string>, bodyOverride?: string) {
  const body = JSON.stringify(textMessage(text, { from: phone }));
  return fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    body: bodyOverride ?? body,
    headers: headers ?? whatsappHeaders(body),
  });
}

async function leadAtVersion(min: number): Promise<Lead> {
  let lead: Lead | undefined;
  await gw.rt.waitFor(
    async () => {
      const res = await admin(`/admin/leads/${leadId}`);
      lead = res.status === 200 ? (res.body as Lead) : undefined;
      return lead !== undefined && lead.version >= min;
    },
    15_000,
    `lead version ≥ ${min}`,
  );
  return lead as Lead;
}

describe('signed webhooks drive the real lead through a listening gateway', () => {
  it('a first message creates the lead and it asks the first question; an answer advances one step', async () => {
    const first = await sendWhatsapp('hi');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-trace-id')).toMatch(/\S+/);
    const created = await leadAtVersion(1);
    expect(created.status).toBe('QUALIFYING');
    expect(created.step).toBe('idea');

    expect((await sendWhatsapp('A koi fish swimming up a waterfall')).status).toBe(200);
    const answered = await leadAtVersion(created.version + 1);
    expect(answered.step).toBe('placement');
    expect(answered.answers).toHaveProperty('idea');

    const body = (await admin(`/admin/leads/${leadId}/messages`)).body as Messages;
    const inbound = body.messages.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(inbound).toEqual(['hi', 'A koi fish swimming up a waterfall']);
    expect(body.messages.some((m) => m.direction === 'out')).toBe(true);
  });

  it('tampered body, wrong secret and missing header are rejected and change nothing', async () => {
    await gw.rt.idle();
    const before = await currentLead();
    const body = JSON.stringify(textMessage('my forearm', { from: phone }));
    const attempts = [
      await sendWhatsapp('x', whatsappHeaders(body), body.replace('forearm', 'forehead')),
      await sendWhatsapp('x', whatsappHeaders(body, 'wrong-secret'), body),
      await sendWhatsapp('x', { 'content-type': 'application/json' }, body),
    ];
    expect(attempts.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(await eventCount('whatsapp.signature_verification_failure')).toBe(3);
    await gw.rt.idle();
    const after = await currentLead();
    expect(after).toEqual(before);
  });

  it('a Stripe webhook replayed after the 5-minute tolerance is rejected and changes nothing', async () => {
    const before = await currentLead();
    const payload = JSON.stringify({
      id: 'evt_replayed',
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_old',
          payment_status: 'paid',
          amount_total: 5000,
          currency: 'gbp',
          metadata: { lead_id: leadId },
        },
      },
    });
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: SECRETS.STRIPE_WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    const res = await fetch(`${base}/webhooks/stripe`, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('STRIPE_SIGNATURE_INVALID');
    expect(await eventCount('stripe.signature_verification_failure')).toBe(1);
    await gw.rt.idle();
    expect(await currentLead()).toEqual(before);
  });

  it('an admin control event over HTTP is applied by the actor', async () => {
    const before = await currentLead();
    const res = await fetch(`${base}/admin/leads/${leadId}/events`, {
      method: 'POST',
      body: JSON.stringify({ type: 'handover.start' }),
      headers: { ...adminHeaders, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(202);
    const after = await leadAtVersion(before.version + 1);
    expect(after.version).toBe(before.version + 1);
  });
});
