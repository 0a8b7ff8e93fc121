// A message-API request whose processing is not quick: parked by a transient failure and applied by the
// retry pass (its waiter is told, so the answer is the replies), dead-lettered (a repeat gets a final
// answer instead of "in flight" for ever), or never picked up because no worker runs (past the reply
// timeout a repeat is answered from what is committed, not told to retry for ever). A guest's rebuilt
// answer carries the deviceId the first answer gave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import { startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { echoLeadDefinition } from './echo-lead.ts';
import { messageStudios } from './message-studios.ts';

interface ErrorBody {
  error: { code: string; details: Record<string, unknown> | null };
}
interface Answer {
  data: {
    messageId: string;
    sessionId: string;
    status?: string;
    replies?: { text: string }[];
    user?: { deviceId: string };
  };
}

let now = new Date();
let counter = 0;
const attempts = new Map<string, number>();

function textOf(envelope: Envelope): string {
  const content = (envelope.event as { content?: { text?: string } }).content;
  return content?.text ?? '';
}

/** "flaky" fails its first attempt; "poison" every attempt. */
function beforeApply(envelope: Envelope): void {
  const text = textOf(envelope);
  const n = (attempts.get(envelope.id) ?? 0) + 1;
  attempts.set(envelope.id, n);
  if (text === 'poison' || (text === 'flaky' && n === 1)) throw new Error(`failing ${text} on purpose`);
}

function message(h: GatewayHarness, payload: Record<string, unknown>) {
  return h.app.inject({
    method: 'POST',
    url: '/web/messages',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ studioId: 'inkwell', ...payload }),
  });
}

describe('requests in flight resolve', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGateway({
      definitions: [echoLeadDefinition],
      consume: true,
      studios: messageStudios(),
      retryDelaysMs: [20, 20],
      host: { hooks: { beforeApply } },
      deps: { clock: () => now },
      options: { replyTimeoutMs: 8_000 },
    });
  });
  afterAll(async () => h.close());

  it('a message parked and applied by the retry pass is answered with its replies', async () => {
    const response = await message(h, {
      requestId: `p-${++counter}`,
      text: 'flaky',
      user: { phone: '+447700900400' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<Answer>().data.replies).toEqual([{ kind: 'text', text: 'echo: flaky' }]);
  });

  it('a dead-lettered message: the repeat gets the first (202) answer, not "in flight" for ever', async () => {
    const payload = { requestId: `d-${++counter}`, text: 'poison', user: { phone: '+447700900401' } };
    const first = await message(h, payload);
    expect(first.statusCode).toBe(202);
    await h.rt.waitFor(
      async () => (await h.rt.db.selectFrom('dead_letters').select('id').execute()).length > 0,
    );
    const repeat = await message(h, payload);
    expect(repeat.statusCode).toBe(409);
    const details = repeat.json<ErrorBody>().error.details ?? {};
    expect(details).not.toHaveProperty('retryAfterMs');
    expect(details.response).toMatchObject({
      data: { messageId: first.json<Answer>().data.messageId, status: 'accepted' },
    });
  });
});

describe('with no worker running', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGateway({
      definitions: [echoLeadDefinition],
      consume: false,
      studios: messageStudios(),
      deps: { clock: () => now },
      options: { replyTimeoutMs: 200 },
    });
  });
  afterAll(async () => h.close());

  it('a repeat is "in flight" while the first waits, then answered from what is committed', async () => {
    const payload = { requestId: `w-${++counter}`, text: 'Anyone?', user: { phone: '+447700900402' } };
    const first = await message(h, payload);
    expect(first.statusCode).toBe(202);
    const soon = await message(h, payload);
    expect(soon.json<ErrorBody>().error.details).toHaveProperty('retryAfterMs');
    now = new Date(now.getTime() + 60_000);
    const later = await message(h, payload);
    expect(later.statusCode).toBe(409);
    const details = later.json<ErrorBody>().error.details ?? {};
    expect(details).not.toHaveProperty('retryAfterMs');
    expect(details.response).toEqual(first.json());
  });

  it("a guest's rebuilt answer carries the deviceId the first answer gave", async () => {
    const requestId = `g-${++counter}`;
    const first = await message(h, { requestId, text: 'Hello' });
    expect(first.statusCode).toBe(202);
    const deviceId = first.json<Answer>().data.user?.deviceId;
    expect(deviceId).toMatch(/^dv_/);
    await h.rt.host.start();
    await h.rt.idle();
    const repeat = await message(h, { requestId, text: 'Hello', user: { deviceId } });
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json<ErrorBody>().error.details?.response).toMatchObject({
      data: { replies: [{ text: 'echo: Hello' }], user: { deviceId } },
    });
  });
});
