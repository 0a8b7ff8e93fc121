// The admin HTTP API: auth, leads, messages, control events, system events, dead letters, rate limit.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { leadStatusSchema } from '../../src/gateway/admin/admin-schemas.ts';
import { recordSystemEvent } from '../../src/persistence/system-events.ts';
import { adminHeaders, SECRETS, startGateway, type GatewayHarness } from './gateway-harness.ts';
import { insertLead, insertTranscript } from './lead-rows.ts';

let gw: GatewayHarness;
const alex = leadIdFor('inkwell', '+447700900123');
const sam = leadIdFor('inkwell', '+447700900456');

beforeAll(async () => {
  gw = await startGateway();
  await insertLead(gw.rt.db, { id: alex, phone: '+447700900123', status: 'QUALIFYING', version: 7 });
  await insertLead(gw.rt.db, {
    id: sam,
    phone: '+447700900456',
    status: 'BOOKED',
    step: null,
    updatedAt: new Date(Date.now() - 60_000),
  });
  await insertLead(gw.rt.db, { id: 'probe_1', phone: '+447700900789', actorType: 'probe' });
});
afterAll(async () => {
  await gw.close();
});

const get = (url: string, headers: Record<string, string> = adminHeaders) => gw.app.inject({ url, headers });

describe('authentication', () => {
  it.each([
    ['no key', {}],
    ['wrong X-API-Key', { 'x-api-key': 'nope' }],
    ['wrong bearer', { authorization: 'Bearer nope' }],
    ['key as a prefix', { 'x-api-key': `${SECRETS.ADMIN_API_KEY}x` }],
  ])('%s → 401', async (_name, headers) => {
    const res = await get('/admin/leads', headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('accepts X-API-Key and Authorization: Bearer', async () => {
    expect((await get('/admin/leads')).statusCode).toBe(200);
    expect((await get('/admin/leads', { authorization: `Bearer ${SECRETS.ADMIN_API_KEY}` })).statusCode).toBe(
      200,
    );
  });

  it('with ADMIN_API_KEY unset every admin call is 401, even with some key', async () => {
    const open = await startGateway({ env: { ADMIN_API_KEY: '' } });
    try {
      const res = await open.app.inject({ url: '/admin/leads', headers: { 'x-api-key': '' } });
      expect(res.statusCode).toBe(401);
      const res2 = await open.app.inject({ url: '/admin/system-events', headers: adminHeaders });
      expect(res2.statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('leads', () => {
  it('lists leads (not probe actors), newest first, in the contract shape', async () => {
    const res = await get('/admin/leads');
    expect(res.statusCode).toBe(200);
    const { leads } = res.json<{ leads: Record<string, unknown>[] }>();
    expect(leads.map((l) => l.id)).toEqual([alex, sam]);
    expect(Object.keys(leads[0] ?? {}).sort()).toEqual(
      [
        'id',
        'studioId',
        'phone',
        'channel',
        'identifiers',
        'name',
        'status',
        'step',
        'answers',
        'version',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(leads[0]).toMatchObject({
      studioId: 'inkwell',
      phone: '+447700900123',
      channel: null,
      // A phone on the row is an identifier even when none was recorded (rows written before identities).
      identifiers: [{ type: 'phone', value: '+447700900123' }],
      version: 7,
      answers: { idea: 'a koi' },
    });
  });

  it('filters by phone (a "+" decoded to a space still matches), status and limit', async () => {
    const byPhone = await get('/admin/leads?phone=+447700900456');
    expect(byPhone.json<{ leads: { id: string }[] }>().leads.map((l) => l.id)).toEqual([sam]);
    const encoded = await get('/admin/leads?phone=%2B447700900456');
    expect(encoded.json<{ leads: { id: string }[] }>().leads.map((l) => l.id)).toEqual([sam]);
    const byStatus = await get('/admin/leads?status=QUALIFYING');
    expect(byStatus.json<{ leads: { id: string }[] }>().leads.map((l) => l.id)).toEqual([alex]);
    expect((await get('/admin/leads?limit=1')).json<{ leads: unknown[] }>().leads).toHaveLength(1);
    expect((await get('/admin/leads?limit=0')).statusCode).toBe(400);
    expect((await get('/admin/leads?limit=abc')).json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('an unknown status filter → 400 VALIDATION_FAILED in the envelope; every contract status is accepted', async () => {
    const bogus = await get('/admin/leads?status=BOGUS');
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(bogus.json<{ traceId: string }>().traceId).toBe(bogus.headers['x-trace-id']);
    // The list is a copy of docs/contract.md §3's.
    const contractPath = path.resolve(import.meta.dirname, '../../docs/contract.md');
    const listed = /`status` is one of: ([^.]+)\./.exec(readFileSync(contractPath, 'utf8'))?.[1] ?? '';
    expect([...listed.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])).toEqual(leadStatusSchema.options);
    for (const status of leadStatusSchema.options)
      expect((await get(`/admin/leads?status=${status}`)).statusCode).toBe(200);
  });

  it('GET /admin/leads/:id → the lead, 404 when unknown or not a lead', async () => {
    expect((await get(`/admin/leads/${alex}`)).json()).toMatchObject({
      id: alex,
      status: 'QUALIFYING',
      step: 'placement',
    });
    for (const id of ['ld_unknown', 'probe_1']) {
      const res = await get(`/admin/leads/${id}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'LEAD_NOT_FOUND' } });
    }
  });

  it('GET /admin/leads/:id/messages → the transcript in conversation order', async () => {
    const t0 = Date.now();
    await insertTranscript(gw.rt.db, alex, [
      { direction: 'in', kind: 'text', text: 'hi', at: new Date(t0) },
      { direction: 'out', kind: 'text', text: 'Tell us about your tattoo idea.', at: new Date(t0 + 1) },
      { direction: 'in', kind: 'image', text: null, at: new Date(t0 + 2) },
    ]);
    const res = await get(`/admin/leads/${alex}/messages`);
    expect(res.statusCode).toBe(200);
    const { messages } = res.json<{
      messages: { direction: string; kind: string; text: string | null; at: string }[];
    }>();
    expect(messages.map((m) => [m.direction, m.kind, m.text])).toEqual([
      ['in', 'text', 'hi'],
      ['out', 'text', 'Tell us about your tattoo idea.'],
      ['in', 'image', null],
    ]);
    expect(messages[0]?.at).toBe(new Date(t0).toISOString());
    expect((await get('/admin/leads/ld_unknown/messages')).statusCode).toBe(404);
  });
});

describe('POST /admin/leads/:id/events', () => {
  const post = (id: string, payload: unknown) =>
    gw.app.inject({
      method: 'POST',
      url: `/admin/leads/${id}/events`,
      payload: payload as object,
      headers: adminHeaders,
    });

  it('202 after the event is durably on the lead stream, with `at` stamped', async () => {
    await sql`delete from inbox`.execute(gw.rt.db);
    const res = await post(alex, {
      type: 'artist.reject',
      reason: 'not my style',
      at: '2000-01-01T00:00:00Z',
    });
    expect(res.statusCode).toBe(202);
    const body = res.json<{ accepted: boolean; id: string }>();
    expect(body.accepted).toBe(true);
    expect(body.id).toMatch(/^admin:[0-9a-f-]{36}$/);
    const [envelope] = await gw.inbox();
    expect(envelope).toMatchObject({
      id: body.id,
      leadId: alex,
      studioId: 'inkwell',
      event: { type: 'artist.reject', reason: 'not my style' },
    });
    expect(Date.parse(envelope?.event.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(envelope?.traceId).toBe(res.headers['x-trace-id']);
  });

  it.each([
    [{ type: 'lead.explode' }, 'UNKNOWN_EVENT'],
    [{}, 'VALIDATION_FAILED'],
    [{ type: 'message.send' }, 'VALIDATION_FAILED'],
    [{ type: 'message.send', text: '' }, 'VALIDATION_FAILED'],
    [{ type: 'artist.reject', reason: 42 }, 'VALIDATION_FAILED'],
  ])('%j → 400 %s, nothing enqueued', async (payload, code) => {
    await sql`delete from inbox`.execute(gw.rt.db);
    const res = await post(alex, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(await gw.inbox()).toEqual([]);
  });

  it('404 for an unknown lead', async () => {
    const res = await post('ld_unknown', { type: 'handover.start' });
    expect(res.statusCode).toBe(404);
  });
});

describe('system events', () => {
  it('filters by type, leadId, level and since; newest first', async () => {
    await recordSystemEvent(gw.rt.db, {
      level: 'info',
      type: 'test.one',
      leadId: alex,
      at: new Date(Date.now() - 3_600_000),
    });
    await recordSystemEvent(gw.rt.db, { level: 'warn', type: 'test.two', leadId: alex, payload: { n: 2 } });
    await recordSystemEvent(gw.rt.db, { level: 'warn', type: 'test.two', leadId: sam });
    type Events = {
      events: {
        type: string;
        leadId: string | null;
        level: string;
        payload: unknown;
        at: string;
        id: string;
      }[];
    };
    const all = (await get(`/admin/system-events?leadId=${alex}`)).json<Events>().events;
    expect(all.map((e) => e.type)).toEqual(['test.two', 'test.one']);
    expect(all[0]).toMatchObject({ level: 'warn', leadId: alex, payload: { n: 2 } });
    expect((await get('/admin/system-events?type=test.two')).json<Events>().events).toHaveLength(2);
    expect((await get('/admin/system-events?level=info&type=test.one')).json<Events>().events).toHaveLength(
      1,
    );
    const since = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    expect(
      (await get(`/admin/system-events?since=${since}&leadId=${alex}`))
        .json<Events>()
        .events.map((e) => e.type),
    ).toEqual(['test.two']);
    expect((await get('/admin/system-events?level=loud')).statusCode).toBe(400);
    expect((await get('/admin/system-events?since=yesterday')).statusCode).toBe(400);
  });
});

describe('dead letters', () => {
  it('lists them and replays one onto its lead stream; 404 for unknown ids', async () => {
    const id = randomUUID();
    const envelope = {
      id: 'whatsapp:wamid.dead',
      leadId: alex,
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: new Date().toISOString(),
      event: { type: 'handover.start', at: new Date().toISOString() },
    };
    await gw.rt.db
      .insertInto('dead_letters')
      .values({
        id,
        lead_id: alex,
        message_id: envelope.id,
        envelope: JSON.stringify(envelope),
        error: 'boom',
        attempts: 5,
      })
      .execute();
    const list = await get('/admin/dead-letters');
    expect(list.json<{ deadLetters: { id: string; error: string }[] }>().deadLetters).toEqual([
      expect.objectContaining({ id, error: 'boom', leadId: alex }),
    ]);
    await sql`delete from inbox`.execute(gw.rt.db);
    const replay = await gw.app.inject({
      method: 'POST',
      url: `/admin/dead-letters/${id}/replay`,
      headers: adminHeaders,
    });
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toEqual({ accepted: true, id: `replay:${id}:1` });
    expect((await gw.inbox())[0]).toMatchObject({ id: `replay:${id}:1`, replayOf: id, leadId: alex });
    for (const missing of [randomUUID(), 'not-a-uuid']) {
      const res = await gw.app.inject({
        method: 'POST',
        url: `/admin/dead-letters/${missing}/replay`,
        headers: adminHeaders,
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'DEAD_LETTER_NOT_FOUND' } });
    }
  });
});

describe('rate limit', () => {
  it('admin routes answer 429 RATE_LIMITED past the limit; webhooks and health are not limited', async () => {
    const limited = await startGateway({ options: { adminRateLimit: { max: 3, timeWindowMs: 60_000 } } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push((await limited.app.inject({ url: '/admin/leads', headers: adminHeaders })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const res = await limited.app.inject({ url: '/admin/leads', headers: adminHeaders });
      expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      expect(res.headers['retry-after']).toBeDefined();
      for (let i = 0; i < 5; i++)
        expect((await limited.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
