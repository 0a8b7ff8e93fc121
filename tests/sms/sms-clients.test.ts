// The Twilio and OpenPhone REST clients against the local fakes that speak those protocols: sends, error
// classification (21610 opted out is permanent, 429/5xx retry), MMS download with Basic auth, and paging
// through the message history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EffectError } from '../../src/effects/effect-errors.ts';
import { DEFAULT_TIMEOUTS } from '../../src/effects/http-request.ts';
import { createOpenphoneClient } from '../../src/effects/openphone/openphone-client.ts';
import { createTwilioClient, type TwilioMessage } from '../../src/effects/twilio/twilio-client.ts';
import { startFakeOpenphoneApi, type FakeOpenphoneApi } from '../fakes/openphone-api.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';

const studioNumber = '+15005550006';
let twilio: FakeTwilioApi;
let openphone: FakeOpenphoneApi;
beforeAll(async () => {
  [twilio, openphone] = await Promise.all([startFakeTwilioApi(), startFakeOpenphoneApi()]);
  openphone.addNumber('+15005550007', 'PNabc123');
});
afterAll(async () => {
  await Promise.all([twilio.close(), openphone.close()]);
});

const twilioClient = (authToken = twilio.authToken) =>
  createTwilioClient({
    baseUrl: twilio.url,
    accountSid: twilio.accountSid,
    authToken,
    timeouts: DEFAULT_TIMEOUTS,
  });

async function failure(promise: Promise<unknown>): Promise<EffectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EffectError)) throw new Error(`expected an EffectError, got ${String(error)}`);
  return error;
}

describe('Twilio client', () => {
  it('sends with Basic auth and a status callback, and gets the queued message sid', async () => {
    const result = await twilioClient().send({
      from: studioNumber,
      to: '+15551230001',
      body: 'Hello by SMS',
      statusCallback: 'https://leadline.example/webhooks/twilio/status',
    });
    expect(result.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.status).toBe('queued');
    expect(twilio.sent.at(-1)).toMatchObject({
      sid: result.sid,
      to: '+15551230001',
      from: studioNumber,
      body: 'Hello by SMS',
      statusCallback: 'https://leadline.example/webhooks/twilio/status',
    });
  });

  it('21610 (the recipient texted STOP) is permanent with reason opted_out', async () => {
    twilio.inbound('https://leadline.example/webhooks/twilio/sms', {
      from: '+15551230002',
      to: studioNumber,
      body: 'stop',
    });
    const error = await failure(twilioClient().send({ from: studioNumber, to: '+15551230002', body: 'Hi?' }));
    expect(error).toMatchObject({ retryable: false, code: 21610, reason: 'opted_out' });
    // START clears it, as on Twilio.
    twilio.inbound('https://leadline.example/webhooks/twilio/sms', {
      from: '+15551230002',
      to: studioNumber,
      body: 'START',
    });
    await expect(
      twilioClient().send({ from: studioNumber, to: '+15551230002', body: 'Hi!' }),
    ).resolves.toMatchObject({ status: 'queued' });
  });

  it('429 and 5xx are retryable (with Retry-After), a bad token and a bad To are not', async () => {
    twilio.failNext(
      {
        kind: 'status',
        status: 429,
        body: { code: 20429, message: 'Too Many Requests', status: 429 },
        headers: { 'retry-after': '2' },
      },
      { kind: 'status', status: 503, body: { code: 20500, message: 'Service unavailable', status: 503 } },
    );
    const send = () => twilioClient().send({ from: studioNumber, to: '+15551230003', body: 'x' });
    expect(await failure(send())).toMatchObject({
      retryable: true,
      reason: 'rate_limited',
      retryAfterMs: 2000,
    });
    expect(await failure(send())).toMatchObject({ retryable: true, reason: 'provider_unavailable' });
    expect(
      await failure(twilioClient('wrong').send({ from: studioNumber, to: '+15551230003', body: 'x' })),
    ).toMatchObject({ retryable: false, code: 20003, reason: 'unauthorized' });
    expect(await failure(twilioClient().send({ from: studioNumber, to: '12', body: 'x' }))).toMatchObject({
      retryable: false,
      code: 21211,
    });
  });

  it('downloads an MMS medium with Basic auth', async () => {
    const url = twilio.addMedia('ME1', Buffer.from('jpeg bytes'), 'image/jpeg');
    const medium = await twilioClient().download(url, 1024);
    expect(medium.bytes.toString()).toBe('jpeg bytes');
    expect(medium.mimeType).toBe('image/jpeg');
    expect(await failure(twilioClient('wrong').download(url, 1024))).toMatchObject({ retryable: false });
  });

  it('pages through the history newest first, filtered by number and time', async () => {
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 5; i++)
      twilio.inbound(
        'https://leadline.example/webhooks/twilio/sms',
        { from: '+15551239999', to: studioNumber, body: `m${i}` },
        new Date(since.getTime() + 1_000 * (i + 1)),
      );
    twilio.inbound(
      'https://leadline.example/webhooks/twilio/sms',
      { from: '+15551239999', to: studioNumber, body: 'old' },
      new Date(since.getTime() - 3_600_000),
    );
    const client = twilioClient();
    const seen: TwilioMessage[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await client.listPage({ from: '+15551239999', dateSentAfter: since, pageSize: 2 }, next);
      seen.push(...page.messages);
      next = page.nextPageUri ?? undefined;
      pages++;
    } while (next !== undefined);
    expect(pages).toBe(3);
    expect(seen.map((m) => m.body)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
    expect(seen.every((m) => m.direction === 'inbound' && m.status === 'received')).toBe(true);
  });
});

describe('OpenPhone client', () => {
  const client = (apiKey = openphone.apiKey) =>
    createOpenphoneClient({ baseUrl: openphone.url, apiKey, timeouts: DEFAULT_TIMEOUTS });

  it('sends with the raw API key header and gets the message id', async () => {
    const result = await client().send({ from: 'PNabc123', to: '+15551230001', content: 'Hello from Quo' });
    expect(result.id).toMatch(/^AC/);
    expect(openphone.sent.at(-1)).toMatchObject({
      to: ['+15551230001'],
      text: 'Hello from Quo',
      phoneNumberId: 'PNabc123',
    });
  });

  it('classifies 401 as permanent and 429 / 5xx as retryable', async () => {
    expect(
      await failure(client('wrong').send({ from: 'PNabc123', to: '+15551230001', content: 'x' })),
    ).toMatchObject({
      retryable: false,
      code: '0200401',
    });
    openphone.failNext({
      kind: 'status',
      status: 500,
      body: { message: 'boom', code: '0201500', status: 500 },
    });
    expect(
      await failure(client().send({ from: 'PNabc123', to: '+15551230001', content: 'x' })),
    ).toMatchObject({
      retryable: true,
    });
  });

  it('pages through a number’s history with nextPageToken', async () => {
    const since = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i++)
      openphone.received(
        'unused',
        { from: '+15551238888', to: '+15005550007', text: `q${i}` },
        { at: new Date(since.getTime() + (i + 1) * 1000) },
      );
    const texts: string[] = [];
    let token: string | undefined;
    do {
      const page = await client().listPage(
        { phoneNumberId: 'PNabc123', participant: '+15551238888', createdAfter: since, maxResults: 2 },
        token,
      );
      texts.push(...page.messages.map((m) => m.text ?? ''));
      token = page.nextPageToken ?? undefined;
    } while (token !== undefined);
    expect(texts).toEqual(['q2', 'q1', 'q0']);
  });
});

describe('the fakes’ webhook signers', () => {
  it('sign inbound webhooks the way Leadline verifies them', async () => {
    const { parseForm } = await import('../../src/gateway/webhooks/form-body.ts');
    const { checkTwilioSignature } = await import('../../src/gateway/webhooks/twilio-signature.ts');
    const { checkOpenphoneSignature } = await import('../../src/gateway/webhooks/openphone-signature.ts');
    const hook = twilio.inbound('https://leadline.example/webhooks/twilio/sms', {
      from: '+15551230009',
      to: studioNumber,
      body: 'Hi & bye = ok?',
    });
    const params = parseForm(hook.body);
    expect(params.FakeUnknownParam).toBe('surprise');
    expect(checkTwilioSignature(twilio.authToken, hook.url, params, hook.headers['x-twilio-signature'])).toBe(
      'valid',
    );
    const secret = Buffer.from('k').toString('base64');
    for (const standard of [false, true]) {
      const key = standard ? `whsec_${secret}` : secret;
      const event = openphone.received(
        key,
        { from: '+15551230009', to: '+15005550007', text: 'hi' },
        { standard },
      );
      expect(checkOpenphoneSignature(key, Buffer.from(event.body), event.headers, new Date())).toBe('valid');
    }
  });
});
