// No secret in any log line: the real `leadline start` (production, every secret configured, logging at
// trace) runs a whole conversation — the subscription handshake, signed webhooks, a badly signed one, the
// artist's action link, the Stripe checkout and its webhook, a booking, admin calls with key and bearer —
// and its captured output must not contain any secret's value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { freePort } from '../helpers/servers.ts';
import {
  client,
  DEMO_ARTIST_DIGITS,
  eventually,
  secrets,
  sendsTo,
  sendText,
  startLeadline,
  stripeEvent,
  textMessage,
  whatsappWebhook,
  type Lead,
  type RunningGateway,
} from './blackbox-client.ts';

let database: TestDatabase;
let graph: FakeGraphApi;
let stripeApi: FakeStripeApi;
let leadline: RunningGateway;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  [database, graph, stripeApi] = await Promise.all([
    createTestDatabase({ migrate: false }),
    startFakeGraphApi(secrets.accessToken),
    startFakeStripeApi(),
  ]);
  leadline = await startLeadline({
    port: await freePort(),
    databaseUrl: database.url,
    graphUrl: graph.url,
    stripeUrl: stripeApi.url,
    env: { LOG_LEVEL: 'trace' },
  });
  api = client(leadline.base);
}, 60_000);

afterAll(async () => {
  await leadline.stop();
  await Promise.all([graph.close(), stripeApi.close(), database.drop()]);
});

describe('logs', () => {
  it('a full run with every secret configured logs none of them', async () => {
    const digits = '447700955501';
    const say = async (text: string): Promise<Lead> => {
      const before = await api.leadByPhone(`+${digits}`);
      expect((await api.postWhatsapp(whatsappWebhook(digits, [textMessage(text)]))).status).toBe(200);
      return eventually(`"${text}" to be processed`, async () => {
        const lead = await api.leadByPhone(`+${digits}`);
        return lead && lead.version > (before?.version ?? 0) ? lead : undefined;
      });
    };
    const waitForStatus = (status: string) =>
      eventually(`status ${status}`, async () => {
        const lead = await api.leadByPhone(`+${digits}`);
        return lead?.status === status ? lead : undefined;
      });

    const handshake = await api.get(
      `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${secrets.verifyToken}&hub.challenge=7`,
    );
    expect(handshake.text).toBe('7');
    expect((await api.get('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong')).status).toBe(403);
    expect(
      (await api.postWhatsapp(whatsappWebhook(digits, [textMessage('x')]), { signature: 'sha256=00' }))
        .status,
    ).toBe(401);

    for (const text of [
      'A koi fish swimming up my arm',
      'left forearm',
      '10x15cm',
      'realism',
      'none',
      '£300',
    ]) {
      await say(text);
    }
    const pending = await waitForStatus('PENDING_APPROVAL');
    expect((await api.admin(`/admin/leads/${pending.id}`, { auth: 'bearer' })).status).toBe(200);

    const artistMessage = await eventually('the artist notification', () =>
      sendsTo(graph, DEMO_ARTIST_DIGITS).find((s) => sendText(s).includes('/a/')),
    );
    const approveUrl = new URL([...sendText(artistMessage).matchAll(/https?:\/\/\S+\/a\/\S+/g)][0]?.[0] ?? '')
      .pathname;
    expect((await api.get(approveUrl)).status).toBe(200);
    expect((await api.get(approveUrl, {}, 'POST')).status).toBe(200);
    await waitForStatus('AWAITING_DEPOSIT');

    const session = await eventually('a checkout session', () =>
      stripeApi.sessions.find((s) => (s.metadata as { lead_id: string }).lead_id === pending.id),
    );
    await eventually('the deposit link', () =>
      sendsTo(graph, digits).some((s) => sendText(s).includes(String(session.url))),
    );
    const paid = stripeEvent('checkout.session.completed', {
      ...session,
      status: 'complete',
      payment_status: 'paid',
    });
    expect((await api.postStripe(paid)).status).toBe(200);
    expect((await api.postStripe(paid, 't=1,v1=deadbeef')).status).toBe(400);
    await waitForStatus('BOOKING');
    await eventually('slot offers', () => sendsTo(graph, digits).some((s) => /\n1\. /.test(sendText(s))));
    await say('1');
    await waitForStatus('BOOKED');
    expect((await api.admin('/admin/system-events?level=warn')).status).toBe(200);
    expect((await api.admin('/admin/leads', { auth: 'none' })).status).toBe(401);

    expect(await leadline.stop()).toBe(0);
    const output = leadline.output();
    // The run really logged (requests, effects), so an empty output cannot pass.
    expect(output.split('\n').filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThan(15);
    const leaked = Object.entries(secrets).filter(([, value]) => output.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
    // Nor the capability in the artist's link.
    expect(output).not.toContain(approveUrl.slice('/a/'.length));
  }, 120_000);
});
