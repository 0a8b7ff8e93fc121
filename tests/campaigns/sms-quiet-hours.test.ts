// An SMS campaign run during the studio's quiet hours (docs/contract.md §10: "SMS waits for the end of quiet
// hours"), through the real pieces on one clock: the run worker claims and publishes, the lead actors
// write the sends, the outbox relay's SMS adapter defers each one to the end of the quiet hours (no attempt
// spent), and nothing reaches the fake Twilio API until the clock passes it; then every consenting contact
// gets the text once. The run's counters add up at every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, startManualRun } from '../../src/campaigns/campaign-commands.ts';
import { campaignInputSchema } from '../../src/campaigns/campaign-definition.ts';
import { runView, type RunView } from '../../src/campaigns/campaign-runs.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { testIso } from '../helpers/test-clock.ts';
import { importCsv, startCampaignPipeline, type CampaignPipeline } from './campaign-pipeline.ts';

const TWILIO_NUMBER = '+15005550006';
const ACCOUNT = `AC${'3'.repeat(32)}`;
const CONSENTING = 6;

// Europe/London is on GMT in November: 22:30 local is inside 21:00–09:00.
const IN_QUIET_HOURS = Date.parse(testIso('2026-11-23T22:30:00.000Z'));
const QUIET_HOURS_END = Date.parse(testIso('2026-11-24T09:00:00.000Z'));

function studios(): StudioRegistry {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  // The test's clock stands still: at the SMS default of 1 send/s per number the pacing would wait for a
  // second that never comes. 10/s lets the six sends go as one burst.
  studio.sms = [{ provider: 'twilio', number: TWILIO_NUMBER, messagesPerSecond: 10 }];
  studio.quietHours = { start: '21:00', end: '09:00' };
  return new StudioRegistry(parseStudioConfig(input));
}

const phoneOf = (i: number) => `+1555123${String(1000 + i)}`;

function contactsCsv(): string {
  const rows = ['name,phone,tags,consent,consentSource'];
  for (let i = 0; i < CONSENTING; i++) rows.push(`Client ${i},${phoneOf(i)},regular,true,front desk`);
  rows.push(`No Consent,${phoneOf(90)},regular,false,`);
  return rows.join('\n');
}

const skippedTotal = (run: RunView) => Object.values(run.skipped).reduce((a, b) => a + b, 0);

describe('an SMS campaign in quiet hours', () => {
  let now = IN_QUIET_HOURS;
  const clock = () => new Date(now);
  const registry = studios();
  let pipeline: CampaignPipeline;
  let twilio: FakeTwilioApi;

  beforeAll(async () => {
    twilio = await startFakeTwilioApi('quiet-token', ACCOUNT);
    pipeline = await startCampaignPipeline({
      studios: registry,
      clock,
      env: { TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: 'quiet-token', TWILIO_API_BASE_URL: twilio.url },
    });
  });
  afterAll(async () => {
    await pipeline.close();
    await twilio.close();
  });

  /** The relay until it finds nothing due at the clock's time. */
  async function relayUntilIdle(): Promise<void> {
    await waitFor(async () => (await pipeline.relay.runOnce()) === 0);
    await pipeline.rt.idle();
  }

  it('sends nothing until quiet hours end, then each consenting contact once; the counters add up', async () => {
    const studioId = registry.all()[0]?.id ?? '';
    const { rt, worker, relay } = pipeline;
    expect(await importCsv(rt.db, studioId, contactsCsv())).toMatchObject({ imported: CONSENTING + 1 });
    const created = await createCampaign(
      rt.db,
      registry,
      campaignInputSchema.parse({
        id: 'touch-up',
        studioId,
        name: 'Touch-up reminder',
        channel: 'sms',
        segment: { tags: ['regular'] },
        message: { text: 'Hi {name|there}, touch-ups are free this month. Reply to book.' },
        dailyQuota: 100,
        ratePerMinute: 6000,
      }),
      clock(),
    );
    if (created.outcome !== 'created') throw new Error(`campaign not created: ${created.outcome}`);
    const started = await startManualRun(rt.db, registry, created.campaign, clock());
    if (started.outcome !== 'started') throw new Error(`run not started: ${started.outcome}`);
    const runId = started.runId;

    await waitFor(async () => {
      await worker.runOnce();
      return (await runView(rt.db, runId))?.status === 'completed';
    });
    await rt.idle();
    await relayUntilIdle();

    // 22:30: every send is written and deferred, none reached Twilio, none spent an attempt or failed.
    expect(twilio.sent).toHaveLength(0);
    const rows = await rt.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'next_attempt_at'])
      .where('kind', '=', 'effect.message.send')
      .execute();
    expect(rows).toHaveLength(CONSENTING);
    for (const row of rows) {
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(0);
      expect(row.next_attempt_at.getTime()).toBe(QUIET_HOURS_END);
    }
    const waiting = await runView(rt.db, runId);
    expect(waiting).toMatchObject({ targeted: CONSENTING + 1, sent: 0, failed: 0, pending: CONSENTING });
    expect(waiting?.skipped.noConsent).toBe(1);
    if (!waiting) throw new Error('no run');
    expect(waiting.targeted).toBe(waiting.sent + waiting.failed + waiting.pending + skippedTotal(waiting));

    // A minute before the end: still nothing.
    now = QUIET_HOURS_END - 60_000;
    await relayUntilIdle();
    expect(twilio.sent).toHaveLength(0);

    // 09:00: the deferred sends go, each once, to the consenting contacts only.
    now = QUIET_HOURS_END;
    await waitFor(async () => {
      await relay.runOnce();
      return (await runView(rt.db, runId))?.pending === 0;
    });
    const recipients = twilio.sent.map((m) => m.to).sort();
    expect(recipients).toEqual(Array.from({ length: CONSENTING }, (_, i) => phoneOf(i)).sort());
    expect(twilio.sent.every((m) => m.from === TWILIO_NUMBER)).toBe(true);
    expect(twilio.sent.map((m) => m.body)).toContain(
      'Hi Client 0, touch-ups are free this month. Reply to book.',
    );
    const done = await runView(rt.db, runId);
    expect(done).toMatchObject({ sent: CONSENTING, failed: 0, pending: 0 });
    if (!done) throw new Error('no run');
    expect(done.targeted).toBe(done.sent + done.failed + skippedTotal(done));
  }, 60_000);
});
