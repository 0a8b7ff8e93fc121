// The orchestrator against the real `leadline start` (NODE_ENV=production) on a port, real PostgreSQL, a
// fake OpenAI-compatible server, and (distributed) a private nats-server with the gateway and a worker as
// separate processes: the assistant flow's answer in POST /api/messages's synchronous reply, an off-script
// question answered and the question asked again, a timeout answered with the defaultReply, and the usage
// summed by GET /admin/usage. No application module is imported.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startFakeGraphApi, type FakeGraphApi } from '../fakes/graph-api.ts';
import { startFakeOpenAiApi, type FakeOpenAiApi } from '../fakes/openai-api.ts';
import { startFakeStripeApi, type FakeStripeApi } from '../fakes/stripe-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startNatsServer, type NatsServerProcess } from '../helpers/servers.ts';
import {
  client,
  EXAMPLE_CONFIG,
  startTopology,
  type RunningGateway,
  type Topology,
} from './blackbox-client.ts';

const API_KEY = 'bb-orchestrator-api-key-0123456789';
const LLM_KEY = 'bb-llm-key';
const DEFAULT_REPLY = 'Thanks! Someone from the studio will get back to you shortly.';
const SIZE_PROMPT = 'Roughly how big? For example 10x15cm.';

/** The example file's studio (the demo), without its SMS numbers (each may belong to one studio only). */
function studio(id: string, phoneNumberId: string, extra: Record<string, unknown>) {
  const example = (parseYaml(readFileSync(EXAMPLE_CONFIG, 'utf8')) as { studios: Record<string, unknown>[] })
    .studios[0];
  return { ...example, id, whatsapp: { phoneNumberId }, sms: undefined, apiKey: API_KEY, ...extra };
}

interface Answer {
  data: {
    leadId: string;
    sessionId: string;
    lead: { status: string; step: string | null };
    replies: { text: string }[];
  };
}

export function orchestratorSuite(mode: 'single' | 'distributed'): void {
  let nats: NatsServerProcess | null = null;
  let home: string;
  let database: TestDatabase;
  let graph: FakeGraphApi;
  let stripeApi: FakeStripeApi;
  let llm: FakeOpenAiApi;
  let gateway: RunningGateway;
  let worker: RunningGateway | undefined;
  let topology: Topology;
  let counter = 0;

  async function say(studioId: string, phone: string, text: string): Promise<Answer['data']> {
    const response = await fetch(`${gateway.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ studioId, requestId: `bbo-${mode}-${++counter}`, text, user: { phone } }),
    });
    expect(response.status, text).toBe(200);
    return ((await response.json()) as Answer).data;
  }

  beforeAll(async () => {
    if (mode === 'distributed') {
      nats = await startNatsServer();
      if (!nats) throw new Error('orchestrator black-box: could not start nats-server (is it on PATH?)');
    }
    home = await mkdtemp(path.join(os.tmpdir(), 'leadline-orchestrator-'));
    [database, graph, stripeApi, llm] = await Promise.all([
      createTestDatabase({ migrate: false }),
      startFakeGraphApi('bb-access-token'),
      startFakeStripeApi(),
      startFakeOpenAiApi({ apiKey: LLM_KEY }),
    ]);
    const orchestrator = {
      url: llm.completionsUrl,
      model: 'bb-model',
      timeout: '1s',
      defaultReply: DEFAULT_REPLY,
      pricing: { inputPer1k: 1, outputPer1k: 2, currency: 'USD' },
    };
    const configFile = path.join(home, 'studio.json');
    await writeFile(
      configFile,
      JSON.stringify({
        studios: [
          studio('inkwell', '110000000000001', { orchestrator }),
          studio('assist', '110000000000002', { flow: 'assistant', orchestrator }),
        ],
      }),
    );
    topology = await startTopology(mode, {
      databaseUrl: database.url,
      graphUrl: graph.url,
      stripeUrl: stripeApi.url,
      ...(nats ? { natsUrl: nats.url } : {}),
      env: { LEADLINE_CONFIG: configFile, LEADLINE_REPLY_TIMEOUT: '20s', ORCHESTRATOR_API_KEY: LLM_KEY },
    });
    gateway = topology.gateway;
    worker = topology.worker;
  }, 60_000);

  afterAll(async () => {
    const codes = await topology.stop();
    await Promise.all([graph.close(), stripeApi.close(), llm.close(), database.drop()]);
    await nats?.stop();
    await rm(home, { recursive: true, force: true });
    expect(codes).toEqual(mode === 'single' ? [0] : [0, 0]);
  });

  const shape = mode === 'single' ? 'one process, in-process bus' : 'gateway + worker on NATS';
  describe(`black-box orchestrator (${shape})`, () => {
    it('answers, off script, on timeout, and counts the usage', async () => {
      onTestFailed(() => {
        process.stderr.write(`\n--- gateway ---\n${gateway.output()}\n`);
        if (worker) process.stderr.write(`\n--- worker ---\n${worker.output()}\n`);
      });
      // flow: assistant: the answer is the synchronous reply.
      llm.answerNext('We are open Monday to Friday, 10 to 6.');
      llm.usageNext({ prompt: 120, completion: 30 });
      const assistant = await say('assist', '+447700900601', 'When are you open?');
      expect(assistant.replies.map((r) => r.text)).toEqual(['We are open Monday to Friday, 10 to 6.']);
      expect(llm.requests.at(-1)?.authorization).toBe(`Bearer ${LLM_KEY}`);

      // flow: qualify: an off-script question gets the answer, then the same question.
      const phone = '+447700900602';
      for (const text of ['hi', 'A koi fish', 'left forearm']) await say('inkwell', phone, text);
      llm.answerNext('Most sleeves take three to four sessions.');
      llm.usageNext({ prompt: 200, completion: 50 });
      const offScript = await say('inkwell', phone, 'How long does a sleeve take?');
      expect(offScript.replies.map((r) => r.text)).toEqual([
        'Most sleeves take three to four sessions.',
        SIZE_PROMPT,
      ]);
      expect(offScript.lead.step).toBe('dimensions');

      // No answer within the studio's timeout: the default reply and orchestrator.timeout.
      llm.delayNext(3_000);
      const late = await say('assist', '+447700900603', 'Hello?');
      expect(late.replies.map((r) => r.text)).toEqual([DEFAULT_REPLY]);
      const api = client(gateway.base);
      const events = await api.admin(`/admin/system-events?type=orchestrator.timeout&leadId=${late.leadId}`);
      expect((events.json as { events: unknown[] }).events).toHaveLength(1);

      const usage = await api.admin('/admin/usage');
      expect(usage.json).toEqual({
        usage: [
          {
            studioId: 'assist',
            model: 'bb-model',
            promptTokens: 120,
            completionTokens: 30,
            costUsd: 0.18,
            calls: 1,
          },
          {
            studioId: 'inkwell',
            model: 'bb-model',
            promptTokens: 200,
            completionTokens: 50,
            costUsd: 0.3,
            calls: 1,
          },
        ],
      });
    });
  });
}
