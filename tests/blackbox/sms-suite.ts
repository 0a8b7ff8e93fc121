// Black-box SMS: the real `leadline start` as a child process (single node, or on its own NATS server), fed
// webhooks signed the way Twilio and OpenPhone sign them, observed through the fake provider APIs and the
// admin API. A studio with two Twilio numbers and one OpenPhone number: replies leave from the number the
// lead wrote to; one phone on WhatsApp and SMS is one lead; STOP/START; Twilio's 21610; duplicates; bad
// signatures; a number no studio has.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeOpenphoneApi, type FakeOpenphoneApi } from '../fakes/openphone-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import {
  newSid,
  startFakeTwilioApi,
  type FakeTwilioApi,
  type TwilioSignedWebhook,
} from '../fakes/twilio-api.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { DEMO_PHONE_NUMBER_ID } from '../gateway/whatsapp-fixtures.ts';
import { BUDGET, IDEA, PLACEMENT, REFS, SIZE, STYLE_PROMPT, summary } from '../transcripts/prompts.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { freePort, startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import {
  client,
  DEMO_ARTIST_DIGITS,
  eventually,
  secrets,
  startLeadline,
  textMessage,
  TWILIO_ACCOUNT_SID,
  whatsappWebhook,
  type Lead,
  type RunningGateway,
} from './blackbox-client.ts';

const TWILIO_A = '+15005550006';
const TWILIO_B = '+15005550016';
const OPENPHONE = '+15005550007';
const OPENPHONE_ID = 'PNsmsflow01';

const studioConfig = {
  studios: [
    {
      id: 'inkwell',
      name: 'Inkwell Tattoo',
      whatsapp: { phoneNumberId: DEMO_PHONE_NUMBER_ID },
      timezone: 'Europe/London',
      currency: 'GBP',
      styles: ['realism', 'blackwork', 'fine line'],
      artists: [{ id: 'sam', name: 'Sam Needle', whatsapp: `+${DEMO_ARTIST_DIGITS}` }],
      questions: [
        { id: 'idea', prompt: 'Tell us about your tattoo idea.' },
        { id: 'placement', prompt: 'Where on your body would it go?' },
        { id: 'dimensions', prompt: 'Roughly how big? For example 10x15cm.' },
        { id: 'style', prompt: 'Which style?' },
        { id: 'reference_images', prompt: 'Any reference images? Send photos, describe them, or say none.' },
        { id: 'budget', prompt: 'What budget do you have in mind? For example £300.' },
      ],
      deposit: { amount: 5000, expiresAfter: '24h' },
      availability: { weekly: { mon: [{ start: '10:00', end: '18:00' }] } },
      // A production start refuses an SMS studio without its funnel templates' text.
      templateBodies: demoStudioInput.studios[0].templateBodies,
      sms: [
        { provider: 'twilio', number: TWILIO_A },
        { provider: 'twilio', number: TWILIO_B },
        { provider: 'openphone', number: OPENPHONE, phoneNumberId: OPENPHONE_ID },
      ],
    },
  ],
};

/** The golden SMS conversation (the admin transcript): no profile name on SMS, so no name in the greeting. */
const SMS_GREETING = `Hi! Thanks for getting in touch with Inkwell Tattoo. I'll ask you a few quick questions.\n\n${IDEA}`;
const SMS_SUMMARY = summary([
  'Idea: A fox on a branch',
  'Placement: left forearm',
  'Size: 10 x 15 cm',
  'Style: realism',
  'References: none',
  'Budget: £300.00',
]);
const SMS_GOLDEN: [string, string | null][] = [
  ['in', 'hi'],
  ['out', SMS_GREETING],
  ['in', 'A fox on a branch'],
  ['out', PLACEMENT],
  ['in', 'left forearm'],
  ['out', SIZE],
  ['in', '10x15cm'],
  ['out', STYLE_PROMPT],
  ['in', 'realism'],
  ['out', REFS],
  ['in', 'none'],
  ['out', BUDGET],
  ['in', '£300'],
  ['out', SMS_SUMMARY],
];
/** What the lead's phone shows: the same, the style choices as numbered lines and how to answer them. */
const SMS_GOLDEN_BODIES = SMS_GOLDEN.filter(([direction]) => direction === 'out').map(([, text]) =>
  text === STYLE_PROMPT
    ? `${STYLE_PROMPT}\n\n1. realism\n2. blackwork\n3. fine line\n\nReply 1, 2 or 3`
    : text,
);

interface Message {
  direction: 'in' | 'out';
  text: string | null;
  providerMessageId?: string | null;
  deliveryStatus?: string | null;
}

export function smsSuite(bus: 'single' | 'nats'): void {
  let nats: NatsServerProcess | null = null;
  let database: TestDatabase;
  let graph: FakeGraphApi;
  let stripeApi: FakeStripeApi;
  let twilio: FakeTwilioApi;
  let openphone: FakeOpenphoneApi;
  let leadline: RunningGateway;
  let api: ReturnType<typeof client>;
  let home: string;
  let counter = 0;

  const newPhone = () =>
    `+1555${String(Date.now() % 100_000).padStart(5, '0')}${String(++counter).padStart(2, '0')}`;
  const twilioUrl = () => `${leadline.base}/webhooks/twilio/sms`;

  async function post(
    hook: TwilioSignedWebhook | { body: string; headers: Record<string, string> },
    url: string,
  ) {
    const res = await fetch(url, { method: 'POST', headers: hook.headers, body: hook.body });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }

  const sentTo = (phone: string) => twilio.sent.filter((m) => m.to === phone);

  /** Texts `body` by Twilio to `to` and waits until the lead's actor has processed it. */
  async function text(phone: string, body: string, to = TWILIO_A, sid?: string): Promise<Lead> {
    const before = await api.leadByPhone(phone);
    const res = await post(
      twilio.inbound(twilioUrl(), { from: phone, to, body, ...(sid ? { sid } : {}) }),
      twilioUrl(),
    );
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/xml/);
    expect(res.text).toBe('<Response/>');
    return eventually(`"${body}" from ${phone} to be processed`, async () => {
      const lead = await api.leadByPhone(phone);
      return lead && lead.version > (before?.version ?? 0) ? lead : undefined;
    });
  }

  /** Texts `body` by OpenPhone to the studio's OpenPhone number and waits until it is processed. */
  async function textOpenphone(phone: string, body: string): Promise<Lead> {
    const before = await api.leadByPhone(phone);
    const hook = openphone.received(secrets.openphoneWebhookSecret, {
      from: phone,
      to: OPENPHONE,
      text: body,
    });
    expect((await post(hook, `${leadline.base}/webhooks/openphone`)).status).toBe(200);
    return eventually(`"${body}" from ${phone} by OpenPhone to be processed`, async () => {
      const lead = await api.leadByPhone(phone);
      return lead && lead.version > (before?.version ?? 0) ? lead : undefined;
    });
  }

  const openphoneTo = (phone: string) => openphone.sent.filter((m) => m.to.includes(phone));

  async function messages(leadId: string): Promise<Message[]> {
    const res = await api.admin(`/admin/leads/${leadId}/messages`);
    expect(res.status).toBe(200);
    return (res.json as { messages: Message[] }).messages;
  }

  async function systemEvents(
    type: string,
  ): Promise<{ type: string; leadId: string | null; payload: unknown }[]> {
    const res = await api.admin(`/admin/system-events?type=${encodeURIComponent(type)}`);
    return (res.json as { events: { type: string; leadId: string | null; payload: unknown }[] }).events;
  }

  beforeAll(async () => {
    if (bus === 'nats') {
      nats = await startNatsServer();
      if (!nats) throw new Error('black-box SMS on NATS: could not start nats-server (is it on PATH?)');
    }
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-sms-'));
    const config = path.join(home, 'studio.json');
    await writeFile(config, JSON.stringify(studioConfig));
    [database, graph, stripeApi, twilio, openphone] = await Promise.all([
      createTestDatabase({ migrate: false }),
      startFakeGraphApi('bb-access-token'),
      startFakeStripeApi(),
      startFakeTwilioApi(secrets.twilioAuthToken, TWILIO_ACCOUNT_SID),
      startFakeOpenphoneApi(secrets.openphoneApiKey),
    ]);
    openphone.addNumber(OPENPHONE, OPENPHONE_ID);
    leadline = await startLeadline({
      port: await freePort(),
      databaseUrl: database.url,
      graphUrl: graph.url,
      stripeUrl: stripeApi.url,
      ...(nats ? { natsUrl: nats.url } : {}),
      env: {
        LEADLINE_CONFIG: config,
        TWILIO_API_BASE_URL: twilio.url,
        OPENPHONE_API_BASE_URL: openphone.url,
      },
    });
    api = client(leadline.base);
  }, 60_000);

  afterAll(async () => {
    const exitCode = await leadline.stop();
    await Promise.all([graph.close(), stripeApi.close(), twilio.close(), openphone.close(), database.drop()]);
    await nats?.stop();
    await rm(home, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  describe(`black-box SMS (${bus === 'nats' ? 'NATS JetStream' : 'single node'})`, () => {
    it('a text to a Twilio number is answered from that number, with a status callback URL; the transcript has both', async () => {
      const phone = newPhone();
      const lead = await text(phone, "Hi! I'd like a tattoo");
      const replies = await eventually('a reply by SMS', () =>
        sentTo(phone).length > 0 ? sentTo(phone) : undefined,
      );
      expect(replies.every((m) => m.from === TWILIO_A)).toBe(true);
      expect(replies[0]?.statusCallback).toBe(`${leadline.base}/webhooks/twilio/status`);
      expect(graph.sends.filter((s) => String(s.body.to).replace(/^\+/, '') === phone.slice(1))).toEqual([]);
      const transcript = await eventually('the reply on the transcript', async () => {
        const all = await messages(lead.id);
        return all.some((m) => m.direction === 'out' && m.providerMessageId) ? all : undefined;
      });
      expect(transcript[0]).toMatchObject({ direction: 'in', text: "Hi! I'd like a tattoo" });
      const out = transcript.find((m) => m.direction === 'out');
      expect(out?.providerMessageId).toBe(replies[0]?.sid);
    });

    it('golden: the qualifying conversation by SMS, as the admin API and the provider saw it', async () => {
      const phone = newPhone();
      for (const body of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300'])
        await text(phone, body);
      const lead = await eventually('PENDING_APPROVAL', async () => {
        const l = await api.leadByPhone(phone);
        return l?.status === 'PENDING_APPROVAL' ? l : undefined;
      });
      const lines = await eventually('every reply sent', async () => {
        const all = await messages(lead.id);
        const out = all.filter((m) => m.direction === 'out');
        return out.length > 0 && out.every((m) => m.providerMessageId) ? all : undefined;
      });
      expect(lines.map((m) => [m.direction, m.text])).toEqual(SMS_GOLDEN);
      // Every reply left by SMS from the number written to, its text as the lead's phone shows it.
      const sent = sentTo(phone);
      expect(sent.map((m) => m.from)).toEqual(sent.map(() => TWILIO_A));
      expect(sent.map((m) => m.body)).toEqual(SMS_GOLDEN_BODIES);
    });

    it('the reply goes out on the number the lead wrote to (a second Twilio number, or OpenPhone)', async () => {
      const second = newPhone();
      await text(second, 'Hello there', TWILIO_B);
      const viaB = await eventually('a reply from the second number', () => sentTo(second)[0]);
      expect(viaB.from).toBe(TWILIO_B);

      const third = newPhone();
      const hook = openphone.received(secrets.openphoneWebhookSecret, {
        from: third,
        to: OPENPHONE,
        text: 'Hello from OpenPhone',
      });
      const res = await post(hook, `${leadline.base}/webhooks/openphone`);
      expect(res.status).toBe(200);
      const reply = await eventually('an OpenPhone reply', () =>
        openphone.sent.find((m) => m.to.includes(third)),
      );
      expect(reply.phoneNumberId).toBe(OPENPHONE_ID);
      expect(sentTo(third)).toEqual([]);
    });

    it('one phone on WhatsApp and SMS to one studio is one lead, one conversation', async () => {
      const phone = newPhone();
      const digits = phone.slice(1);
      expect((await api.postWhatsapp(whatsappWebhook(digits, [textMessage('Hi on WhatsApp')]))).status).toBe(
        200,
      );
      const first = await eventually('the WhatsApp message processed', async () => {
        const lead = await api.leadByPhone(phone);
        return lead && lead.version > 0 ? lead : undefined;
      });
      const after = await text(phone, 'A koi fish on my arm, by SMS');
      expect(after.id).toBe(first.id);
      expect(after.version).toBeGreaterThan(first.version);
      const listed = await api.admin(`/admin/leads?phone=${encodeURIComponent(phone)}`);
      expect((listed.json as { leads: Lead[] }).leads).toHaveLength(1);
      const inbound = (await messages(first.id)).filter((m) => m.direction === 'in').map((m) => m.text);
      expect(inbound).toEqual(['Hi on WhatsApp', 'A koi fish on my arm, by SMS']);
      // The SMS is answered by SMS.
      await eventually('the SMS answered by SMS', () => sentTo(phone)[0]);
    });

    it('a duplicate MessageSid is processed once', async () => {
      const phone = newPhone();
      const sid = newSid('SM');
      const lead = await text(phone, 'Hello once', TWILIO_A, sid);
      await eventually('the reply', () => sentTo(phone)[0]);
      const replies = sentTo(phone).length;
      const again = await post(
        twilio.inbound(twilioUrl(), { from: phone, to: TWILIO_A, body: 'Hello once', sid }),
        twilioUrl(),
      );
      expect(again.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await api.leadByPhone(phone))?.version).toBe(lead.version);
      expect(sentTo(phone)).toHaveLength(replies);
      expect((await messages(lead.id)).filter((m) => m.direction === 'in')).toHaveLength(1);
    });

    it('STOP opts out with one confirmation attempt and nothing more; START opts back in', async () => {
      const phone = newPhone();
      // Twilio blocks the number on STOP (and answers it itself): Leadline's own confirmation is refused
      // with 21610, so what counts is what Leadline tried to send.
      const attempts = () => sentTo(phone).length + twilio.refused.filter((r) => r.to === phone).length;
      await text(phone, 'Hi');
      await eventually('the first reply', () => sentTo(phone)[0]);
      const before = attempts();
      const stopped = await text(phone, 'STOP');
      expect(stopped.status).toBe('OPTED_OUT');
      await eventually('one confirmation attempt', () => attempts() === before + 1 || undefined);
      await text(phone, 'Are you there?');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(attempts()).toBe(before + 1);
      expect((await api.leadByPhone(phone))?.status).toBe('OPTED_OUT');
      const started = await text(phone, 'START');
      expect(started.status).not.toBe('OPTED_OUT');
      await eventually('a reply after START', () => attempts() > before + 1 || undefined);
      expect(sentTo(phone).length).toBeGreaterThan(1);
    });

    it('HELP by Twilio gets the help text (the studio, STOP) from the number written to; nothing else changes', async () => {
      const phone = newPhone();
      await text(phone, 'hi');
      const asked = await text(phone, 'A fox on a branch');
      expect(asked).toMatchObject({ status: 'QUALIFYING', step: 'placement' });
      await eventually('the placement question', () => (sentTo(phone).length === 2 ? true : undefined));
      const helped = await text(phone, 'HELP');
      const help = await eventually('the help text', () => sentTo(phone)[2]);
      expect(help.from).toBe(TWILIO_A);
      expect(help.body).toContain('Inkwell Tattoo');
      expect(help.body).toContain('STOP');
      expect(helped).toMatchObject({ status: 'QUALIFYING', step: 'placement', answers: asked.answers });
      // Not an answer: the next message still answers the placement question.
      const answered = await text(phone, 'left forearm');
      expect(answered).toMatchObject({ step: 'dimensions', answers: { placement: 'left forearm' } });
      const next = await eventually('the next question', () => sentTo(phone)[3]);
      expect(next.body).toBe(SIZE);
      const outbound = (await messages(helped.id)).filter((m) => m.direction === 'out');
      expect(outbound.map((m) => m.text)).toContain(help.body);
    });

    it('INFO by OpenPhone gets the help text by OpenPhone; STOP opts out with one confirmation, START opts back in', async () => {
      const phone = newPhone();
      await textOpenphone(phone, 'hi');
      await eventually('the greeting', () => openphoneTo(phone)[0]);
      const helped = await textOpenphone(phone, 'INFO');
      expect(helped).toMatchObject({ status: 'QUALIFYING', step: 'idea' });
      const help = await eventually('the help text', () => openphoneTo(phone)[1]);
      expect(help.phoneNumberId).toBe(OPENPHONE_ID);
      expect(help.text).toContain('Inkwell Tattoo');
      expect(help.text).toContain('STOP');

      const stopped = await textOpenphone(phone, 'unsubscribe');
      expect(stopped.status).toBe('OPTED_OUT');
      const confirmation = await eventually('the opt-out confirmation', () => openphoneTo(phone)[2]);
      expect(confirmation.text).toMatch(/unsubscribed/i);
      expect(confirmation.text).toContain('START');
      await textOpenphone(phone, 'Are you there?');
      // Carriers (CTIA) expect HELP answered always: the help text, even opted out, and nothing else.
      const helpedOut = await textOpenphone(phone, 'HELP');
      expect(helpedOut.status).toBe('OPTED_OUT');
      const helpOut = await eventually('the help text while opted out', () => openphoneTo(phone)[3]);
      expect(helpOut.text).toBe(help.text);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Rule 9 otherwise: nothing more until START.
      expect(openphoneTo(phone)).toHaveLength(4);
      expect((await api.leadByPhone(phone))?.status).toBe('OPTED_OUT');
      const started = await textOpenphone(phone, 'START');
      expect(started).toMatchObject({ status: 'QUALIFYING', step: 'idea' });
      const welcome = await eventually('a reply after START', () => openphoneTo(phone)[4]);
      expect(welcome.text).toMatch(/subscribed again/);
      expect(sentTo(phone)).toEqual([]);
    });

    it('a send Twilio refuses with 21610 moves the lead to OPTED_OUT with sms.recipient_opted_out, not retried', async () => {
      const phone = newPhone();
      twilio.optOut(phone);
      const lead = await text(phone, 'Hi');
      const opted = await eventually('the lead opted out by the refusal', async () => {
        const l = await api.leadByPhone(phone);
        return l?.status === 'OPTED_OUT' ? l : undefined;
      });
      expect(opted.id).toBe(lead.id);
      expect(twilio.refused.filter((r) => r.to === phone).map((r) => r.code)).toEqual([21610]);
      const events = await eventually('sms.recipient_opted_out', async () => {
        const found = (await systemEvents('sms.recipient_opted_out')).filter((e) => e.leadId === lead.id);
        return found.length > 0 ? found : undefined;
      });
      expect(events).toHaveLength(1);
      expect(twilio.sent.filter((m) => m.to === phone)).toEqual([]);
    });

    it('a status callback marks the reply delivered on the transcript', async () => {
      const phone = newPhone();
      const lead = await text(phone, 'Hello, status please');
      const sent = await eventually('a reply', () => sentTo(phone)[0]);
      const callback = twilio.statusCallback(sent.sid, 'delivered');
      expect((await post(callback, callback.url)).status).toBe(200);
      await eventually('delivered on the transcript', async () =>
        (await messages(lead.id)).some(
          (m) => m.providerMessageId === sent.sid && m.deliveryStatus === 'delivered',
        ),
      );
      // A late "sent" does not move it back.
      const late = twilio.statusCallback(sent.sid, 'sent');
      expect((await post(late, late.url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const entry = (await messages(lead.id)).find((m) => m.providerMessageId === sent.sid);
      expect(entry?.deliveryStatus).toBe('delivered');
    });

    it('status callbacks without From/To still find the reply by its id: Twilio undelivered with its code, OpenPhone delivered', async () => {
      const phone = newPhone();
      const lead = await text(phone, 'Hello, statuses without numbers');
      const sent = await eventually('a reply', () => sentTo(phone)[0]);
      await eventually(
        'the sid on the transcript',
        async () => (await messages(lead.id)).some((m) => m.providerMessageId === sent.sid) || undefined,
      );
      const queued = twilio.statusCallback(sent.sid, 'sent', undefined, { numbers: false });
      expect((await post(queued, queued.url)).status).toBe(200);
      const failed = twilio.statusCallback(sent.sid, 'undelivered', 30003, { numbers: false });
      expect((await post(failed, failed.url)).status).toBe(200);
      const entry = await eventually('failed with the code on the transcript', async () =>
        (await messages(lead.id)).find(
          (m) => m.providerMessageId === sent.sid && m.deliveryStatus === 'failed',
        ),
      );
      expect((entry as { data?: { deliveryError?: unknown } }).data?.deliveryError).toMatchObject({
        code: 30003,
      });
      // Failed is final: a late "delivered" does not undo it.
      const late = twilio.statusCallback(sent.sid, 'delivered', undefined, { numbers: false });
      expect((await post(late, late.url)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await messages(lead.id)).find((m) => m.providerMessageId === sent.sid)?.deliveryStatus).toBe(
        'failed',
      );

      const other = newPhone();
      const opLead = await textOpenphone(other, 'Hello by OpenPhone');
      const reply = await eventually('an OpenPhone reply', () => openphoneTo(other)[0]);
      await eventually(
        'the OpenPhone id on the transcript',
        async () => (await messages(opLead.id)).some((m) => m.providerMessageId === reply.id) || undefined,
      );
      const delivered = openphone.delivered(secrets.openphoneWebhookSecret, reply.id, { numbers: false });
      expect((await post(delivered, `${leadline.base}/webhooks/openphone`)).status).toBe(200);
      await eventually(
        'delivered on the transcript',
        async () =>
          (await messages(opLead.id)).some(
            (m) => m.providerMessageId === reply.id && m.deliveryStatus === 'delivered',
          ) || undefined,
      );
    });

    it('bad signatures: Twilio 403, OpenPhone 401, each with a system event and nothing processed', async () => {
      const phone = newPhone();
      const hook = twilio.inbound(twilioUrl(), { from: phone, to: TWILIO_A, body: 'forged' });
      const forged = await post(
        { ...hook, headers: { ...hook.headers, 'x-twilio-signature': 'bm90IGl0' } },
        twilioUrl(),
      );
      expect(forged.status).toBe(403);
      const unsigned = await post(
        { ...hook, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        twilioUrl(),
      );
      expect(unsigned.status).toBe(403);
      const op = openphone.received(Buffer.from('wrong').toString('base64'), {
        from: phone,
        to: OPENPHONE,
        text: 'forged',
      });
      expect((await post(op, `${leadline.base}/webhooks/openphone`)).status).toBe(401);
      expect((await systemEvents('twilio.signature_verification_failure')).length).toBeGreaterThanOrEqual(2);
      expect((await systemEvents('openphone.signature_verification_failure')).length).toBeGreaterThanOrEqual(
        1,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await api.leadByPhone(phone)).toBeUndefined();
    });

    it('a number no studio has: 200 (no retries), sms.unknown_number, no lead', async () => {
      const phone = newPhone();
      const res = await post(
        twilio.inbound(twilioUrl(), { from: phone, to: '+15005550099', body: 'hello?' }),
        twilioUrl(),
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe('<Response/>');
      const events = await systemEvents('sms.unknown_number');
      expect(events.some((e) => (e.payload as { to?: string }).to === '+15005550099')).toBe(true);
      expect(await api.leadByPhone(phone)).toBeUndefined();
    });
  });
}
