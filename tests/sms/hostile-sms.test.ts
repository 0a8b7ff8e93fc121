// Hostile input on the SMS webhooks (docs/contract.md §12) through the real routes, the bus (single-node and NATS)
// and the real lead machine: a 200 KB body full of NUL, controls and lone surrogates is 200, stored
// sanitised and cut with the flag, and the lead's next message is applied; a sender that is not an E.164
// number is acknowledged (200, so the provider stops retrying) with an `sms.invalid_sender` system event,
// nothing published, no lead touched; its signature is still checked first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeOpenphoneApi, type FakeOpenphoneApi } from '../fakes/openphone-api.ts';
import { startFakeTwilioApi, type FakeTwilioApi, type TwilioSignedWebhook } from '../fakes/twilio-api.ts';
import { SECRETS, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';

const TWILIO_TOKEN = 'hostile-sms-token';
const OPENPHONE_SECRET = Buffer.from('hostile-sms-signing-key').toString('base64');
const TWILIO_NUMBER = '+15005550006';
const OPENPHONE_NUMBER = '+15005550007';
const HOSTILE = `a\u0000b\u0007\u001b[31m\ud800${'n'.repeat(200_000)}\udfff`;

function studios() {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  studio.sms = [
    { provider: 'twilio', number: TWILIO_NUMBER },
    { provider: 'openphone', number: OPENPHONE_NUMBER, phoneNumberId: 'PNhostile1' },
  ];
  return parseStudioConfig(input);
}

let seq = 0;
const nextPhone = () => `+1555700${String(1000 + seq++).padStart(4, '0')}`;

describe.each(runtimeTransports())('hostile SMS webhooks on the $name', ({ transport }) => {
  let gw: GatewayHarness;
  let twilio: FakeTwilioApi;
  let openphone: FakeOpenphoneApi;

  beforeAll(async () => {
    const config = studios();
    [gw, twilio, openphone] = await Promise.all([
      startGateway({
        definitions: [createLeadDefinition(new StudioRegistry(config))],
        studios: config,
        consume: true,
        transport,
        env: { TWILIO_AUTH_TOKEN: TWILIO_TOKEN, OPENPHONE_WEBHOOK_SECRET: OPENPHONE_SECRET },
      }),
      startFakeTwilioApi(TWILIO_TOKEN),
      startFakeOpenphoneApi(),
    ]);
    openphone.addNumber(OPENPHONE_NUMBER, 'PNhostile1');
  });
  afterAll(async () => {
    await Promise.all([gw.close(), twilio.close(), openphone.close()]);
  });

  const postTwilio = (hook: TwilioSignedWebhook) =>
    gw.app.inject({ method: 'POST', url: '/webhooks/twilio/sms', payload: hook.body, headers: hook.headers });
  const twilioText = (from: string, body: string) =>
    postTwilio(
      twilio.inbound(`${SECRETS.PUBLIC_BASE_URL}/webhooks/twilio/sms`, { from, to: TWILIO_NUMBER, body }),
    );
  const openphoneText = (from: string, text: string) => {
    const hook = openphone.received(OPENPHONE_SECRET, { from, to: OPENPHONE_NUMBER, text });
    return gw.app.inject({
      method: 'POST',
      url: '/webhooks/openphone',
      payload: hook.body,
      headers: hook.headers,
    });
  };

  async function versionOf(phone: string, atLeast: number): Promise<number> {
    let version = 0;
    await gw.rt.waitFor(
      async () => {
        const row = await gw.rt.db
          .selectFrom('leads')
          .select('version')
          .where('id', '=', leadIdFor('inkwell', phone))
          .executeTakeFirst();
        version = row === undefined ? 0 : Number(row.version);
        return version >= atLeast;
      },
      10_000,
      `lead ${phone} at version ${atLeast}`,
    );
    return version;
  }

  const inboundTexts = (phone: string) =>
    gw.rt.db
      .selectFrom('transcript')
      .select(['text', 'data'])
      .where('lead_id', '=', leadIdFor('inkwell', phone))
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();

  it.each(['twilio', 'openphone'] as const)(
    'by %s: a 200 KB body of NUL, controls and lone surrogates is 200, stored sanitised and flagged; the next message is applied',
    async (provider) => {
      const phone = nextPhone();
      const send = provider === 'twilio' ? twilioText : openphoneText;
      expect((await send(phone, HOSTILE)).statusCode).toBe(200);
      expect(await versionOf(phone, 1)).toBe(1);
      expect((await send(phone, 'next message')).statusCode).toBe(200);
      expect(await versionOf(phone, 2)).toBe(2);
      const [hostile, next] = await inboundTexts(phone);
      expect(hostile?.text?.startsWith('ab[31m\ufffdnnn')).toBe(true);
      expect(hostile?.text).not.toMatch(/[\u0000-\u0008\u001b]/);
      expect(hostile?.data).toMatchObject({ truncated: true });
      expect(next?.text).toBe('next message');
      const dead = await gw.rt.db.selectFrom('dead_letters').select('id').execute();
      expect(dead).toEqual([]);
    },
  );

  it('a sender that is not an E.164 number: 200 with sms.invalid_sender, nothing published, no lead; others go on', async () => {
    const leadsBefore = await gw.rt.db.selectFrom('leads').select('id').execute();
    const senders = ['not-a-number', '12345', 'VERIFY', `+1${'9'.repeat(40)}`];
    for (const from of senders) {
      const twilioReply = await twilioText(from, 'hello');
      expect(twilioReply.statusCode).toBe(200);
      expect(twilioReply.headers['content-type']).toMatch(/^text\/xml/);
      expect(twilioReply.body).toBe('<Response/>');
      const openphoneReply = await openphoneText(from, 'hello');
      expect(openphoneReply.statusCode).toBe(200);
      expect(openphoneReply.json()).toEqual({ received: true, accepted: 0 });
    }
    const events = await gw.systemEvents('sms.invalid_sender');
    expect(events).toHaveLength(senders.length * 2);
    expect(events.map((e) => (e.payload as { provider: string }).provider).sort()).toEqual([
      ...senders.map(() => 'openphone'),
      ...senders.map(() => 'twilio'),
    ]);
    expect(events[0]).toMatchObject({
      level: 'warn',
      lead_id: null,
      payload: { provider: 'twilio', studioId: 'inkwell', to: TWILIO_NUMBER, from: 'not-a-number' },
    });
    // A phone-like sender is masked in the event; a short code or sender id is shown as sent.
    const shown = events.map((e) => (e.payload as { from: string }).from);
    expect(shown).toContain('VERIFY');
    expect(shown).not.toContain(`+1${'9'.repeat(40)}`);
    // Nothing was published: no lead appeared, for these senders or any other.
    const leads = await gw.rt.db.selectFrom('leads').select(['id', 'phone']).execute();
    expect(leads.length).toBe(leadsBefore.length);
    expect(leads.map((l) => l.phone).filter((p) => p !== null && !/^\+\d+$/.test(p))).toEqual([]);
    // The signature is checked first: a badly signed one is refused, not acknowledged.
    const hook = twilio.inbound(`${SECRETS.PUBLIC_BASE_URL}/webhooks/twilio/sms`, {
      from: 'VERIFY',
      to: TWILIO_NUMBER,
      body: 'hello',
    });
    const forged = await postTwilio({ ...hook, headers: { ...hook.headers, 'x-twilio-signature': 'AAAA' } });
    expect(forged.statusCode).toBe(403);
    expect(await gw.systemEvents('sms.invalid_sender')).toHaveLength(senders.length * 2);
    const phone = nextPhone();
    expect((await twilioText(phone, 'hi')).statusCode).toBe(200);
    expect(await versionOf(phone, 1)).toBe(1);
  });
});
