// Reconciliation against the providers' history (fakes at the HTTP edge, real PostgreSQL and bus): a
// message whose webhook was lost reaches its lead once, a second run finds nothing new, the late webhook
// changes nothing, a webhook racing the run is applied once, and the run's figures add up.
import { afterEach, describe, expect, it } from 'vitest';
import { leadIdFor } from '../../src/domain/ids.ts';
import { createRun, RunConflictError } from '../../src/reconciliation/run-store.ts';
import { runtimeTransports } from '../helpers/transports.ts';
import {
  OPENPHONE_NUMBER,
  STUDIO,
  TWILIO_NUMBER,
  numbers,
  startBench,
  transcriptOf,
  type Bench,
} from './reconcile-harness.ts';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);
const LEAD = '+15551230001';
const OTHER = '+15551230002';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.stop();
  bench = undefined;
});

async function version(b: Bench, phone: string): Promise<number> {
  const row = await b.rt.db
    .selectFrom('leads')
    .select('version')
    .where('id', '=', leadIdFor(STUDIO, phone))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

describe.each(runtimeTransports())('reconciliation on the $name', ({ transport }) => {
  it('delivers a lost webhook once; a second run finds nothing new; the late webhook changes nothing', async () => {
    bench = await startBench({ transport });
    const b = bench;
    await b.webhook({ from: LEAD, body: 'hi', at: ago(5) });
    await b.webhook({ from: OTHER, body: 'hello', at: ago(4) });
    const hidden = b.hide({ from: LEAD, body: 'a fox on a branch', at: ago(3) });
    await b.webhook({ from: LEAD, body: 'left forearm', at: ago(2) });
    const hiddenOp = b.hide({ from: OTHER, body: 'via openphone', at: ago(1), to: OPENPHONE_NUMBER });
    await b.webhook({ from: LEAD, body: 'old, outside the window', at: ago(60) });
    await b.rt.idle();

    const first = await b.reconcile({ hours: 48 });
    expect(first).toMatchObject({
      status: 'succeeded',
      hoursBack: 48,
      messagesProcessed: 5,
      newMessages: 2,
      existingMessages: 3,
      errors: [],
      consistencyRate: 1,
    });
    expect(first.finishedAt).not.toBeNull();
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(await transcriptOf(b.rt, hidden)).toEqual([
      expect.objectContaining({
        lead_id: leadIdFor(STUDIO, LEAD),
        direction: 'in',
        text: 'a fox on a branch',
      }),
    ]);
    expect(await transcriptOf(b.rt, hiddenOp)).toHaveLength(1);
    const missed = await b.rt.db
      .selectFrom('system_events')
      .select(['type', 'payload'])
      .where('type', 'in', ['reconciliation.missed_messages', 'alert.reconciliation_missed_messages'])
      .execute();
    expect(missed.map((e) => e.type).sort()).toEqual([
      'alert.reconciliation_missed_messages',
      'reconciliation.missed_messages',
    ]);
    const payload = missed.find((e) => e.type === 'reconciliation.missed_messages')?.payload as {
      newMessages: number;
      numbers: { number: string; newMessages: number }[];
    };
    expect(payload.newMessages).toBe(2);
    expect(payload.numbers.map((n) => [n.number, n.newMessages]).sort()).toEqual(
      [
        [TWILIO_NUMBER, 1],
        [OPENPHONE_NUMBER, 1],
      ].sort(),
    );

    const versionBefore = await version(b, LEAD);
    const second = await b.reconcile({ hours: 48 });
    expect(second).toMatchObject({
      status: 'succeeded',
      messagesProcessed: 5,
      newMessages: 0,
      existingMessages: 5,
    });

    await b.lateWebhook(hidden);
    await b.rt.idle();
    expect(await transcriptOf(b.rt, hidden)).toHaveLength(1);
    expect(await version(b, LEAD)).toBe(versionBefore);
  });

  it('a webhook racing the reconciliation of the same message is applied exactly once', async () => {
    bench = await startBench({ transport });
    const b = bench;
    const sids = Array.from({ length: 6 }, (_, i) =>
      b.hide({ from: LEAD, body: `message ${i}`, at: ago(6 - i) }),
    );
    const run = b.reconcile({
      hours: 24,
      numbers: [numbers[0] ?? numbers[1]].flatMap((n) => (n ? [n] : [])),
    });
    await Promise.all(sids.map((sid) => b.lateWebhook(sid)));
    const view = await run;
    await b.rt.idle();
    for (const sid of sids) expect(await transcriptOf(b.rt, sid)).toHaveLength(1);
    expect(view.messagesProcessed).toBe(6);
    expect(view.newMessages + view.existingMessages).toBe(6);
    const processed = await b.rt.db
      .selectFrom('processed_messages')
      .select('message_id')
      .where('lead_id', '=', leadIdFor(STUDIO, LEAD))
      .execute();
    expect(processed.map((p) => p.message_id).sort()).toEqual(sids.map((s) => `twilio:${s}`).sort());
  });
});

describe('reconciliation runs', () => {
  it('delivers missed messages of a lead in provider-time order, across pages', async () => {
    bench = await startBench();
    const b = bench;
    // Seeded out of order; the history lists newest first, two per page.
    const sids = [4, 1, 3, 0, 2].map((i) => ({
      i,
      sid: b.hide({ from: LEAD, body: `m${i}`, at: ago(10 - i) }),
    }));
    const view = await b.reconcile({ hours: 24, numbers: numbers.slice(0, 1) });
    expect(view).toMatchObject({ newMessages: 5, existingMessages: 0, messagesProcessed: 5 });
    expect(view.numbers[0]?.pages).toBeGreaterThan(3);
    const rows = await b.rt.db
      .selectFrom('transcript')
      .select(['text', 'provider_message_id'])
      .where('lead_id', '=', leadIdFor(STUDIO, LEAD))
      .where('direction', '=', 'in')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(sids).toHaveLength(5);
  });

  it('backs off on 429 and 5xx and respects OpenPhone’s 10 requests per second', async () => {
    bench = await startBench();
    const b = bench;
    b.twilio.failListNext(
      {
        kind: 'status',
        status: 429,
        body: { code: 20429, message: 'Too Many Requests', status: 429 },
        headers: { 'retry-after': '0' },
      },
      { kind: 'status', status: 503, body: { code: 20500, message: 'unavailable', status: 503 } },
    );
    b.hide({ from: LEAD, body: 'twilio one', at: ago(1) });
    for (let i = 0; i < 12; i++)
      b.hide({ from: `+1555123${String(1000 + i)}`, body: `op ${i}`, at: ago(2), to: OPENPHONE_NUMBER });
    const started = Date.now();
    const view = await b.reconcile({ hours: 24 });
    expect(view).toMatchObject({ status: 'succeeded', newMessages: 13, errors: [] });
    expect(b.twilio.listRequests.length).toBeGreaterThanOrEqual(4); // 2 failures + in + out
    // 1 conversations page per 2 participants + 12 message pages: > 10 requests, paced, never refused.
    expect(b.openphone.requests.length).toBeGreaterThan(10);
    expect(b.openphone.rateLimited).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(1000);
  });

  it('fails a number whose provider keeps failing, records the error and alerts', async () => {
    bench = await startBench();
    const b = bench;
    const failure = {
      kind: 'status' as const,
      status: 500,
      body: { code: 20500, message: 'boom', status: 500 },
    };
    b.twilio.failListNext(...Array.from({ length: 10 }, () => failure));
    const view = await b.reconcile({ hours: 24, numbers: numbers.slice(0, 1) });
    expect(view.status).toBe('failed');
    expect(view.errors).toEqual([expect.objectContaining({ number: TWILIO_NUMBER, provider: 'twilio' })]);
    const types = await b.rt.db.selectFrom('system_events').select('type').execute();
    expect(types.map((t) => t.type)).toEqual(
      expect.arrayContaining(['reconciliation.failed', 'alert.reconciliation_failed']),
    );
  });

  it('one run at a time per number: a second while one runs is refused', async () => {
    bench = await startBench();
    const b = bench;
    const first = await createRun(b.rt.db, { trigger: 'manual', hoursBack: 1, numbers, now: new Date() });
    expect(first).not.toBeNull();
    await expect(
      createRun(b.rt.db, { trigger: 'manual', hoursBack: 1, numbers: numbers.slice(1), now: new Date() }),
    ).rejects.toThrow(RunConflictError);
  });
});
