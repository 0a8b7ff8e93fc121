// A session's messages over HTTP with the gateway listening on a port: the messages list with ?after=,
// and the SSE stream (stored messages first, then live ones, Last-Event-ID resuming), fed by the
// web-channel delivery (deliverToSession) of what the stand-in lead actor committed. 202 past a short
// reply timeout, with the replies arriving on the stream once the actor runs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageSendEffectSchema } from '../../src/domain/effects.ts';
import { deliverToSession } from '../../src/sessions/deliver-to-session.ts';
import { startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { echoLeadDefinition } from './echo-lead.ts';
import { API_KEY, messageStudios } from './message-studios.ts';
import { openSse } from './sse-client.ts';

let h: GatewayHarness;
let base: string;
let counter = 0;

/** The web channel's delivery of every committed effect.message.send not yet delivered. */
async function deliverPending(): Promise<void> {
  const rows = await h.rt.db
    .selectFrom('outbox')
    .select(['id', 'lead_id', 'payload'])
    .where('kind', '=', 'effect.message.send')
    .where('status', '=', 'pending')
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const effect = messageSendEffectSchema.parse(row.payload);
    await deliverToSession(
      { db: h.rt.db, bus: h.rt.bus },
      {
        outboxId: row.id,
        leadId: row.lead_id,
        sessionId: effect.to,
        message: effect.message,
        now: new Date(),
      },
    );
    await h.rt.db.updateTable('outbox').set({ status: 'done' }).where('id', '=', row.id).execute();
  }
}

async function send(text: string, phone: string, url = '/web/messages') {
  const response = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ studioId: 'inkwell', requestId: `s-${++counter}`, text, user: { phone } }),
  });
  return {
    status: response.status,
    json: (await response.json()) as { data: { sessionId: string; messageId: string; replies?: unknown[] } },
  };
}

beforeAll(async () => {
  h = await startGateway({ definitions: [echoLeadDefinition], consume: true, studios: messageStudios() });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => h.close());

describe('session messages and events', () => {
  it('lists the session messages, after a messageId', async () => {
    const first = await send('Hello', '+447700900300');
    const second = await send('Again', '+447700900300');
    await deliverPending();
    const sessionId = first.json.data.sessionId;
    expect(second.json.data.sessionId).toBe(sessionId);
    const all = (await (await fetch(`${base}/web/sessions/${sessionId}/messages`)).json()) as {
      data: { messages: { direction: string; text: string; messageId: string }[] };
    };
    expect(all.data.messages.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'Hello'],
      ['in', 'Again'],
      ['out', 'echo: Hello'],
      ['out', 'echo: Again'],
    ]);
    const after = (await (
      await fetch(`${base}/web/sessions/${sessionId}/messages?after=${second.json.data.messageId}`)
    ).json()) as { data: { messages: { text: string }[] } };
    expect(after.data.messages.map((m) => m.text)).toEqual(['echo: Hello', 'echo: Again']);
    // On the api channel the session is not found; unknown sessions are 404.
    expect(
      (await fetch(`${base}/api/sessions/${sessionId}/messages`, { headers: { 'x-api-key': API_KEY } }))
        .status,
    ).toBe(404);
    expect((await fetch(`${base}/web/sessions/ss_nope/messages`)).status).toBe(404);
  });

  it('streams stored then live messages, and Last-Event-ID resumes after an event', async () => {
    const first = await send('One', '+447700900301');
    await deliverPending();
    const sessionId = first.json.data.sessionId;
    const stream = await openSse(`${base}/web/sessions/${sessionId}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const stored = await stream.waitFor(2);
    expect(stored.map((e) => (e.data as { text: string }).text)).toEqual(['One', 'echo: One']);
    await send('Two', '+447700900301');
    await deliverPending();
    const live = await stream.waitFor(4);
    expect(live.slice(2).map((e) => (e.data as { text: string }).text)).toEqual(['Two', 'echo: Two']);
    expect(new Set(live.map((e) => e.id)).size).toBe(4);
    stream.close();

    const resumed = await openSse(`${base}/web/sessions/${sessionId}/events`, {
      'last-event-id': String(live[1]?.id),
    });
    const again = await resumed.waitFor(2);
    expect(again.map((e) => e.id)).toEqual([live[2]?.id, live[3]?.id]);
    resumed.close();
  });

  it('answers 202 past the reply timeout; the replies arrive on the stream', async () => {
    await h.rt.host.stop();
    const slow = await startGateway({
      definitions: [echoLeadDefinition],
      consume: false,
      studios: messageStudios(),
      options: { replyTimeoutMs: 200 },
      deps: { db: h.rt.db, bus: h.rt.bus },
    });
    const late = () =>
      slow.app.inject({
        method: 'POST',
        url: '/web/messages',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          studioId: 'inkwell',
          requestId: 'late-1',
          text: 'Anyone there?',
          user: { phone: '+447700900302' },
        }),
      });
    try {
      const response = await late();
      expect(response.statusCode).toBe(202);
      const data = response.json<{ data: { status: string; sessionId: string; messageId: string } }>().data;
      expect(data.status).toBe('accepted');
      const stream = await openSse(`${base}/web/sessions/${data.sessionId}/events`);
      await stream.waitFor(1);
      await h.rt.host.start();
      await h.rt.idle();
      await deliverPending();
      const events = await stream.waitFor(2);
      expect((events[1]?.data as { text: string }).text).toBe('echo: Anyone there?');
      stream.close();
      // The request finished meanwhile: a repeat gets the full answer.
      const repeat = await late();
      expect(repeat.statusCode).toBe(409);
      expect(repeat.json()).toMatchObject({
        error: {
          details: {
            response: { data: { messageId: data.messageId, replies: [{ text: 'echo: Anyone there?' }] } },
          },
        },
      });
    } finally {
      await slow.close();
    }
  });

  it("a delivery into another lead's session, or one that does not exist, is refused and stores nothing; a repeat stores once", async () => {
    const mine = await send('Mine', '+447700900310');
    const theirs = await send('Theirs', '+447700900311');
    await deliverPending();
    const sessionId = mine.json.data.sessionId;
    const lead = await h.rt.db
      .selectFrom('message_sessions')
      .select('lead_id')
      .where('id', '=', theirs.json.data.sessionId)
      .executeTakeFirstOrThrow();
    const deliver = (outboxId: string, to: string) =>
      deliverToSession(
        { db: h.rt.db, bus: h.rt.bus },
        {
          outboxId,
          leadId: lead.lead_id,
          sessionId: to,
          message: { kind: 'text', text: 'x' },
          now: new Date(),
        },
      );
    const stored = () =>
      h.rt.db
        .selectFrom('session_messages')
        .select('message_id')
        .where('session_id', '=', sessionId)
        .execute();
    const before = await stored();
    await expect(deliver(randomUUID(), sessionId)).rejects.toThrow(/has no session/);
    await expect(deliver(randomUUID(), 'ss_unknown')).rejects.toThrow(/has no session/);
    expect(await stored()).toEqual(before);
    // The lead's own session: stored once however often the relay delivers it.
    const outboxId = randomUUID();
    const own = theirs.json.data.sessionId;
    expect(await deliver(outboxId, own)).toEqual(await deliver(outboxId, own));
    const rows = await h.rt.db
      .selectFrom('session_messages')
      .select('message_id')
      .where('session_id', '=', own)
      .where('direction', '=', 'out')
      .execute();
    expect(rows.filter((r) => r.message_id === `out_${outboxId.replaceAll('-', '')}`)).toHaveLength(1);
  });
});
