import { randomUUID } from 'node:crypto';
// POST/GET /webhooks/whatsapp through the real app (inject), the real in-process bus and PostgreSQL. The
// host is not consuming, so the inbox table holds exactly what the gateway durably accepted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { leadIdFor } from '../../src/domain/ids.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { postWhatsapp, startGateway, whatsappHeaders, type GatewayHarness } from './gateway-harness.ts';
import { inbound, statusUpdate, textMessage, wamid, webhook } from './whatsapp-fixtures.ts';

let gw: GatewayHarness;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(async () => {
  await gw.close();
});
beforeEach(async () => {
  await sql`delete from inbox`.execute(gw.rt.db);
  await sql`delete from system_events`.execute(gw.rt.db);
});

const post = (body: string, headers: Record<string, string>) => postWhatsapp(gw.app, body, headers);

describe('subscription handshake', () => {
  it('echoes hub.challenge as plain text for the right verify token', async () => {
    const res = await gw.app.inject({
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it.each([
    'hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1',
    'hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1',
    'hub.challenge=1',
  ])('403 for %s', async (query) => {
    const res = await gw.app.inject({ url: `/webhooks/whatsapp?${query}` });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'VERIFY_TOKEN_MISMATCH' } });
  });
});

describe('signature', () => {
  const body = JSON.stringify(textMessage('hello'));

  it.each([
    ['missing', {}],
    [
      'wrong secret',
      { 'x-hub-signature-256': whatsappHeaders(body, 'not-the-secret')['x-hub-signature-256'] },
    ],
    ['malformed', { 'x-hub-signature-256': 'sha256=zz' }],
    ['sha1 instead of sha256', { 'x-hub-signature-256': 'sha1=0123456789abcdef0123456789abcdef01234567' }],
  ])('%s → 401, a system event, nothing published', async (_name, extra) => {
    const res = await post(body, { 'content-type': 'application/json', ...extra });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      error: { code: 'WHATSAPP_SIGNATURE_INVALID' },
      traceId: res.headers['x-trace-id'],
    });
    expect(await gw.inbox()).toEqual([]);
    const events = await gw.systemEvents('whatsapp.signature_verification_failure');
    expect(events).toHaveLength(1);
    expect(events[0]?.level).toBe('warn');
  });

  it('a body tampered after signing is rejected (signature covers the raw bytes)', async () => {
    const headers = whatsappHeaders(body);
    const res = await post(body.replace('hello', 'hellO'), headers);
    expect(res.statusCode).toBe(401);
    expect(await gw.inbox()).toEqual([]);
  });

  it('verifies the raw bytes: non-ASCII escaped by Meta still verifies', async () => {
    // Meta sends \u escapes; re-serialising would produce different bytes.
    const raw = JSON.stringify(textMessage('café ✨')).replace('café ✨', 'caf\\u00e9 \\u2728');
    const res = await post(raw, whatsappHeaders(raw));
    expect(res.statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope?.event).toMatchObject({ content: { kind: 'text', text: 'café ✨' } });
  });
});

describe('messages', () => {
  it('a text message becomes one envelope for the lead, with its inbound transcript', async () => {
    const id = wamid();
    const body = JSON.stringify(textMessage('I want a koi on my arm', { id, timestamp: 1_700_000_000 }));
    const res = await post(body, { ...whatsappHeaders(body), 'x-trace-id': 'trace-abc' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, accepted: 1 });
    const [envelope, ...rest] = await gw.inbox();
    expect(rest).toEqual([]);
    expect(envelope).toMatchObject({
      id: `whatsapp:${id}`,
      leadId: leadIdFor('inkwell', '+447700900123'),
      actorType: 'lead',
      studioId: 'inkwell',
      traceId: 'trace-abc',
      event: {
        type: 'message.received',
        channel: 'whatsapp',
        provider: 'meta',
        messageId: id,
        from: [{ type: 'phone', value: '+447700900123' }],
        to: '110000000000001',
        profileName: 'Alex',
        sentAt: '2023-11-14T22:13:20.000Z',
        content: { kind: 'text', text: 'I want a koi on my arm' },
      },
      transcript: { direction: 'in', kind: 'text', text: 'I want a koi on my arm', providerMessageId: id },
    });
    expect(Date.parse(envelope?.event.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a duplicate delivery is accepted again and stays one message on the bus', async () => {
    const body = JSON.stringify(textMessage('twice'));
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    expect(await gw.inbox()).toHaveLength(1);
  });

  it.each([
    [
      { type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg', sha256: 'abc', caption: 'ref' } },
      { kind: 'image', mediaId: 'media-1', mimeType: 'image/jpeg', caption: 'ref' },
      'image',
    ],
    [
      { type: 'audio', audio: { id: 'media-2', mime_type: 'audio/ogg' } },
      { kind: 'audio', mediaId: 'media-2' },
      'audio',
    ],
    [{ type: 'video', video: { id: 'media-3' } }, { kind: 'video', mediaId: 'media-3' }, 'video'],
    [
      { type: 'document', document: { id: 'media-4', filename: 'sketch.pdf' } },
      { kind: 'document', mediaId: 'media-4', filename: 'sketch.pdf' },
      'document',
    ],
    [
      { type: 'sticker', sticker: { id: 'media-5', mime_type: 'image/webp' } },
      { kind: 'sticker', mediaId: 'media-5' },
      'sticker',
    ],
    [
      { type: 'location', location: { latitude: 51.5, longitude: -0.12, name: 'Studio' } },
      { kind: 'location', latitude: 51.5, longitude: -0.12, name: 'Studio' },
      'location',
    ],
    [
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Jo Bloggs' } }] },
      { kind: 'contacts', names: ['Jo Bloggs'] },
      'contacts',
    ],
    [
      {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'slot-1', title: 'Mon 10:00' } },
      },
      { kind: 'interactive', id: 'slot-1', title: 'Mon 10:00' },
      'interactive',
    ],
    [
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Tue', description: 'x' } },
      },
      { kind: 'interactive', id: 'row-2', title: 'Tue' },
      'interactive',
    ],
    [
      { type: 'button', button: { payload: 'START', text: 'Start' } },
      { kind: 'button', id: 'START', title: 'Start' },
      'button',
    ],
    [
      { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
      { kind: 'reaction', emoji: '👍', messageId: 'wamid.x' },
      'reaction',
    ],
    [
      { type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] },
      { kind: 'unsupported', rawType: 'unsupported' },
      'unsupported',
    ],
    [{ type: 'order', order: { catalog_id: '1' } }, { kind: 'unsupported', rawType: 'order' }, 'unsupported'],
    [{ type: 'image', image: { no_id: true } }, { kind: 'unsupported', rawType: 'image' }, 'unsupported'],
  ])('%j → content %j', async (message, content, transcriptKind) => {
    const body = JSON.stringify(inbound(message));
    const res = await post(body, whatsappHeaders(body));
    expect(res.statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope?.event).toMatchObject({ type: 'message.received', channel: 'whatsapp', content });
    expect(envelope?.transcript?.kind).toBe(transcriptKind);
  });

  it('a system message without contacts is kept as a system transcript entry', async () => {
    const payload = inbound({
      type: 'system',
      system: { body: 'User changed number', type: 'user_changed_number' },
    });
    delete (payload.entry[0]!.changes[0]!.value as { contacts?: unknown }).contacts;
    const body = JSON.stringify(payload);
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope?.transcript).toMatchObject({ kind: 'system', text: 'User changed number' });
    expect(envelope?.event).toMatchObject({ content: { kind: 'unsupported', rawType: 'system' } });
    expect(envelope?.event).not.toHaveProperty('profileName');
  });

  it('webhook-level errors from Meta are recorded as whatsapp.webhook_error', async () => {
    const body = JSON.stringify(webhook({ errors: [{ code: 131000, title: 'Something went wrong' }] }));
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    const [event] = await gw.systemEvents('whatsapp.webhook_error');
    expect(event?.payload).toMatchObject({ studioId: 'inkwell', errors: [{ code: 131000 }] });
  });

  it('an unknown phone_number_id → 200, a system event, nothing published', async () => {
    const body = JSON.stringify(textMessage('hi', { phoneNumberId: '999' }));
    const res = await post(body, whatsappHeaders(body));
    expect(res.statusCode).toBe(200);
    expect(await gw.inbox()).toEqual([]);
    expect(await gw.systemEvents('whatsapp.unknown_phone_number_id')).toHaveLength(1);
  });

  it('a malformed message among good ones is recorded; the good ones are published', async () => {
    const payload = textMessage('good');
    (payload.entry[0]!.changes[0]!.value as unknown as { messages: unknown[] }).messages.push({
      from: 'not-a-number',
      id: 1,
    });
    const body = JSON.stringify(payload);
    const res = await post(body, whatsappHeaders(body));
    expect(res.statusCode).toBe(200);
    expect(await gw.inbox()).toHaveLength(1);
    expect(await gw.systemEvents('whatsapp.invalid_message')).toHaveLength(1);
  });

  it('valid signature but invalid JSON → 400 MALFORMED_JSON; not a webhook shape → 400 VALIDATION_FAILED', async () => {
    const bad = '{"object":';
    const res = await post(bad, whatsappHeaders(bad));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    const wrong = '[1,2,3]';
    const res2 = await post(wrong, whatsappHeaders(wrong));
    expect(res2.statusCode).toBe(400);
    expect(res2.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await gw.inbox()).toEqual([]);
  });
});

describe('statuses', () => {
  it('each status → whatsapp.status on the recipient lead, id per status', async () => {
    const id = wamid();
    const body = JSON.stringify(
      statusUpdate('failed', { id, errors: [{ code: 131047, title: 'Re-engagement message' }] }),
    );
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    const [envelope] = await gw.inbox();
    expect(envelope).toMatchObject({
      id: `whatsapp-status:${id}:failed`,
      leadId: leadIdFor('inkwell', '+447700900123'),
      event: {
        type: 'message.status',
        channel: 'whatsapp',
        provider: 'meta',
        messageId: id,
        status: 'failed',
        errors: [{ code: 131047 }],
      },
    });
  });

  it("statuses of the studio's artist notifications do not create leads", async () => {
    const body = JSON.stringify(statusUpdate('delivered', { recipient: '447700900001' }));
    expect((await post(body, whatsappHeaders(body))).statusCode).toBe(200);
    expect(await gw.inbox()).toEqual([]);
  });
});

describe('pilot allowlist', () => {
  it('a number not on the allowlist → pilot_mode.blocked and nothing else', async () => {
    const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
    input.studios[0]!.pilot = { allowlist: ['+447700900555'] };
    const pilot = await startGateway({ studios: parseStudioConfig(input) });
    try {
      const blocked = JSON.stringify(textMessage('hi', { from: '447700900123' }));
      const res = await postWhatsapp(pilot.app, blocked);
      expect(res.statusCode).toBe(200);
      expect(await pilot.inbox()).toEqual([]);
      const [event] = await pilot.systemEvents('pilot_mode.blocked');
      expect(event?.payload).toMatchObject({ studioId: 'inkwell' });
      expect(JSON.stringify(event?.payload)).not.toContain('447700900123');

      const allowed = JSON.stringify(textMessage('hi', { from: '447700900555' }));
      await postWhatsapp(pilot.app, allowed);
      expect(await pilot.inbox()).toHaveLength(1);
    } finally {
      await pilot.close();
    }
  });
});

describe('artists writing to the studio number', () => {
  const artist = demoStudioInput.studios[0].artists[0];
  const artistWaId = artist.whatsapp.replace('+', '');

  it('are never leads: the message is recorded as an artist message and nothing is published', async () => {
    const id = wamid();
    const body = JSON.stringify(textMessage('Morning! Any new requests?', { from: artistWaId, id }));
    const res = await post(body, whatsappHeaders(body));
    expect(res.statusCode).toBe(200);
    expect(await gw.inbox()).toEqual([]);
    const rows = await gw.rt.db
      .selectFrom('artist_messages')
      .select(['provider_message_id', 'artist_id', 'text'])
      .where('provider_message_id', '=', id)
      .execute();
    expect(rows).toEqual([
      { provider_message_id: id, artist_id: artist.id, text: 'Morning! Any new requests?' },
    ]);
    const lead = await gw.rt.db
      .selectFrom('leads')
      .select('id')
      .where('id', '=', leadIdFor('inkwell', artist.whatsapp))
      .executeTakeFirst();
    expect(lead).toBeUndefined();
  });

  it('"Approve" in reply to an approval request approves that lead, like its action link', async () => {
    const leadId = leadIdFor('inkwell', '+447700900555');
    await gw.rt.db
      .insertInto('leads')
      .values({
        id: leadId,
        studio_id: 'inkwell',
        status: 'PENDING_APPROVAL',
        answers: {},
        snapshot: '{}',
        machine_id: 'lead',
        machine_version: 1,
        version: 1,
        updated_at: new Date(),
      })
      .execute();
    const outboxId = randomUUID();
    await gw.rt.db
      .insertInto('outbox')
      .values({
        id: outboxId,
        lead_id: leadId,
        kind: 'effect.artist.notify',
        payload: {
          type: 'effect.artist.notify',
          studioId: 'inkwell',
          artistId: artist.id,
          reason: 'approval',
          text: 'x',
          withActionLinks: true,
        },
        result: { wamid: 'wamid.REQUEST1' },
        status: 'done',
      })
      .execute();
    const payload = inbound(
      { type: 'text', text: { body: 'Approve' }, context: { from: '15550783881', id: 'wamid.REQUEST1' } },
      { from: artistWaId },
    );
    const body = JSON.stringify(payload);
    const res = await post(body, whatsappHeaders(body));
    expect(res.statusCode).toBe(200);
    const inbox = await gw.inbox();
    expect(inbox.map((e) => [e.id, e.leadId, e.event.type])).toEqual([
      [`action:${outboxId}`, leadId, 'artist.approve'],
    ]);
    expect(await gw.systemEvents('artist.reply_accepted')).toHaveLength(1);
  });
});
