// POST /api/broadcast over the real gateway, PostgreSQL and the real lead machine, on both buses: each
// lead gets the text through its own actor (a web lead's row on its session, nothing for an opted-out
// lead, the template outside WhatsApp's window, an SMS that quiet hours defer, nothing for a contact that
// never wrote), per-lead results with folded duplicates and leads of other studios, validation (0 / 101
// distinct ids), keys, idempotency, 202 with PENDING leads past the reply timeout, and a property: N
// concurrent identical requests apply the broadcast once (each lead gets the text once).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsSendDecision } from '../../src/channels/sms/policy.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { messageSendEffectSchema } from '../../src/domain/effects.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { adminHeaders, postWhatsapp, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { textMessage } from '../gateway/whatsapp-fixtures.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { API_KEY, messageStudios } from './message-studios.ts';

interface BroadcastAnswer {
  data: {
    broadcastId: string;
    summary: { total: number; successful: number; failed: number; pending?: number };
    results: { leadId: string; success: boolean; messageId?: string; error?: string; detail?: string }[];
  };
}
interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

// Quiet hours all day: an SMS that is not a direct reply always waits for their end.
const studios = messageStudios({ quietHours: { start: '00:00', end: '23:59' } });

describe.each(runtimeTransports())('POST /api/broadcast on the $name', ({ transport }) => {
  let h: GatewayHarness;
  let counter = 0;
  let phones = 0;
  const run = Math.floor(Math.random() * 1_000_000);

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    h.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });

  const broadcast = (
    payload: Record<string, unknown>,
    headers: Record<string, string> = { 'x-api-key': API_KEY },
  ) =>
    post('/api/broadcast', { studioId: 'inkwell', requestId: `b-${run}-${++counter}`, ...payload }, headers);

  /** A lead that wrote once over /web/messages (the real machine greets it): its id. */
  async function webLead(text = 'Hi, I would like a sleeve', studioId = 'inkwell'): Promise<string> {
    const phone = `+4477009${String(++phones).padStart(5, '0')}`;
    const response = await post('/web/messages', {
      studioId,
      requestId: `w-${run}-${phones}`,
      text,
      user: { phone },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ data: { leadId: string } }>().data.leadId;
  }

  async function sendsOf(leadId: string, text: string) {
    const rows = await h.rt.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('lead_id', '=', leadId)
      .where('kind', '=', 'effect.message.send')
      .execute();
    return rows.filter((row) => JSON.stringify(row.payload).includes(text));
  }

  beforeAll(async () => {
    h = await startGateway({
      definitions: [createLeadDefinition(new StudioRegistry(studios))],
      consume: true,
      studios,
      transport,
      options: { webRateLimit: { max: 10_000, timeWindowMs: 60_000 } },
    });
  });
  afterAll(async () => h.close());

  it('sends through each actor and reports per lead: success, opted out, not found, folded duplicates', async () => {
    const reached = await webLead();
    const optedOut = await webLead('STOP');
    const elsewhere = await webLead('Hello', 'north');
    const text = `Flash sale this weekend ${run}`;
    const response = await broadcast({
      leadIds: [reached, optedOut, reached, 'ld_nobody', elsewhere, optedOut],
      text,
    });
    expect(response.statusCode).toBe(200);
    const answer = response.json<BroadcastAnswer>();
    expect(answer.data.summary).toEqual({ total: 4, successful: 1, failed: 3 });
    expect(answer.data.results.map((r) => [r.leadId, r.success, r.error])).toEqual([
      [reached, true, undefined],
      [optedOut, false, 'OPTED_OUT'],
      ['ld_nobody', false, 'LEAD_NOT_FOUND'],
      [elsewhere, false, 'LEAD_NOT_FOUND'],
    ]);
    // The reached lead's actor committed the text on its own channel and session, as the messageId says.
    const [sent] = await sendsOf(reached, text);
    expect(sent?.payload).toMatchObject({ channel: 'web', message: { kind: 'text', text } });
    expect(sent?.payload).not.toHaveProperty('inReplyTo');
    expect(answer.data.results[0]?.messageId).toMatch(/^out_[0-9a-f]{32}$/);
    expect(await sendsOf(optedOut, text)).toHaveLength(0);
    expect(await sendsOf(elsewhere, text)).toHaveLength(0);
    const suppressed = await h.systemEvents('message.suppressed_opted_out');
    expect(suppressed.some((e) => e.lead_id === optedOut)).toBe(true);
  });

  it('outside the WhatsApp window the studio template goes out and the lead is reported OUTSIDE_WINDOW', async () => {
    const digits = `4477008${String(run % 100_000).padStart(5, '0')}`;
    const threeDaysAgo = Math.floor(Date.now() / 1000) - 3 * 86_400;
    const body = JSON.stringify(textMessage('Hi there', { from: digits, timestamp: threeDaysAgo }));
    expect((await postWhatsapp(h.app, body)).statusCode).toBe(200);
    await h.rt.idle();
    const lead = await h.rt.db
      .selectFrom('leads')
      .select('id')
      .where('phone', '=', `+${digits}`)
      .executeTakeFirstOrThrow();
    const response = await broadcast({ leadIds: [lead.id], text: `Window test ${run}` });
    expect(response.statusCode).toBe(200);
    const [result] = response.json<BroadcastAnswer>().data.results;
    expect(result).toMatchObject({ leadId: lead.id, success: false, error: 'OUTSIDE_WINDOW' });
    expect(await sendsOf(lead.id, `Window test ${run}`)).toHaveLength(0);
  });

  it('an SMS lead gets it on SMS as a send that is not a reply, so quiet hours hold it back', async () => {
    const phone = `+4477006${String(run % 100_000).padStart(5, '0')}`;
    const at = new Date().toISOString();
    const leadId = leadIdFor('inkwell', phone);
    await h.rt.publish({
      id: `twilio:SM${run}`,
      leadId,
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: at,
      event: {
        type: 'message.received',
        at,
        channel: 'sms',
        provider: 'twilio',
        messageId: `SM${run}`,
        from: [{ type: 'phone', value: phone }],
        to: '+15005550006',
        sentAt: at,
        content: { kind: 'text', text: 'Hi' },
      },
    });
    await h.rt.idle();
    const text = `SMS broadcast ${run}`;
    const response = await broadcast({ leadIds: [leadId], text });
    expect(response.json<BroadcastAnswer>().data.results).toEqual([
      expect.objectContaining({ leadId, success: true }),
    ]);
    const [sent] = await sendsOf(leadId, text);
    const effect = messageSendEffectSchema.parse(sent?.payload);
    expect(effect).toMatchObject({ channel: 'sms', to: phone, message: { kind: 'text', text } });
    const studio = studios.studios.find((s) => s.id === 'inkwell');
    if (studio === undefined) throw new Error('no inkwell studio');
    const decision = smsSendDecision({ studio, inReplyTo: effect.inReplyTo, now: new Date() });
    expect(decision.kind).toBe('defer');
  });

  it('an imported contact that never wrote has no channel: NO_CHANNEL, nothing sent', async () => {
    const phone = `+4477007${String(run % 100_000).padStart(5, '0')}`;
    const imported = await h.app.inject({
      method: 'POST',
      url: '/admin/contacts/import',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ studioId: 'inkwell', contacts: [{ name: 'Ada', phone }] }),
    });
    expect(imported.statusCode).toBe(200);
    const lead = await h.rt.db
      .selectFrom('leads')
      .select('id')
      .where('phone', '=', phone)
      .executeTakeFirstOrThrow();
    const response = await broadcast({ leadIds: [lead.id], text: `Never wrote ${run}` });
    expect(response.statusCode).toBe(200);
    expect(response.json<BroadcastAnswer>().data.results).toEqual([
      expect.objectContaining({ leadId: lead.id, success: false, error: 'NO_CHANNEL' }),
    ]);
  });

  it('refuses 0 or more than 100 distinct ids, naming leadIds; 150 ids with 2 distinct are fine', async () => {
    const a = await webLead();
    const b = await webLead();
    for (const leadIds of [[], Array.from({ length: 101 }, (_, i) => `ld_${i}`)]) {
      const response = await broadcast({ leadIds, text: 'Hello' });
      expect(response.statusCode).toBe(400);
      const error = response.json<ErrorBody>().error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain('leadIds');
    }
    const folded = await broadcast({
      leadIds: Array.from({ length: 150 }, (_, i) => (i % 2 === 0 ? a : b)),
      text: 'Folded',
    });
    expect(folded.statusCode).toBe(200);
    expect(folded.json<BroadcastAnswer>().data.summary).toEqual({ total: 2, successful: 2, failed: 0 });
    expect(await sendsOf(a, 'Folded')).toHaveLength(1);
    const empty = await broadcast({ leadIds: [a], text: '' });
    expect(empty.json<ErrorBody>().error.message).toContain('text');
  });

  it('takes the studio key or the admin key; unknown and inactive studios are STUDIO_NOT_FOUND', async () => {
    const lead = await webLead();
    expect((await broadcast({ leadIds: [lead], text: 'k' }, {})).statusCode).toBe(401);
    expect((await broadcast({ leadIds: [lead], text: 'k' }, { 'x-api-key': 'wrong' })).statusCode).toBe(401);
    expect((await broadcast({ leadIds: [lead], text: 'k' }, adminHeaders)).statusCode).toBe(200);
    const bearer = await broadcast({ leadIds: [lead], text: 'k' }, { authorization: `Bearer ${API_KEY}` });
    expect(bearer.statusCode).toBe(200);
    for (const studioId of ['nope', 'closed']) {
      const response = await broadcast({ studioId, leadIds: [lead], text: 'k' }, adminHeaders);
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('STUDIO_NOT_FOUND');
    }
  });

  it('a repeat of the requestId is DUPLICATE_REQUEST with the first response, applied once', async () => {
    const lead = await webLead();
    const payload = { studioId: 'inkwell', requestId: `rep-${run}`, leadIds: [lead], text: `Once ${run}` };
    const first = await post('/api/broadcast', payload, { 'x-api-key': API_KEY });
    expect(first.statusCode).toBe(200);
    const again = await post('/api/broadcast', payload, adminHeaders);
    expect(again.statusCode).toBe(409);
    const error = again.json<ErrorBody>().error;
    expect(error.code).toBe('DUPLICATE_REQUEST');
    expect(error.details?.response).toEqual(first.json());
    expect(await sendsOf(lead, `Once ${run}`)).toHaveLength(1);
  });

  it('N concurrent identical requests apply the broadcast once: each lead gets the text once', async () => {
    const leads = [await webLead(), await webLead(), await webLead()];
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 8 }),
        fc.subarray(leads, { minLength: 1 }),
        async (n, ids) => {
          const text = `Concurrent ${run} ${++round}`;
          const payload = { studioId: 'inkwell', requestId: `cc-${run}-${round}`, leadIds: ids, text };
          const responses = await Promise.all(
            Array.from({ length: n }, () => post('/api/broadcast', payload, { 'x-api-key': API_KEY })),
          );
          const statuses = responses.map((r) => r.statusCode);
          expect(statuses.filter((s) => s === 200)).toHaveLength(1);
          expect(statuses.filter((s) => s === 409)).toHaveLength(n - 1);
          await h.rt.idle();
          for (const leadId of ids) expect(await sendsOf(leadId, text)).toHaveLength(1);
        },
      ),
      { numRuns: 6 },
    );
  });
});

describe('POST /api/broadcast past the reply timeout', () => {
  let h: GatewayHarness;
  let now = new Date();
  beforeAll(async () => {
    h = await startGateway({
      definitions: [createLeadDefinition(new StudioRegistry(studios))],
      consume: true,
      studios,
      deps: { clock: () => now },
      options: { replyTimeoutMs: 300 },
    });
  });
  afterAll(async () => h.close());

  it('202 with the leads not committed yet as PENDING; a repeat later gets the final answer', async () => {
    const written = await h.app.inject({
      method: 'POST',
      url: '/web/messages',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        studioId: 'inkwell',
        requestId: 'slow-lead',
        text: 'Hi',
        user: { phone: '+447700900600' },
      }),
    });
    const leadId = written.json<{ data: { leadId: string } }>().data.leadId;
    await h.rt.host.stop();
    const payload = { studioId: 'inkwell', requestId: 'slow-1', leadIds: [leadId], text: 'Later' };
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/broadcast',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        payload: JSON.stringify(payload),
      });
    const first = await send();
    expect(first.statusCode).toBe(202);
    expect(first.json<BroadcastAnswer>().data).toMatchObject({
      summary: { total: 1, successful: 0, failed: 0, pending: 1 },
      results: [{ leadId, success: false, error: 'PENDING' }],
    });
    // While no worker runs: in flight, then (past the timeout) the answer as it stands.
    expect((await send()).json<ErrorBody>().error.details).toHaveProperty('retryAfterMs');
    now = new Date(now.getTime() + 60_000);
    expect((await send()).json<ErrorBody>().error.details?.response).toMatchObject({
      data: { summary: { pending: 1 } },
    });
    await h.rt.host.start();
    await h.rt.idle();
    const final = await send();
    expect(final.statusCode).toBe(409);
    expect(final.json<ErrorBody>().error.details?.response).toMatchObject({
      data: { summary: { total: 1, successful: 1, failed: 0 }, results: [{ leadId, success: true }] },
    });
  });
});
