// POST /webhooks/twilio/sms, /webhooks/twilio/status and /webhooks/openphone through the real app (inject),
// the real in-process bus and PostgreSQL, with webhooks signed by the fakes the way the providers sign
// them. The host is not consuming, so the inbox table holds exactly what the gateway durably accepted.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { EMPTY_TWIML } from '../../src/gateway/routes/twilio-webhook.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { startFakeOpenphoneApi, type FakeOpenphoneApi } from '../fakes/openphone-api.ts';
import {
  newSid,
  startFakeTwilioApi,
  type FakeTwilioApi,
  type TwilioSignedWebhook,
} from '../fakes/twilio-api.ts';
import { SECRETS, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { insertLead } from './lead-rows.ts';

const TWILIO_TOKEN = 'gw-twilio-token';
const OPENPHONE_SECRET = Buffer.from('gw-openphone-signing-key').toString('base64');
const TWILIO_NUMBER = '+15005550006';
const OPENPHONE_NUMBER = '+15005550007';
const LEAD = '+15551230001';
const base = SECRETS.PUBLIC_BASE_URL;

function studiosWithSms() {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  studio.sms = [
    { provider: 'twilio', number: TWILIO_NUMBER },
    { provider: 'openphone', number: OPENPHONE_NUMBER, phoneNumberId: 'PNinkwell1' },
  ];
  return parseStudioConfig(input);
}

let gw: GatewayHarness;
let twilio: FakeTwilioApi;
let openphone: FakeOpenphoneApi;
beforeAll(async () => {
  [gw, twilio, openphone] = await Promise.all([
    startGateway({
      studios: studiosWithSms(),
      env: { TWILIO_AUTH_TOKEN: TWILIO_TOKEN, OPENPHONE_WEBHOOK_SECRET: OPENPHONE_SECRET },
    }),
    startFakeTwilioApi(TWILIO_TOKEN),
    startFakeOpenphoneApi(),
  ]);
  openphone.addNumber(OPENPHONE_NUMBER, 'PNinkwell1');
});
afterAll(async () => {
  await Promise.all([gw.close(), twilio.close(), openphone.close()]);
});
beforeEach(async () => {
  await sql`delete from inbox`.execute(gw.rt.db);
  await sql`delete from system_events`.execute(gw.rt.db);
});

function postTwilio(hook: TwilioSignedWebhook, headers: Record<string, string> = hook.headers) {
  return gw.app.inject({
    method: 'POST',
    url: new URL(hook.url).pathname + new URL(hook.url).search,
    payload: hook.body,
    headers,
  });
}

const inboundHook = (message: { body: string; from?: string; to?: string; sid?: string }) =>
  twilio.inbound(`${base}/webhooks/twilio/sms`, { from: LEAD, to: TWILIO_NUMBER, ...message });

describe('POST /webhooks/twilio/sms', () => {
  it('a signed message → one message.received envelope for the lead, then an empty TwiML document', async () => {
    const sid = newSid('SM');
    const res = await postTwilio(inboundHook({ body: 'Hi, a koi please', sid }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toBe(EMPTY_TWIML);
    const [envelope, ...rest] = await gw.inbox();
    expect(rest).toEqual([]);
    expect(envelope).toMatchObject({
      id: `twilio:${sid}`,
      leadId: leadIdFor('inkwell', LEAD),
      studioId: 'inkwell',
      event: {
        type: 'message.received',
        channel: 'sms',
        provider: 'twilio',
        messageId: sid,
        from: [{ type: 'phone', value: LEAD }],
        to: TWILIO_NUMBER,
        content: { kind: 'text', text: 'Hi, a koi please' },
      },
      transcript: { direction: 'in', kind: 'text', text: 'Hi, a koi please', providerMessageId: sid },
    });
  });

  it('the same phone on WhatsApp and SMS to one studio is one lead id', async () => {
    await postTwilio(inboundHook({ body: 'hello' }));
    const [envelope] = await gw.inbox();
    expect(envelope?.leadId).toBe(leadIdFor('inkwell', LEAD));
  });

  it('a duplicate MessageSid is accepted again and stays one message', async () => {
    const hook = inboundHook({ body: 'twice' });
    expect((await postTwilio(hook)).statusCode).toBe(200);
    expect((await postTwilio(hook)).statusCode).toBe(200);
    expect(await gw.inbox()).toHaveLength(1);
  });

  it('an MMS: one item per medium, the text as the first caption', async () => {
    const sid = newSid('MM');
    const hook = twilio.inbound(`${base}/webhooks/twilio/sms`, {
      from: LEAD,
      to: TWILIO_NUMBER,
      body: 'like this',
      sid,
      media: [
        { url: `${twilio.url}/media/ME1`, type: 'image/jpeg' },
        { url: `${twilio.url}/media/ME2`, type: 'image/png' },
      ],
    });
    expect((await postTwilio(hook)).statusCode).toBe(200);
    const envelopes = await gw.inbox();
    expect(envelopes.map((e) => [e.id, e.event['content']])).toEqual([
      [
        `twilio:${sid}`,
        { kind: 'image', mediaId: `${twilio.url}/media/ME1`, mimeType: 'image/jpeg', caption: 'like this' },
      ],
      [`twilio:${sid}:media1`, { kind: 'image', mediaId: `${twilio.url}/media/ME2`, mimeType: 'image/png' }],
    ]);
  });

  it.each([
    ['missing', (hook: TwilioSignedWebhook) => ({ 'content-type': hook.headers['content-type'] ?? '' })],
    [
      'signed with another token',
      (hook: TwilioSignedWebhook) => ({
        ...hook.headers,
        'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      }),
    ],
  ])('a signature %s → 403, a system event, nothing published', async (_name, headers) => {
    const hook = inboundHook({ body: 'hello' });
    const res = await postTwilio(hook, headers(hook));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'TWILIO_SIGNATURE_INVALID' } });
    expect(await gw.inbox()).toEqual([]);
    const events = await gw.systemEvents('twilio.signature_verification_failure');
    expect(events).toHaveLength(1);
  });

  it('a parameter changed after signing → 403 (the signature covers every parameter)', async () => {
    const hook = inboundHook({ body: 'hello' });
    const res = await postTwilio(hook, hook.headers);
    expect(res.statusCode).toBe(200);
    const tampered = { ...hook, body: hook.body.replace('Body=hello', 'Body=hellO') };
    expect((await postTwilio(tampered)).statusCode).toBe(403);
  });

  it('signed for another URL (another host, or the status path) → 403', async () => {
    const elsewhere = twilio.inbound('https://other.example/webhooks/twilio/sms', {
      from: LEAD,
      to: TWILIO_NUMBER,
      body: 'x',
    });
    expect((await postTwilio({ ...elsewhere, url: `${base}/webhooks/twilio/sms` })).statusCode).toBe(403);
    const hook = inboundHook({ body: 'x' });
    expect((await postTwilio({ ...hook, url: `${base}/webhooks/twilio/status` })).statusCode).toBe(403);
  });

  it('a query string is part of the signed URL', async () => {
    const hook = twilio.inbound(`${base}/webhooks/twilio/sms?studio=inkwell`, {
      from: LEAD,
      to: TWILIO_NUMBER,
      body: 'q',
    });
    expect((await postTwilio(hook)).statusCode).toBe(200);
    expect((await postTwilio({ ...hook, url: `${base}/webhooks/twilio/sms?studio=other` })).statusCode).toBe(
      403,
    );
  });

  it('a To no studio has → 200 (Twilio stops retrying), sms.unknown_number, nothing published', async () => {
    const res = await postTwilio(inboundHook({ body: 'hello', to: '+15005550099' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(EMPTY_TWIML);
    expect(await gw.inbox()).toEqual([]);
    const [event, ...more] = await gw.systemEvents('sms.unknown_number');
    expect(more).toEqual([]);
    expect(event?.payload).toMatchObject({ provider: 'twilio', to: '+15005550099' });
    expect(JSON.stringify(event?.payload)).not.toContain(LEAD);
  });

  it("the studio's OpenPhone number is not Twilio's: unknown for a Twilio webhook", async () => {
    expect((await postTwilio(inboundHook({ body: 'hello', to: OPENPHONE_NUMBER }))).statusCode).toBe(200);
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('sms.unknown_number')).toHaveLength(1);
  });

  it('hostile text is stored sanitised', async () => {
    expect((await postTwilio(inboundHook({ body: 'a\u0000b\u0007c\ud800' }))).statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope?.event['content']).toEqual({ kind: 'text', text: 'abc\ufffd' });
  });

  it('a signed request that is not a message (no MessageSid) → 400, nothing published', async () => {
    const hook = inboundHook({ body: 'x', sid: '' });
    const res = await postTwilio(hook);
    expect(res.statusCode).toBe(400);
    expect(await gw.inbox()).toEqual([]);
  });

  it('a signed message from a sender that is not E.164 → 200 with sms.invalid_sender, nothing published', async () => {
    const res = await postTwilio(inboundHook({ body: 'x', from: 'not-a-number' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('<Response/>');
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('sms.invalid_sender')).toHaveLength(1);
  });
});

/** A lead (not the one the numbers would name) whose outbound transcript entry has this provider id. */
async function ownedBy(leadId: string, providerMessageId: string): Promise<void> {
  await insertLead(gw.rt.db, { id: leadId, phone: '+15559990001' });
  await gw.rt.db
    .insertInto('transcript')
    .values({
      lead_id: leadId,
      direction: 'out',
      kind: 'text',
      text: 'reply',
      data: null,
      provider_message_id: providerMessageId,
      outbox_id: null,
      delivery_status: 'sent',
      at: new Date(),
    })
    .execute();
}

describe('POST /webhooks/twilio/status', () => {
  async function sentMessage(): Promise<string> {
    const res = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${TWILIO_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        To: LEAD,
        From: TWILIO_NUMBER,
        Body: 'reply',
        StatusCallback: `${base}/webhooks/twilio/status`,
      }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { sid: string }).sid;
  }

  it('delivered → message.status for the lead; the same callback twice is one', async () => {
    const sid = await sentMessage();
    const hook = twilio.statusCallback(sid, 'delivered');
    const res = await postTwilio(hook);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(EMPTY_TWIML);
    await postTwilio(hook);
    const [envelope, ...rest] = await gw.inbox();
    expect(rest).toEqual([]);
    expect(envelope).toMatchObject({
      id: `twilio-status:${sid}:delivered`,
      leadId: leadIdFor('inkwell', LEAD),
      event: {
        type: 'message.status',
        channel: 'sms',
        provider: 'twilio',
        messageId: sid,
        status: 'delivered',
      },
    });
  });

  it('undelivered with its ErrorCode → failed, the code kept', async () => {
    const sid = await sentMessage();
    expect((await postTwilio(twilio.statusCallback(sid, 'undelivered', 30007))).statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope?.event).toMatchObject({
      status: 'failed',
      errors: [{ code: 30007, title: 'undelivered' }],
    });
  });

  it('without From/To: the lead is the owner of the outbound transcript entry with that MessageSid', async () => {
    const sid = await sentMessage();
    await ownedBy('ld_status_owner', sid);
    const res = await postTwilio(twilio.statusCallback(sid, 'undelivered', 30003, { numbers: false }));
    expect(res.statusCode).toBe(200);
    const [envelope, ...rest] = await gw.inbox();
    expect(rest).toEqual([]);
    expect(envelope).toMatchObject({
      id: `twilio-status:${sid}:undelivered`,
      leadId: 'ld_status_owner',
      studioId: 'inkwell',
      event: { type: 'message.status', messageId: sid, status: 'failed', errors: [{ code: 30003 }] },
    });
  });

  it('without From/To and no message of ours with that sid: 200, sms.status_unroutable, nothing published', async () => {
    const sid = await sentMessage();
    const res = await postTwilio(twilio.statusCallback(sid, 'delivered', undefined, { numbers: false }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(EMPTY_TWIML);
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('sms.status_unroutable')).toHaveLength(1);
  });

  it('a bad signature → 403 and a system event', async () => {
    const sid = await sentMessage();
    const hook = twilio.statusCallback(sid, 'sent');
    const res = await postTwilio(hook, { ...hook.headers, 'x-twilio-signature': 'bad' });
    expect(res.statusCode).toBe(403);
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('twilio.signature_verification_failure')).toHaveLength(1);
  });
});

describe('POST /webhooks/openphone', () => {
  const post = (hook: { body: string; headers: Record<string, string> }) =>
    gw.app.inject({ method: 'POST', url: '/webhooks/openphone', payload: hook.body, headers: hook.headers });

  it.each([
    ['legacy openphone-signature', false],
    ['Standard Webhooks headers', true],
  ])('message.received signed with %s → one message.received envelope, 200', async (_name, standard) => {
    const hook = openphone.received(
      OPENPHONE_SECRET,
      { from: LEAD, to: OPENPHONE_NUMBER, text: 'Hello from OpenPhone' },
      { standard },
    );
    const res = await post(hook);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, accepted: 1 });
    const [envelope] = await gw.inbox();
    const id = (JSON.parse(hook.body) as { data: { object: { id: string } } }).data.object.id;
    expect(envelope).toMatchObject({
      id: `openphone:${id}`,
      leadId: leadIdFor('inkwell', LEAD),
      event: {
        type: 'message.received',
        channel: 'sms',
        provider: 'openphone',
        messageId: id,
        to: OPENPHONE_NUMBER,
        content: { kind: 'text', text: 'Hello from OpenPhone' },
      },
    });
  });

  it('a duplicate event is harmless', async () => {
    const hook = openphone.received(OPENPHONE_SECRET, {
      from: LEAD,
      to: OPENPHONE_NUMBER,
      text: 'twice',
      id: 'ACdup1',
    });
    await post(hook);
    await post(
      openphone.received(OPENPHONE_SECRET, { from: LEAD, to: OPENPHONE_NUMBER, text: 'twice', id: 'ACdup1' }),
    );
    expect(await gw.inbox()).toHaveLength(1);
  });

  it.each([
    [
      'missing',
      (hook: { headers: Record<string, string> }) => ({ 'content-type': hook.headers['content-type'] ?? '' }),
    ],
    [
      'signed with another key',
      () =>
        openphone.received(Buffer.from('other').toString('base64'), {
          from: LEAD,
          to: OPENPHONE_NUMBER,
          text: 'x',
        }).headers,
    ],
    [
      'too old',
      () =>
        openphone.received(
          OPENPHONE_SECRET,
          { from: LEAD, to: OPENPHONE_NUMBER, text: 'x' },
          { at: new Date(Date.now() - 6 * 60_000) },
        ).headers,
    ],
  ])('a signature %s → 401, a system event, nothing published', async (_name, headers) => {
    const hook = openphone.received(OPENPHONE_SECRET, { from: LEAD, to: OPENPHONE_NUMBER, text: 'x' });
    const res = await post({ body: hook.body, headers: headers(hook) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'OPENPHONE_SIGNATURE_INVALID' } });
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('openphone.signature_verification_failure')).toHaveLength(1);
  });

  it('a number no studio has → 200 and sms.unknown_number', async () => {
    const res = await post(
      openphone.received(OPENPHONE_SECRET, { from: LEAD, to: '+15005550098', text: 'x' }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, accepted: 0 });
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('sms.unknown_number')).toHaveLength(1);
  });

  it('message.delivered → message.status delivered for the lead', async () => {
    const send = await fetch(`${openphone.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: openphone.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'reply', from: OPENPHONE_NUMBER, to: [LEAD] }),
    });
    expect(send.status).toBe(202);
    const { data } = (await send.json()) as { data: { id: string } };
    const res = await post(openphone.delivered(OPENPHONE_SECRET, data.id));
    expect(res.statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope).toMatchObject({
      id: `openphone-status:${data.id}:delivered`,
      leadId: leadIdFor('inkwell', LEAD),
      event: {
        type: 'message.status',
        channel: 'sms',
        provider: 'openphone',
        messageId: data.id,
        status: 'delivered',
      },
    });
  });

  it('message.delivered without from/to → message.status for the owner of the transcript entry', async () => {
    const send = await fetch(`${openphone.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: openphone.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'reply', from: OPENPHONE_NUMBER, to: [LEAD] }),
    });
    const { data } = (await send.json()) as { data: { id: string } };
    await ownedBy('ld_op_status_owner', data.id);
    const res = await post(openphone.delivered(OPENPHONE_SECRET, data.id, { numbers: false }));
    expect(res.statusCode).toBe(200);
    const [envelope, ...rest] = await gw.inbox();
    expect(rest).toEqual([]);
    expect(envelope).toMatchObject({
      leadId: 'ld_op_status_owner',
      event: { type: 'message.status', provider: 'openphone', messageId: data.id, status: 'delivered' },
    });
  });
});
