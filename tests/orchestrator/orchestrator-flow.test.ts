// The orchestrator end to end on both buses: POST /api/messages over the real gateway, the real lead machine
// on the actor host, the outbox relay calling a fake OpenAI-compatible server through the `openai` client,
// real PostgreSQL. The assistant flow answers in the synchronous reply; an off-script question in the
// qualify flow gets the answer and then the same question again (and is no repair failure); a timeout, a
// 500 or a session over its token budget get the studio's defaultReply with their system event (over the
// budget without a call); usage is summed by GET /admin/usage and a retried effect is counted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxRelay, type OutboxRelay } from '../../src/effects/outbox-relay.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import type { UsageSum } from '../../src/orchestrator/usage-store.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { testRelayOptions } from '../effects/effects-harness.ts';
import { startFakeOpenAiApi, type FakeOpenAiApi } from '../fakes/openai-api.ts';
import { adminHeaders, startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import { API_KEY } from '../message-api/message-studios.ts';
import {
  BUDGET,
  DEFAULT_REPLY,
  ORCHESTRATOR_KEY,
  orchestratorStudios,
  PRICING,
} from './orchestrator-studios.ts';

interface Answer {
  data: {
    leadId: string;
    sessionId: string;
    lead: { status: string; step: string | null };
    replies: { kind: string; text: string }[];
  };
}
interface Usage {
  usage: UsageSum[];
}

describe.each(runtimeTransports())('the orchestrator on the $name', ({ transport }) => {
  let fake: FakeOpenAiApi;
  let h: GatewayHarness;
  let relay: OutboxRelay;
  let phones = 0;
  let requests = 0;
  const run = Math.floor(Math.random() * 1_000_000);

  const newPhone = () => `+4477008${String(++phones).padStart(5, '0')}`;

  async function say(studioId: string, phone: string, text: string): Promise<Answer['data']> {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/messages',
      payload: JSON.stringify({ studioId, requestId: `o-${run}-${++requests}`, text, user: { phone } }),
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Answer>().data;
  }

  const texts = (data: Answer['data']) => data.replies.map((reply) => reply.text);

  async function events(type: string, leadId: string) {
    return h.rt.db
      .selectFrom('system_events')
      .select(['type', 'payload'])
      .where('type', '=', type)
      .where('lead_id', '=', leadId)
      .execute();
  }

  beforeAll(async () => {
    fake = await startFakeOpenAiApi({ apiKey: ORCHESTRATOR_KEY });
    const studios = orchestratorStudios(fake.completionsUrl);
    h = await startGateway({
      definitions: [createLeadDefinition(new StudioRegistry(studios))],
      consume: true,
      studios,
      transport,
      env: { ORCHESTRATOR_API_KEY: ORCHESTRATOR_KEY },
      options: { replyTimeoutMs: 20_000 },
    });
    relay = createOutboxRelay({
      db: h.rt.db,
      bus: h.rt.bus,
      env: h.env,
      studios: h.studios,
      logger: silentLogger,
      metrics: h.metrics,
      options: testRelayOptions,
    });
    relay.start();
  });
  afterAll(async () => {
    await relay.stop();
    await h.close();
    await fake.close();
  });

  it('flow: assistant answers POST /api/messages with the orchestrator’s answer in the synchronous reply', async () => {
    fake.answerNext('We open at 10 every weekday.');
    const phone = newPhone();
    const data = await say('assist', phone, 'When do you open?');
    expect(texts(data)).toEqual(['We open at 10 every weekday.']);
    expect(data.lead).toEqual({ status: 'QUALIFYING', step: null });
    const request = fake.requests.at(-1);
    expect(request?.authorization).toBe(`Bearer ${ORCHESTRATOR_KEY}`);
    expect(request?.body.model).toBe('fake-model-1');
    expect(request?.body.messages[0]?.role).toBe('system');
    expect(request?.body.messages.at(-1)).toEqual({ role: 'user', content: 'When do you open?' });
    // The next message carries the conversation so far.
    fake.answerNext('About £100 an hour.');
    const second = await say('assist', phone, 'How much is it?');
    expect(texts(second)).toEqual(['About £100 an hour.']);
    expect(fake.requests.at(-1)?.body.messages.slice(1)).toEqual([
      { role: 'user', content: 'When do you open?' },
      { role: 'assistant', content: 'We open at 10 every weekday.' },
      { role: 'user', content: 'How much is it?' },
    ]);
  });

  it('flow: qualify sends an off-script question to the orchestrator, then asks the same question again', async () => {
    const phone = newPhone();
    await say('inkwell', phone, 'hi');
    await say('inkwell', phone, 'A fox on a branch');
    const placement = await say('inkwell', phone, 'left forearm');
    const sizeQuestion = texts(placement).at(-1) ?? '';
    expect(sizeQuestion).toContain('how big');
    const calls = fake.requests.length;
    fake.answerNext('A sleeve usually takes three to four sessions.');
    const offScript = await say('inkwell', phone, 'How long does a sleeve take?');
    expect(texts(offScript)).toEqual(['A sleeve usually takes three to four sessions.', sizeQuestion]);
    expect(offScript.lead).toEqual({ status: 'QUALIFYING', step: 'dimensions' });
    expect(fake.requests).toHaveLength(calls + 1);
    const system = fake.requests.at(-1)?.body.messages[0]?.content ?? '';
    expect(system).toContain('Idea: A fox on a branch');
    expect(system).toContain('Placement: left forearm');
    expect(system).toContain(sizeQuestion);
    // Not a repair failure: a wrong answer now gets the one repair prompt, not a human.
    const wrong = await say('inkwell', phone, 'big');
    expect(texts(wrong)).toEqual([expect.stringContaining("didn't catch the size")]);
    expect(wrong.lead.status).toBe('QUALIFYING');
    // A non-question that does not parse is still a repair (then a human): nothing sent to the orchestrator.
    expect(fake.requests).toHaveLength(calls + 1);
  });

  it('a timeout gets the defaultReply and an orchestrator.timeout event', async () => {
    fake.delayNext(4_000);
    const data = await say('assist', newPhone(), 'Are you there?');
    expect(texts(data)).toEqual([DEFAULT_REPLY]);
    expect(await events('orchestrator.timeout', data.leadId)).toHaveLength(1);
  });

  it('a non-2xx answer gets the defaultReply and an orchestrator.failed event', async () => {
    fake.failNext({ kind: 'status', status: 500, body: { error: { message: 'overloaded' } } });
    const data = await say('assist', newPhone(), 'Hello?');
    expect(texts(data)).toEqual([DEFAULT_REPLY]);
    const failed = await events('orchestrator.failed', data.leadId);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.payload).toMatchObject({ status: 500 });
  });

  it('a session over budgetTokensPerSession gets the defaultReply without a call', async () => {
    const phone = newPhone();
    fake.usageNext({ prompt: BUDGET - 100, completion: 150 });
    const first = await say('assist', phone, 'Tell me everything about aftercare');
    expect(texts(first)).not.toEqual([DEFAULT_REPLY]);
    const calls = fake.requests.length;
    const second = await say('assist', phone, 'And what about swimming?');
    expect(second.sessionId).toBe(first.sessionId);
    expect(texts(second)).toEqual([DEFAULT_REPLY]);
    expect(fake.requests).toHaveLength(calls);
    const exceeded = await events('orchestrator.budget_exceeded', second.leadId);
    expect(exceeded).toHaveLength(1);
    expect(exceeded[0]?.payload).toMatchObject({
      sessionId: first.sessionId,
      spent: BUDGET + 50,
      budget: BUDGET,
    });
  });

  it('GET /admin/usage sums tokens, cost and calls per studio and model; a retried effect counts once', async () => {
    const since = new Date().toISOString();
    const phone = newPhone();
    fake.usageNext({ prompt: 100, completion: 20 }, { prompt: 200, completion: 40 });
    const first = await say('assist', phone, 'Do you do cover-ups?');
    await say('assist', phone, 'Do you do colour?');
    const usage = async (query: string) => {
      const response = await h.app.inject({
        method: 'GET',
        url: `/admin/usage?${query}`,
        headers: adminHeaders,
      });
      expect(response.statusCode).toBe(200);
      return response.json<Usage>().usage;
    };
    const expected = {
      studioId: 'assist',
      model: 'fake-model-1',
      promptTokens: 300,
      completionTokens: 60,
      costUsd: (300 / 1000) * PRICING.inputPer1k + (60 / 1000) * PRICING.outputPer1k,
      calls: 2,
    };
    expect(await usage(`studioId=assist&since=${encodeURIComponent(since)}`)).toEqual([expected]);
    expect(await usage(`sessionId=${first.sessionId}`)).toEqual([expected]);
    expect((await h.app.inject({ method: 'GET', url: '/admin/usage' })).statusCode).toBe(401);

    // The relay runs the effect again (as after a crash between the call and recording its outcome):
    // the provider is called again, the usage is not counted twice.
    const ask = await h.rt.db
      .selectFrom('outbox')
      .select('id')
      .where('lead_id', '=', first.leadId)
      .where('kind', '=', 'effect.orchestrator.ask')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    const calls = fake.requests.length;
    await h.rt.db
      .updateTable('outbox')
      .set({ status: 'pending', result: null, feedback: null, next_attempt_at: new Date() })
      .where('id', '=', ask.id)
      .execute();
    await waitFor(async () => {
      const row = await h.rt.db
        .selectFrom('outbox')
        .select('status')
        .where('id', '=', ask.id)
        .executeTakeFirst();
      return row?.status === 'done';
    });
    expect(fake.requests).toHaveLength(calls + 1);
    expect(await usage(`sessionId=${first.sessionId}`)).toEqual([expected]);
  });
});
