// A run resumes from the last page its dead worker committed (no page read twice, nothing lost or doubled),
// and the integrity check: outbound messages in the history matched against what Leadline sent, both ways.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createRun, leaseRun, runView } from '../../src/reconciliation/run-store.ts';
import { applyPage } from '../../src/reconciliation/scan-page.ts';
import { createReconcileWorker } from '../../src/reconciliation/run-worker.ts';
import { STUDIO, TWILIO_NUMBER, numbers, startBench, transcriptOf, type Bench } from './reconcile-harness.ts';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
const LEAD = '+15551230001';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.stop();
  bench = undefined;
});

it('a run whose worker died mid-scan resumes from its last committed page', async () => {
  bench = await startBench();
  const b = bench;
  const twilioOnly = numbers.slice(0, 1);
  const sids = Array.from({ length: 7 }, (_, i) => b.hide({ from: LEAD, body: `m${i}`, at: ago(10 - i) }));
  const id = await createRun(b.rt.db, {
    trigger: 'manual',
    hoursBack: 24,
    numbers: twilioOnly,
    now: new Date(),
  });
  if (id === null) throw new Error('no run');
  // The first worker leases the run, commits two pages, and dies holding a lease that soon runs out.
  const dead = await leaseRun(b.rt.db, 'dead-worker', new Date(), 300);
  if (!dead) throw new Error('not leased');
  const source = b.deps.sources.twilio;
  if (!source) throw new Error('no twilio source');
  const [number] = twilioOnly;
  if (!number) throw new Error('no number');
  let cursor = null;
  for (let page = 0; page < 2; page++) {
    const read = await source.page(number, dead.windowStart, cursor);
    await applyPage(b.rt.db, { runId: id, number, studio: b.studios.byId(STUDIO), now: new Date() }, read);
    cursor = read.next;
  }
  // A third page read but never committed (the crash came before the transaction).
  await source.page(number, dead.windowStart, cursor);
  const readByDead = b.twilio.listRequests.length;
  expect(readByDead).toBe(3);

  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(await createReconcileWorker(b.deps).drain()).toEqual([id]);
  await b.rt.idle();
  const view = await runView(b.rt.db, id, new Date());
  expect(view).toMatchObject({
    status: 'succeeded',
    messagesProcessed: 7,
    newMessages: 7,
    existingMessages: 0,
  });
  // 4 inbound pages of 2 and 1 outbound page: the survivor re-read only the uncommitted third page.
  expect(b.twilio.listRequests.length - readByDead).toBe(3);
  expect(view?.numbers[0]?.pages).toBe(5);
  for (const sid of sids) expect(await transcriptOf(b.rt, sid)).toHaveLength(1);
});

it('matches outbound history against what Leadline sent: unknown sends and sends missing at the provider', async () => {
  bench = await startBench();
  const b = bench;
  await b.webhook({ from: LEAD, body: 'hi', at: ago(5) });
  await b.rt.idle();
  const [ours, unknown] = b.twilio.seedHistory([
    {
      from: TWILIO_NUMBER,
      to: LEAD,
      body: 'Tell us about your tattoo idea.',
      direction: 'outbound-api',
      dateSent: ago(4),
    },
    {
      from: TWILIO_NUMBER,
      to: LEAD,
      body: 'sent by someone else',
      direction: 'outbound-api',
      dateSent: ago(3),
    },
  ]);
  const leadId = leadIdFor(STUDIO, LEAD);
  // Two sends the relay recorded (provider id on the transcript); the provider lists only the first.
  for (const [sid, at] of [
    [ours?.sid ?? '', ago(4)],
    ['SM00000000000000000000000000000lost', ago(3)],
  ] as const) {
    const outboxId = randomUUID();
    await b.rt.db
      .insertInto('outbox')
      .values({
        id: outboxId,
        lead_id: leadId,
        kind: 'effect.message.send',
        payload: {
          type: 'effect.message.send',
          studioId: STUDIO,
          channel: 'sms',
          to: LEAD,
          from: TWILIO_NUMBER,
        },
        status: 'done',
      })
      .execute();
    await b.rt.db
      .insertInto('transcript')
      .values({
        lead_id: leadId,
        direction: 'out',
        kind: 'text',
        text: 'x',
        data: null,
        provider_message_id: sid,
        outbox_id: outboxId,
        delivery_status: 'delivered',
        at,
      })
      .execute();
  }
  const view = await b.reconcile({ hours: 24, numbers: numbers.slice(0, 1) });
  expect(view.numbers[0]).toMatchObject({ outbound: 2, outboundMatched: 1, missingAtProvider: 1 });
  expect(view.consistencyRate).toBeCloseTo(1 / 3, 3);
  expect(view.findings).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: 'unknown_outbound', messageId: unknown?.sid }),
      expect.objectContaining({
        kind: 'missing_at_provider',
        messageId: 'SM00000000000000000000000000000lost',
      }),
    ]),
  );
  expect(view).toMatchObject({ newMessages: 0, existingMessages: 1 });
});
