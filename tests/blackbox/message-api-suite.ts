// The message API against the real `leadline start` on a port, real PostgreSQL, and (distributed) a
// private nats-server with the gateway and a worker as separate processes: a conversation over
// /web/messages whose replies come back in the HTTP responses, idempotency (finished repeat, concurrent
// repeats with exactly one processed), the session's SSE stream resumed with Last-Event-ID, and (with the
// worker frozen) 202 past the reply timeout with the replies arriving on the stream once it runs again.
// No application module is imported.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { freePort, startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import { openSse } from '../message-api/sse-client.ts';
import {
  client,
  DEMO_ARTIST_DIGITS,
  eventually,
  startLeadline,
  type RunningGateway,
} from './blackbox-client.ts';

const API_KEY = 'bb-message-api-key-0123456789';
const ORIGIN = 'https://inkwell.example';
const REPLY_TIMEOUT = '3s';

const QUESTIONS = [
  { id: 'idea', prompt: 'Tell us about your tattoo idea.' },
  { id: 'placement', prompt: 'Where on your body would it go?' },
  { id: 'dimensions', prompt: 'Roughly how big? For example 10x15cm.' },
  { id: 'style', prompt: 'Which style?', options: ['realism', 'blackwork', 'fine line'] },
  { id: 'reference_images', prompt: 'Any reference images? Send photos, describe them, or say none.' },
  { id: 'budget', prompt: 'What budget do you have in mind? For example £300.' },
];

const studioConfig = {
  studios: [
    {
      id: 'inkwell',
      name: 'Inkwell Tattoo',
      whatsapp: { phoneNumberId: '110000000000001' },
      timezone: 'Europe/London',
      currency: 'GBP',
      styles: ['realism', 'blackwork', 'fine line'],
      artists: [{ id: 'sam', name: 'Sam Needle', whatsapp: `+${DEMO_ARTIST_DIGITS}` }],
      questions: QUESTIONS,
      deposit: { amount: 5000, expiresAfter: '24h' },
      availability: { weekly: { mon: [{ start: '10:00', end: '18:00' }] } },
      web: { acceptGuests: true, allowedOrigins: [ORIGIN] },
      apiKey: '${BB_INKWELL_API_KEY}',
    },
  ],
};

interface Answer {
  data: {
    leadId: string;
    sessionId: string;
    messageId: string;
    status?: string;
    lead: { status: string; step: string | null };
    replies: { kind: string; text: string; options?: { id: string; title: string }[] }[];
    user?: { deviceId: string };
  };
}
interface ErrorBody {
  error: { code: string; details: Record<string, unknown> | null };
}

export function messageApiSuite(mode: 'single' | 'distributed'): void {
  let nats: NatsServerProcess | null = null;
  let home: string;
  let database: TestDatabase;
  let graph: FakeGraphApi;
  let stripeApi: FakeStripeApi;
  let gateway: RunningGateway;
  let worker: RunningGateway | undefined;
  let counter = 0;

  async function post(url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    return { status: response.status, json: await response.json() };
  }

  function message(text: string, user: Record<string, string>, requestId = `bb-${mode}-${++counter}`) {
    return { studioId: 'inkwell', requestId, text, user };
  }

  beforeAll(async () => {
    if (mode === 'distributed') {
      nats = await startNatsServer();
      if (!nats) throw new Error('message API black-box: could not start nats-server (is it on PATH?)');
    }
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-msgapi-'));
    const configFile = path.join(home, 'studio.json');
    await writeFile(configFile, JSON.stringify(studioConfig));
    [database, graph, stripeApi] = await Promise.all([
      createTestDatabase({ migrate: false }),
      startFakeGraphApi('bb-access-token'),
      startFakeStripeApi(),
    ]);
    const start = async (role: 'all' | 'gateway' | 'worker', id: string) =>
      startLeadline({
        port: await freePort(),
        databaseUrl: database.url,
        graphUrl: graph.url,
        stripeUrl: stripeApi.url,
        ...(nats ? { natsUrl: nats.url } : {}),
        role,
        env: {
          LEADLINE_WORKER_ID: id,
          LEADLINE_CONFIG: configFile,
          LEADLINE_REPLY_TIMEOUT: REPLY_TIMEOUT,
          LEADLINE_LEASE_TIMEOUT: '3s',
          BB_INKWELL_API_KEY: API_KEY,
        },
      });
    if (mode === 'single') gateway = await start('all', 'all');
    else [gateway, worker] = await Promise.all([start('gateway', 'gateway'), start('worker', 'worker')]);
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all([gateway.stop(), worker?.stop()]);
    await Promise.all([graph.close(), stripeApi.close(), database.drop()]);
    await nats?.stop();
    await rm(home, { recursive: true, force: true });
    expect(codes.filter((c) => c !== undefined)).toEqual(mode === 'single' ? [0] : [0, 0]);
  });

  function printOutputsOnFailure() {
    onTestFailed(() => {
      process.stderr.write(`\n--- gateway ---\n${gateway.output()}\n`);
      if (worker) process.stderr.write(`\n--- worker ---\n${worker.output()}\n`);
    });
  }

  const topology = mode === 'single' ? 'one process, in-process bus' : 'gateway + worker on NATS';
  describe(`black-box message API (${topology})`, () => {
    it('a conversation over /web/messages gets its replies in the HTTP responses', async () => {
      printOutputsOnFailure();
      const user = { phone: '+447700900501' };
      const steps: [string, string, string | null][] = [
        ['Hi', QUESTIONS[0]?.prompt ?? '', 'idea'],
        ['A koi fish swimming up my arm', QUESTIONS[1]?.prompt ?? '', 'placement'],
        ['left forearm', QUESTIONS[2]?.prompt ?? '', 'dimensions'],
        ['10x15cm', QUESTIONS[3]?.prompt ?? '', 'style'],
      ];
      let sessionId: string | undefined;
      for (const [text, prompt, step] of steps) {
        const response = await post('/web/messages', message(text, user), { origin: ORIGIN });
        expect(response.status, text).toBe(200);
        const answer = response.json as Answer;
        expect(answer.data.lead.step, text).toBe(step);
        expect(answer.data.replies.map((r) => r.text).join('\n'), text).toContain(prompt);
        sessionId ??= answer.data.sessionId;
        expect(answer.data.sessionId).toBe(sessionId);
      }
      // The style question carries its options as choices.
      const last = (await post('/web/messages', message('what styles?', user))).json as Answer;
      const choices = last.data.replies.find((r) => r.kind === 'choices');
      expect(choices?.options?.map((o) => o.title)).toEqual(expect.arrayContaining(['realism', 'blackwork']));
      // /api with the studio key reaches the same lead by the same phone.
      const api = await post('/api/messages', message('realism', user), { 'x-api-key': API_KEY });
      expect(api.status).toBe(200);
      expect((api.json as Answer).data.leadId).toBe(last.data.leadId);
      expect((api.json as Answer).data.lead.step).toBe('reference_images');
    });

    it('a repeated requestId is 409 with the first answer; concurrent repeats are processed once', async () => {
      printOutputsOnFailure();
      const once = message('Hi there', { email: 'ada@example.com' });
      const first = await post('/web/messages', once);
      expect(first.status).toBe(200);
      const repeat = await post('/web/messages', once);
      expect(repeat.status).toBe(409);
      expect((repeat.json as ErrorBody).error).toMatchObject({
        code: 'DUPLICATE_REQUEST',
        details: { response: first.json },
      });

      const concurrent = message('Hello', { phone: '+447700900502' });
      const responses = await Promise.all(Array.from({ length: 8 }, () => post('/web/messages', concurrent)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(7);
      const leadId = (responses.find((r) => r.status === 200)?.json as Answer).data.leadId;
      const lead = await client(gateway.base).admin(`/admin/leads/${leadId}`);
      expect(lead.json).toMatchObject({ version: 1, step: 'idea' });
    });

    it('guests get a deviceId; unknown studios, missing keys and bad fields are refused', async () => {
      const guest = await post('/web/messages', { studioId: 'inkwell', requestId: 'g-1', text: 'Hi' });
      expect(guest.status).toBe(200);
      expect((guest.json as Answer).data.user?.deviceId).toMatch(/^dv_/);
      const refusals: [string, Record<string, unknown>, Record<string, string>, number, string][] = [
        ['/web/messages', message('Hi', {}, 'bad id'), {}, 400, 'VALIDATION_FAILED'],
        ['/web/messages', { ...message('Hi', {}), studioId: 'nope' }, {}, 404, 'STUDIO_NOT_FOUND'],
        ['/api/messages', message('Hi', { phone: '+447700900503' }), {}, 401, 'UNAUTHORIZED'],
        ['/api/messages', message('Hi', {}), { 'x-api-key': API_KEY }, 401, 'IDENTITY_REQUIRED'],
      ];
      for (const [url, payload, headers, status, code] of refusals) {
        const response = await post(url, payload, headers);
        expect(response.status, code).toBe(status);
        expect((response.json as ErrorBody).error.code).toBe(code);
      }
    });

    it('the session stream carries the messages and Last-Event-ID resumes after one', async () => {
      printOutputsOnFailure();
      const user = { deviceId: 'device-sse-1' };
      const first = (await post('/web/messages', message('Hi', user))).json as Answer;
      const url = `${gateway.base}/web/sessions/${first.data.sessionId}/events`;
      const stream = await openSse(url);
      // The inbound message and its replies, once the web channel has delivered them to the session.
      const seen = await stream.waitFor(1 + first.data.replies.length);
      expect(seen[0]?.data).toMatchObject({ direction: 'in', text: 'Hi' });
      expect(seen.slice(1).map((e) => (e.data as { text: string }).text)).toEqual(
        first.data.replies.map((r) => r.text),
      );
      stream.close();
      const second = (await post('/web/messages', message('A rose on my shoulder', user))).json as Answer;
      const resumed = await openSse(url, { 'last-event-id': String(seen.at(-1)?.id) });
      const after = await resumed.waitFor(1 + second.data.replies.length);
      expect(after[0]?.data).toMatchObject({ direction: 'in', text: 'A rose on my shoulder' });
      expect(after.map((e) => Number(e.id)).every((id) => id > Number(seen.at(-1)?.id))).toBe(true);
      resumed.close();
      const listed = await client(gateway.base).get(
        `/web/sessions/${first.data.sessionId}/messages?after=${second.data.messageId}`,
      );
      expect(
        (listed.json as { data: { messages: { text: string }[] } }).data.messages.map((m) => m.text),
      ).toEqual(second.data.replies.map((r) => r.text));
    });

    it('a broadcast reaches each lead through its actor, reports per lead, and is applied once', async () => {
      printOutputsOnFailure();
      const reached = (await post('/web/messages', message('Hi', { phone: '+447700900510' }))).json as Answer;
      const stopped = (await post('/web/messages', message('STOP', { phone: '+447700900511' })))
        .json as Answer;
      const text = 'Flash day on Saturday: walk-ins welcome!';
      const payload = {
        studioId: 'inkwell',
        requestId: `bb-broadcast-${mode}`,
        leadIds: [reached.data.leadId, stopped.data.leadId, reached.data.leadId, 'ld_nobody'],
        text,
      };
      const response = await post('/api/broadcast', payload, { 'x-api-key': API_KEY });
      expect(response.status).toBe(200);
      const answer = response.json as {
        data: {
          summary: Record<string, number>;
          results: { leadId: string; success: boolean; error?: string; messageId?: string }[];
        };
      };
      expect(answer.data.summary).toEqual({ total: 3, successful: 1, failed: 2 });
      expect(answer.data.results.map((r) => [r.leadId, r.success, r.error ?? null])).toEqual([
        [reached.data.leadId, true, null],
        [stopped.data.leadId, false, 'OPTED_OUT'],
        ['ld_nobody', false, 'LEAD_NOT_FOUND'],
      ]);
      // The web channel delivers it to the lead's session, under the messageId of the result.
      const listed = await eventually('the broadcast in the session', async () => {
        const page = await client(gateway.base).get(`/web/sessions/${reached.data.sessionId}/messages`);
        const messages = (page.json as { data: { messages: { messageId: string; text: string }[] } }).data
          .messages;
        return messages.some((m) => m.text === text) ? messages : undefined;
      });
      expect(listed.filter((m) => m.text === text).map((m) => m.messageId)).toEqual([
        answer.data.results[0]?.messageId,
      ]);
      const repeat = await post('/api/broadcast', payload, { 'x-api-key': API_KEY });
      expect(repeat.status).toBe(409);
      expect((repeat.json as ErrorBody).error).toMatchObject({
        code: 'DUPLICATE_REQUEST',
        details: { response: response.json },
      });
    });

    it.runIf(mode === 'distributed')(
      'past the reply timeout the answer is 202 and the replies arrive on the stream',
      async () => {
        printOutputsOnFailure();
        const user = { phone: '+447700900504' };
        const opened = (await post('/web/messages', message('Hi', user))).json as Answer;
        const stream = await openSse(`${gateway.base}/web/sessions/${opened.data.sessionId}/events`);
        await stream.waitFor(1 + opened.data.replies.length);
        worker?.signal('SIGSTOP');
        let late: { status: number; json: unknown };
        try {
          late = await post('/web/messages', message('A dragon on my back', user));
        } finally {
          worker?.signal('SIGCONT');
        }
        expect(late.status).toBe(202);
        expect((late.json as Answer).data).toMatchObject({
          status: 'accepted',
          sessionId: opened.data.sessionId,
        });
        const events = await eventually('the late replies on the stream', () =>
          stream.events.some((e) => (e.data as { text: string }).text.includes(QUESTIONS[1]?.prompt ?? '?'))
            ? stream.events
            : undefined,
        );
        expect(events.some((e) => (e.data as { text: string }).text === 'A dragon on my back')).toBe(true);
        stream.close();
      },
      30_000,
    );
  });
}
