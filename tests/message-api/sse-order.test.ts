// Event ids of a session's SSE stream are monotonic in the order clients see them, so Last-Event-ID can
// never skip a message: two messages of one session stored by concurrent transactions (an inbound message
// in the gateway's claim transaction, a reply delivered by the relay) where the one that took its id first
// commits last. Without ordering, the later id is streamed first and a client resuming from it never gets
// the other message.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSessionMessage, type NewSessionMessage } from '../../src/sessions/session-messages.ts';
import { announceSessionMessage } from '../../src/sessions/session-stream.ts';
import { startGateway, type GatewayHarness } from '../gateway/gateway-harness.ts';
import { echoLeadDefinition } from './echo-lead.ts';
import { messageStudios } from './message-studios.ts';
import { openSse } from './sse-client.ts';

let h: GatewayHarness;
let base: string;

beforeAll(async () => {
  h = await startGateway({
    definitions: [echoLeadDefinition],
    consume: false,
    studios: messageStudios(),
    options: { replyTimeoutMs: 100 },
  });
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => h.close());

/** Some session statement of this database waits for a lock (the second writer is held back). */
async function someoneWaitsForALock(): Promise<boolean> {
  const rows = await sql<{ n: string }>`
    select count(*) as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`.execute(h.rt.db);
  return Number(rows.rows[0]?.n) > 0;
}

describe('SSE event ids', () => {
  it('a message that took its id first but committed last is neither reordered nor skipped on resume', async () => {
    const first = await h.app.inject({
      method: 'POST',
      url: '/web/messages',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        studioId: 'inkwell',
        requestId: 'order-1',
        text: 'Hi',
        user: { phone: '+447700900500' },
      }),
    });
    expect(first.statusCode).toBe(202);
    const { sessionId } = first.json<{ data: { sessionId: string } }>().data;
    const session = await h.rt.db
      .selectFrom('message_sessions')
      .select('lead_id')
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    const lead = session.lead_id;
    const stream = await openSse(`${base}/web/sessions/${sessionId}/events`);
    await stream.waitFor(1);

    const message = (id: string, text: string): NewSessionMessage => ({
      sessionId,
      leadId: lead,
      messageId: id,
      direction: 'out',
      body: { kind: 'text', text },
      at: new Date(),
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const slowInserted = new Promise<void>((resolve) => (inserted = resolve));
    // The slow writer stores its message (taking an id) and holds its transaction open.
    const slow = h.rt.db
      .transaction()
      .execute(async (tx) => {
        const stored = await appendSessionMessage(tx, message('out_slow', 'slow'));
        inserted();
        await gate;
        return stored;
      })
      .then((stored) => {
        if (stored) announceSessionMessage(h.rt.bus, sessionId, stored);
      });
    await slowInserted;
    // The quick writer stores and announces its message meanwhile.
    const quick = appendSessionMessage(h.rt.db, message('out_quick', 'quick')).then((stored) => {
      if (stored) announceSessionMessage(h.rt.bus, sessionId, stored);
    });
    await h.rt.waitFor(
      async () => stream.events.length >= 2 || (await someoneWaitsForALock()),
      10_000,
      'the quick message streamed, or its writer waiting',
    );
    release();
    await Promise.all([slow, quick]);
    const events = await stream.waitFor(3);
    stream.close();

    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(3);
    // Resuming after any event the client saw gives exactly the events that followed it.
    for (let i = 0; i < events.length; i++) {
      const resumed = await openSse(`${base}/web/sessions/${sessionId}/events`, {
        'last-event-id': String(events[i]?.id),
      });
      const rest = events.length - 1 - i;
      const got = rest === 0 ? [] : await resumed.waitFor(rest);
      resumed.close();
      expect(got.map((e) => e.id)).toEqual(events.slice(i + 1).map((e) => e.id));
    }
  });
});
