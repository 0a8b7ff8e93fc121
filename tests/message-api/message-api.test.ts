// The message API over the real gateway, PostgreSQL and single-node bus, with a stand-in lead actor that
// answers each message (echo-lead.ts): validation, studios and keys, guests, the synchronous reply, 202
// past the timeout, idempotency (finished, in flight, concurrent) and sessions with their timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { echoLeadDefinition } from './echo-lead.ts';
import { API_KEY, messageStudios, ORIGIN } from './message-studios.ts';

let now = new Date('2026-12-02T10:00:00.000Z');
let h: GatewayHarness;
let counter = 0;

function body(overrides: Record<string, unknown> = {}) {
  return {
    studioId: 'inkwell',
    requestId: `r-${++counter}`,
    text: 'Hi, I would like a sleeve',
    user: { phone: '+447700900123' },
    ...overrides,
  };
}

function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url,
    payload: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

interface Answer {
  data: {
    leadId: string;
    sessionId: string;
    messageId: string;
    lead: { status: string; step: string | null };
    replies: { kind: string; text: string; options?: { id: string; title: string }[] }[];
    user?: { deviceId: string };
    status?: string;
  };
  traceId: string;
}
interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> | null };
}

beforeAll(async () => {
  h = await startGateway({
    definitions: [echoLeadDefinition],
    consume: true,
    studios: messageStudios(),
    deps: { clock: () => now },
    options: { webRateLimit: { max: 10_000, timeWindowMs: 60_000 } },
  });
});
afterAll(async () => h.close());

describe('POST /{web,app,api}/messages', () => {
  it('answers with the replies the lead actor committed for the message', async () => {
    const response = await post('/web/messages', body({ text: 'choose' }));
    expect(response.statusCode).toBe(200);
    const answer = response.json<Answer>();
    expect(answer.data).toMatchObject({
      leadId: leadIdFor('inkwell', '+447700900123'),
      lead: { status: 'QUALIFYING' },
      replies: [
        { kind: 'text', text: 'echo: choose' },
        {
          kind: 'choices',
          text: 'Which style?',
          options: [
            { id: 'realism', title: 'Realism' },
            { id: 'blackwork', title: 'Blackwork' },
          ],
        },
      ],
    });
    expect(answer.data.sessionId).toMatch(/^ss_/);
    expect(answer.data.messageId).toMatch(/^msg_/);
    expect(answer.traceId).toBe(response.headers['x-trace-id']);
  });

  it('refuses a bad body with VALIDATION_FAILED naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [body({ requestId: 'has space' }), 'requestId'],
      [body({ requestId: 'x'.repeat(129) }), 'requestId'],
      [body({ requestId: '' }), 'requestId'],
      [body({ text: '' }), 'text'],
      [body({ text: 'x'.repeat(10_001) }), 'text'],
      [{ studioId: 'inkwell', requestId: 'r-missing-text' }, 'text'],
      [body({ user: { phone: '07700 900123' } }), 'user.phone'],
    ];
    for (const [payload, field] of cases) {
      const response = await post('/web/messages', payload);
      expect(response.statusCode, field).toBe(400);
      const error = response.json<ErrorBody>().error;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.message).toContain(field);
    }
    // 10,000 characters is still fine.
    expect((await post('/web/messages', body({ text: 'x'.repeat(10_000) }))).statusCode).toBe(200);
  });

  it('unknown or inactive studios are STUDIO_NOT_FOUND on every channel', async () => {
    for (const studioId of ['nope', 'closed']) {
      for (const url of ['/web/messages', '/api/messages', '/app/messages']) {
        const response = await post(url, body({ studioId }), { 'x-api-key': API_KEY });
        expect(response.statusCode, `${url} ${studioId}`).toBe(404);
        expect(response.json<ErrorBody>().error.code).toBe('STUDIO_NOT_FOUND');
      }
    }
  });

  it('/api and /app need the studio key (X-API-Key or Bearer) and an identifier', async () => {
    expect((await post('/api/messages', body())).statusCode).toBe(401);
    expect((await post('/app/messages', body(), { 'x-api-key': 'wrong' })).statusCode).toBe(401);
    expect((await post('/api/messages', body(), { 'x-api-key': API_KEY })).statusCode).toBe(200);
    const app = await post('/app/messages', body(), { authorization: `Bearer ${API_KEY}` });
    expect(app.statusCode).toBe(200);
    const guest = await post('/api/messages', body({ user: undefined }), { 'x-api-key': API_KEY });
    expect(guest.statusCode).toBe(401);
    expect(guest.json<ErrorBody>().error.code).toBe('IDENTITY_REQUIRED');
  });

  it('a web guest gets a deviceId back, and the same lead when it sends it', async () => {
    const first = await post('/web/messages', body({ user: undefined }));
    expect(first.statusCode).toBe(200);
    const deviceId = first.json<Answer>().data.user?.deviceId;
    expect(deviceId).toMatch(/^dv_/);
    const second = await post('/web/messages', body({ user: { deviceId } }));
    expect(second.json<Answer>().data.leadId).toBe(first.json<Answer>().data.leadId);
    expect(second.json<Answer>().data.sessionId).toBe(first.json<Answer>().data.sessionId);
    // A studio without guests says IDENTITY_REQUIRED.
    const refused = await post('/web/messages', body({ studioId: 'north', user: undefined }));
    expect(refused.statusCode).toBe(401);
    expect(refused.json<ErrorBody>().error.code).toBe('IDENTITY_REQUIRED');
  });

  it('CORS answers the allowed origin, and a browser from another origin is refused', async () => {
    const preflight = await h.app.inject({
      method: 'OPTIONS',
      url: '/web/messages',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    const foreign = await h.app.inject({
      method: 'OPTIONS',
      url: '/web/messages',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await post('/web/messages', body(), { origin: ORIGIN });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    const refused = await post('/web/messages', body(), { origin: 'https://evil.example' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorBody>().error.code).toBe('ORIGIN_NOT_ALLOWED');
  });
});

describe('idempotency per (studio, session, requestId)', () => {
  it('a repeat after the first finished is DUPLICATE_REQUEST with the first response', async () => {
    const payload = body({ user: { phone: '+447700900200' } });
    const first = await post('/web/messages', payload);
    expect(first.statusCode).toBe(200);
    const again = await post('/web/messages', payload);
    expect(again.statusCode).toBe(409);
    const error = again.json<ErrorBody>().error;
    expect(error.code).toBe('DUPLICATE_REQUEST');
    expect(error.details?.response).toEqual(first.json());
  });

  it('concurrent repeats: exactly one is processed, the others are 409', async () => {
    const payload = body({ user: { phone: '+447700900201' } });
    const responses = await Promise.all(Array.from({ length: 12 }, () => post('/web/messages', payload)));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
    for (const r of responses.filter((x) => x.statusCode === 409)) {
      const details = r.json<ErrorBody>().error.details ?? {};
      expect('response' in details || 'retryAfterMs' in details).toBe(true);
    }
    const leadId = leadIdFor('inkwell', '+447700900201');
    const rows = await h.rt.db
      .selectFrom('outbox')
      .select('id')
      .where('lead_id', '=', leadId)
      .where('kind', '=', 'effect.message.send')
      .execute();
    expect(rows).toHaveLength(1);
    const lead = await h.rt.db
      .selectFrom('leads')
      .select('version')
      .where('id', '=', leadId)
      .executeTakeFirst();
    expect(Number(lead?.version)).toBe(1);
  });

  it('a new session (after sessionTimeout) is a new idempotency scope', async () => {
    const payload = body({ user: { phone: '+447700900202' } });
    const first = (await post('/web/messages', payload)).json<Answer>();
    now = new Date(now.getTime() + 30 * 60_000);
    const within = await post('/web/messages', body({ user: { phone: '+447700900202' } }));
    expect(within.json<Answer>().data.sessionId).toBe(first.data.sessionId);
    expect((await post('/web/messages', payload)).statusCode).toBe(409);
    now = new Date(now.getTime() + 61 * 60_000);
    const later = await post('/web/messages', payload);
    expect(later.statusCode).toBe(200);
    expect(later.json<Answer>().data.sessionId).not.toBe(first.data.sessionId);
    expect(later.json<Answer>().data.lead.step).toBe('placement');
  });
});
