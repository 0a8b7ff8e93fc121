// Artists reliably notified: an approval request goes on the artist's `notify` channels in order. A
// WhatsApp send refused for good, or a later `failed` delivery status for it, sends it by SMS from the
// studio's Twilio number (the fake Twilio), and an SMS refused for good sends it by email (a real SMTP
// server in-process); each with the same approve/reject links, each recorded. The lead never blocks and
// no channel gets the same notification twice. Real gateway, runtime, relay and PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { leadIdFor } from '../../src/domain/ids.ts';
import { verifyActionToken } from '../../src/effects/action-links/action-token.ts';
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Metrics } from '../../src/observability/metrics.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { graphErrorBody, startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { postWhatsapp, SECRETS, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { statusUpdate, textMessage } from '../gateway/whatsapp-fixtures.ts';
import { fakeProvidersEnv, testRelayOptions, waitFor } from './effects-harness.ts';

const NUMBER = '+15005550006';
const ACCOUNT = `AC${'7'.repeat(32)}`;
const TOKEN = 'artist-fallback-token';
const ARTIST_PHONE = '+447700900001';
const ARTIST_DIGITS = ARTIST_PHONE.slice(1);
const ARTIST_EMAIL = 'sam@inkwell.example';
const BASE = SECRETS.PUBLIC_BASE_URL;

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

let gw: GatewayHarness;
let relay: OutboxRelay;
let graph: FakeGraphApi;
let stripe: FakeStripeApi;
let twilio: FakeTwilioApi;
let smtp: SMTPServer;
const mails: Mail[] = [];

const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
Object.assign(input.studios[0] ?? {}, {
  sms: [{ provider: 'twilio', number: NUMBER }],
  artists: [
    {
      id: 'sam',
      name: 'Sam Needle',
      whatsapp: ARTIST_PHONE,
      email: ARTIST_EMAIL,
      notify: ['whatsapp', 'sms', 'email'],
    },
  ],
});
const config = parseStudioConfig(input);

function startSmtp(): Promise<number> {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  const [port] = await Promise.all([
    startSmtp(),
    (async () => {
      [graph, stripe, twilio] = await Promise.all([
        startFakeGraphApi(),
        startFakeStripeApi(),
        startFakeTwilioApi(TOKEN, ACCOUNT),
      ]);
    })(),
  ]);
  const studios = new StudioRegistry(config);
  gw = await startGateway({
    definitions: [createLeadDefinition(studios)],
    consume: true,
    studios: config,
    env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN },
  });
  relay = createOutboxRelay({
    db: gw.rt.db,
    bus: gw.rt.bus,
    env: fakeProvidersEnv(graph, stripe, {
      ACTION_LINK_SECRET: SECRETS.ACTION_LINK_SECRET,
      PUBLIC_BASE_URL: BASE,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_API_BASE_URL: twilio.url,
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      EMAIL_FROM: 'Inkwell Tattoo <studio@inkwell.example>',
    }),
    studios,
    logger: silentLogger,
    metrics: new Metrics(),
    options: testRelayOptions,
  });
}, 60_000);
afterAll(async () => {
  await relay.stop();
  await gw.close();
  await Promise.all([graph.close(), stripe.close(), twilio.close()]);
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});
beforeEach(() => {
  graph.sends.length = 0;
  twilio.sent.length = 0;
  mails.length = 0;
});

/** Relay and actors in turn until neither has anything left (feedback makes new effects). */
async function settle(): Promise<void> {
  await waitFor(async () => {
    const handled = await relay.runOnce();
    await gw.rt.idle();
    const open = await gw.rt.db
      .selectFrom('outbox')
      .select('id')
      .where('status', 'in', ['pending', 'running'])
      .execute();
    return handled === 0 && open.length === 0;
  });
}

async function webhook(body: unknown): Promise<void> {
  const json = JSON.stringify(body);
  expect((await postWhatsapp(gw.app, json)).statusCode).toBe(200);
  await settle();
}

/** A lead answers every question: it waits for the artist's approval. */
async function qualify(digits: string): Promise<string> {
  for (const text of ['hi', 'A fox on a branch', 'left forearm', '10x15cm', 'realism', 'none', '£300'])
    await webhook(textMessage(text, { from: digits, id: `wamid.${digits}.${text.length}.${Math.random()}` }));
  const leadId = leadIdFor('inkwell', `+${digits}`);
  expect(await status(leadId)).toBe('PENDING_APPROVAL');
  return leadId;
}

async function status(leadId: string): Promise<string> {
  const lead = await gw.rt.db
    .selectFrom('leads')
    .select('status')
    .where('id', '=', leadId)
    .executeTakeFirst();
  return lead?.status ?? 'none';
}

async function notifications(leadId: string) {
  return gw.rt.db
    .selectFrom('outbox')
    .select(['id', 'status', 'payload', 'result'])
    .where('lead_id', '=', leadId)
    .where('kind', '=', 'effect.artist.notify')
    .orderBy('seq')
    .execute();
}

async function events(leadId: string, type: string) {
  const rows = await gw.rt.db
    .selectFrom('system_events')
    .select('payload')
    .where('lead_id', '=', leadId)
    .where('type', '=', type)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.payload);
}

/** The approve and reject tokens in a text, checked: signed for this lead, with the given nonce. */
function linksIn(text: string, leadId: string, nonce: string) {
  const approve = new RegExp(`Approve: ${BASE}/a/(\\S+)`).exec(text)?.[1];
  const reject = new RegExp(`Reject: ${BASE}/a/(\\S+)`).exec(text)?.[1];
  expect(approve).toBeDefined();
  expect(reject).toBeDefined();
  for (const [token, action] of [
    [approve, 'approve'],
    [reject, 'reject'],
  ] as const) {
    expect(verifyActionToken(token ?? '', SECRETS.ACTION_LINK_SECRET, new Date())).toMatchObject({
      ok: true,
      payload: { leadId, action, nonce },
    });
  }
  return { approve: approve ?? '', reject: reject ?? '' };
}

/** A quoted-printable body as text (nodemailer wraps long lines, the links among them). */
const unQuote = (raw: string) =>
  raw
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const artistSms = () => twilio.sent.filter((m) => m.to === ARTIST_PHONE);

describe('artist notification fallback', () => {
  it('a WhatsApp send refused for good goes by SMS from the studio number, with the same links', async () => {
    graph.failSendsTo(ARTIST_DIGITS, {
      kind: 'status',
      status: 400,
      body: graphErrorBody(131026, 'Undeliverable'),
    });
    const leadId = await qualify('447700911001');
    const [first, fallback, ...more] = await notifications(leadId);
    expect(more).toEqual([]);
    expect(first?.status).toBe('failed');
    expect(fallback).toMatchObject({
      status: 'done',
      payload: { channel: 'sms', linksNonce: first?.id, withActionLinks: true },
      result: { channel: 'sms', provider: 'twilio' },
    });
    const [sms, ...others] = artistSms();
    expect(others).toEqual([]);
    expect(sms?.from).toBe(NUMBER);
    expect(sms?.body).toMatch(/^Inkwell Tattoo: /);
    expect(sms?.body).toContain('fox on a branch');
    linksIn(sms?.body ?? '', leadId, first?.id ?? '');
    expect(mails).toEqual([]);
    expect(await events(leadId, 'artist.notify_failed')).toEqual([
      expect.objectContaining({ outboxId: first?.id, channel: 'whatsapp', next: 'sms', code: 131026 }),
    ]);
    expect(await events(leadId, 'artist.notify_fallback')).toEqual([
      expect.objectContaining({ outboxId: first?.id, from: 'whatsapp', to: 'sms' }),
    ]);
    // The lead did not block: still waiting for the artist. "Approve" texted back to the studio number acts
    // (artists are never leads on SMS) with the links' one decision: the first notification's nonce.
    expect(await status(leadId)).toBe('PENDING_APPROVAL');
    const hook = twilio.inbound(`${BASE}/webhooks/twilio/sms`, {
      from: ARTIST_PHONE,
      to: NUMBER,
      body: 'Approve',
    });
    const res = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/twilio/sms',
      payload: hook.body,
      headers: hook.headers,
    });
    expect(res.statusCode).toBe(200);
    await settle();
    expect(await status(leadId)).toBe('AWAITING_DEPOSIT');
    const tokens = await gw.rt.db
      .selectFrom('action_tokens')
      .select(['nonce', 'lead_id'])
      .where('lead_id', '=', leadId)
      .execute();
    expect(tokens).toEqual([{ nonce: first?.id, lead_id: leadId }]);
  });

  it("a later 'failed' status of the artist's WhatsApp message sends it by SMS, once", async () => {
    const leadId = await qualify('447700911002');
    const [first] = await notifications(leadId);
    expect(first).toMatchObject({ status: 'done', result: { channel: 'whatsapp' } });
    const wamid = (first?.result as { wamid: string }).wamid;
    expect(artistSms()).toEqual([]);

    const failed = statusUpdate('failed', {
      id: wamid,
      recipient: ARTIST_DIGITS,
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
    await webhook(failed);
    const [sms, ...others] = artistSms();
    expect(others).toEqual([]);
    linksIn(sms?.body ?? '', leadId, first?.id ?? '');
    expect(await events(leadId, 'artist.notify_failed')).toEqual([
      expect.objectContaining({ outboxId: first?.id, channel: 'whatsapp', next: 'sms', code: 131047 }),
    ]);
    // The artist's number is not a lead.
    expect(await status(leadIdFor('inkwell', ARTIST_PHONE))).toBe('none');

    // Meta repeating the status, or a second failure report of the same notification, sends no second SMS.
    await webhook(failed);
    const [envelope] = await gw.rt.db
      .selectFrom('processed_messages')
      .select('message_id')
      .where('lead_id', '=', leadId)
      .where('message_id', 'like', 'artist-status:%')
      .execute();
    expect(envelope).toBeDefined();
    await gw.rt.publish({
      id: 'test:second-report',
      leadId,
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: new Date().toISOString(),
      event: {
        type: 'artist.notify_failed',
        at: new Date().toISOString(),
        outboxId: first?.id ?? '',
        artistId: 'sam',
        reason: 'approval',
        text: 'again',
        withActionLinks: true,
        channel: 'whatsapp',
        next: 'sms',
        linksNonce: first?.id ?? '',
        cause: 'a second report',
      },
    });
    await settle();
    expect(artistSms()).toHaveLength(1);
    const rows = await notifications(leadId);
    expect(rows.at(-1)?.result).toMatchObject({ channel: 'sms', skipped: 'already_sent' });
    expect(await status(leadId)).toBe('PENDING_APPROVAL');
  });

  it("Twilio's 'undelivered' for the artist's SMS sends it by email", async () => {
    graph.failSendsTo(ARTIST_DIGITS, {
      kind: 'status',
      status: 400,
      body: graphErrorBody(131026, 'Undeliverable'),
    });
    const leadId = await qualify('447700911004');
    const [first, viaSms] = await notifications(leadId);
    const sid = (viaSms?.result as { providerMessageId: string }).providerMessageId;
    expect(mails).toEqual([]);
    const hook = twilio.statusCallback(sid, 'undelivered', 30003);
    const res = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/twilio/status',
      payload: hook.body,
      headers: hook.headers,
    });
    expect(res.statusCode).toBe(200);
    await settle();
    const [mail, ...others] = mails;
    expect(others).toEqual([]);
    linksIn(unQuote(mail?.raw ?? ''), leadId, first?.id ?? '');
    expect((await events(leadId, 'artist.notify_failed')).map((e) => [e.channel, e.next])).toEqual([
      ['whatsapp', 'sms'],
      ['sms', 'email'],
    ]);
    expect(await status(leadId)).toBe('PENDING_APPROVAL');
  });

  it('an SMS refused too goes by email through SMTP, with the same links', async () => {
    graph.failSendsTo(ARTIST_DIGITS, {
      kind: 'status',
      status: 400,
      body: graphErrorBody(131026, 'Undeliverable'),
    });
    twilio.optOut(ARTIST_PHONE);
    const leadId = await qualify('447700911003');
    const [first, viaSms, viaEmail, ...more] = await notifications(leadId);
    expect(more).toEqual([]);
    expect([first?.status, viaSms?.status, viaEmail?.status]).toEqual(['failed', 'failed', 'done']);
    expect(viaEmail?.payload).toMatchObject({ channel: 'email', linksNonce: first?.id });
    const [mail, ...others] = mails;
    expect(others).toEqual([]);
    expect(mail?.to).toEqual([ARTIST_EMAIL]);
    expect(mail?.from).toBe('studio@inkwell.example');
    const text = unQuote(mail?.raw ?? '');
    expect(text).toMatch(/^Subject: Inkwell Tattoo: a tattoo request to approve$/m);
    expect(text).toContain('fox on a branch');
    linksIn(text, leadId, first?.id ?? '');
    expect((await events(leadId, 'artist.notify_failed')).map((e) => [e.channel, e.next])).toEqual([
      ['whatsapp', 'sms'],
      ['sms', 'email'],
    ]);
    expect(await status(leadId)).toBe('PENDING_APPROVAL');
  });
});
