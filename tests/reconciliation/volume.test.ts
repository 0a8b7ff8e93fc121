// Volume figure (docs/reconciliation.md): 10,000 inbound messages over 48 hours on one Twilio number, 100
// of them never received, reconciled with the production page size. Opt-in (LEADLINE_RECONCILE_VOLUME=1):
// a figure for the notes, not a timed test; it checks the counts and prints the duration.
import { afterEach, expect, it } from 'vitest';
import { smsEnvelopeId } from '../../src/gateway/webhooks/sms-inbound.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import { historySourcesFromEnv } from '../../src/reconciliation/history-sources.ts';
import { createRun, runView } from '../../src/reconciliation/run-store.ts';
import { createReconcileWorker } from '../../src/reconciliation/run-worker.ts';
import {
  OPENPHONE_NUMBER,
  STUDIO,
  TWILIO_NUMBER,
  numbers,
  startBench,
  type Bench,
} from './reconcile-harness.ts';

const TOTAL = 10_000;
const HIDDEN = 100;
const volume = process.env['LEADLINE_RECONCILE_VOLUME'] === '1';

let bench: Bench | undefined;
afterEach(async () => {
  await bench?.stop();
  bench = undefined;
});

async function markReceived(b: Bench, rows: { leadId: string; id: string }[]) {
  for (let i = 0; i < rows.length; i += 1000)
    await b.rt.db
      .insertInto('processed_messages')
      .values(rows.slice(i, i + 1000).map((r) => ({ lead_id: r.leadId, message_id: r.id, lead_version: 1 })))
      .execute();
}

it.runIf(volume)(
  '10,000 messages over 48 h: Twilio (1000 per page) and OpenPhone (100 participants, 100 per page)',
  async () => {
    bench = await startBench();
    const b = bench;
    const spanMs = 47 * 3_600_000;
    const now = Date.now();
    const lead = (i: number) => `+1555${String(2_000_000 + (i % 2_000)).padStart(7, '0')}`;
    const seeded = b.twilio.seedHistory(
      Array.from({ length: TOTAL }, (_, i) => ({
        from: lead(i),
        to: TWILIO_NUMBER,
        body: `message ${i}`,
        dateSent: new Date(now - spanMs + Math.floor((i * spanMs) / TOTAL)),
      })),
    );
    await markReceived(
      b,
      seeded.slice(HIDDEN).map((m) => ({
        leadId: leadIdFor(STUDIO, m.from),
        id: smsEnvelopeId({ provider: 'twilio', messageId: m.sid }),
      })),
    );
    const production = historySourcesFromEnv({
      TWILIO_ACCOUNT_SID: b.twilio.accountSid,
      TWILIO_AUTH_TOKEN: b.twilio.authToken,
      TWILIO_API_BASE_URL: b.twilio.url,
      OPENPHONE_API_KEY: b.openphone.apiKey,
      OPENPHONE_API_BASE_URL: b.openphone.url,
    });
    const worker = createReconcileWorker({ ...b.deps, sources: production });
    const timed = async (which: (typeof numbers)[number]) => {
      const id = await createRun(b.rt.db, {
        trigger: 'manual',
        hoursBack: 48,
        numbers: [which],
        now: new Date(),
      });
      const started = performance.now();
      await worker.drain();
      const ms = Math.round(performance.now() - started);
      const view = id === null ? undefined : await runView(b.rt.db, id, new Date());
      return { ms, view };
    };
    const twilio = await timed(numbers[0] ?? { studioId: STUDIO, provider: 'twilio', number: TWILIO_NUMBER });
    expect(twilio.view).toMatchObject({ status: 'succeeded', messagesProcessed: TOTAL, newMessages: HIDDEN });

    const participant = (i: number) => `+1555${String(3_000_000 + (i % 100)).padStart(7, '0')}`;
    const op = b.openphone.seedHistory(
      Array.from({ length: TOTAL }, (_, i) => ({
        from: participant(i),
        to: OPENPHONE_NUMBER,
        text: `message ${i}`,
        direction: 'incoming' as const,
        createdAt: new Date(now - spanMs + Math.floor((i * spanMs) / TOTAL)),
      })),
    );
    await markReceived(
      b,
      op.slice(HIDDEN).map((m) => ({
        leadId: leadIdFor(STUDIO, m.from),
        id: smsEnvelopeId({ provider: 'openphone', messageId: m.id }),
      })),
    );
    const openphone = await timed(
      numbers[1] ?? { studioId: STUDIO, provider: 'openphone', number: OPENPHONE_NUMBER },
    );
    expect(openphone.view).toMatchObject({
      status: 'succeeded',
      messagesProcessed: TOTAL,
      newMessages: HIDDEN,
    });
    expect(b.openphone.rateLimited).toBe(0);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'reconciliation',
        messages: TOTAL,
        hidden: HIDDEN,
        twilioMs: twilio.ms,
        twilioRequests: b.twilio.listRequests.length,
        openphoneMs: openphone.ms,
        openphoneRequests: b.openphone.requests.length,
      })}\n`,
    );
    await b.rt.idle(120_000);
  },
  600_000,
);
