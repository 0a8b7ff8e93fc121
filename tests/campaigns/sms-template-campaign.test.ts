// An SMS campaign that names a template (docs/campaigns.md): SMS has no templates, so each contact gets the
// template's body from the studio's templateBodies with the parameters filled, through the real pieces:
// the run worker publishes, the lead actors write the sends, the relay's SMS adapter renders them and the
// fake Twilio API receives plain text, never the template's name. A template without a body is refused
// when the campaign is created (400 naming message.template).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, startManualRun } from '../../src/campaigns/campaign-commands.ts';
import { campaignInputSchema, studioIssues } from '../../src/campaigns/campaign-definition.ts';
import { runView } from '../../src/campaigns/campaign-runs.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { startFakeTwilioApi, type FakeTwilioApi } from '../fakes/twilio-api.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { testIso } from '../helpers/test-clock.ts';
import { importCsv, startCampaignPipeline, type CampaignPipeline } from './campaign-pipeline.ts';

const TWILIO_NUMBER = '+15005550006';
const ACCOUNT = `AC${'4'.repeat(32)}`;
const NOW = Date.parse(testIso('2026-11-23T12:00:00.000Z'));

function studios(): StudioRegistry {
  const input = structuredClone(demoStudioInput) as unknown as { studios: Record<string, unknown>[] };
  const studio = input.studios[0] ?? {};
  // The clock stands still: 10/s lets the sends go as one burst (see sms-quiet-hours.test.ts).
  studio.sms = [{ provider: 'twilio', number: TWILIO_NUMBER, messagesPerSecond: 10 }];
  studio.templates = {
    ...(studio.templates as Record<string, unknown>),
    campaigns: { birthday: 'birthday_offer', plain: 'no_body_offer' },
  };
  studio.templateBodies = {
    ...(studio.templateBodies as Record<string, unknown>),
    birthday_offer: { en: 'Happy birthday {{1}}! {{2}} off this week. Reply STOP to opt out.' },
  };
  return new StudioRegistry(parseStudioConfig(input));
}

const phoneOf = (i: number) => `+1555124${String(1000 + i)}`;

describe('an SMS campaign with a template', () => {
  const clock = () => new Date(NOW);
  const registry = studios();
  const studioId = registry.all()[0]?.id ?? '';
  let pipeline: CampaignPipeline;
  let twilio: FakeTwilioApi;

  beforeAll(async () => {
    twilio = await startFakeTwilioApi('template-token', ACCOUNT);
    pipeline = await startCampaignPipeline({
      studios: registry,
      clock,
      env: {
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: 'template-token',
        TWILIO_API_BASE_URL: twilio.url,
      },
    });
  });
  afterAll(async () => {
    await pipeline.close();
    await twilio.close();
  });

  const input = (template: string) =>
    campaignInputSchema.parse({
      studioId,
      name: 'Birthday',
      channel: 'sms',
      segment: { tags: ['birthday'] },
      message: { template, params: ['{name|there}', '10%'] },
      dailyQuota: 100,
      ratePerMinute: 6000,
    });

  it('is refused when the template has no SMS text, naming message.template', () => {
    const studio = registry.byId(studioId);
    expect(studioIssues(input('plain'), studio)).toEqual([
      {
        path: 'message.template',
        message: `studio ${studioId} has no SMS text for template no_body_offer (templateBodies.no_body_offer)`,
      },
    ]);
    expect(studioIssues(input('nope'), studio)).toMatchObject([{ path: 'message.template' }]);
    expect(studioIssues(input('birthday'), studio)).toEqual([]);
  });

  it('each consenting contact gets the body as plain text at Twilio, parameters filled', async () => {
    const { rt, worker, relay } = pipeline;
    const csv = ['name,phone,tags,consent,consentSource', `Zoë Park,${phoneOf(0)},birthday,true,desk`];
    csv.push(`,${phoneOf(1)},birthday,true,desk`);
    expect(await importCsv(rt.db, studioId, csv.join('\n'))).toMatchObject({ imported: 2 });
    const created = await createCampaign(rt.db, registry, input('birthday'), clock());
    if (created.outcome !== 'created') throw new Error(`campaign not created: ${created.outcome}`);
    const started = await startManualRun(rt.db, registry, created.campaign, clock());
    if (started.outcome !== 'started') throw new Error(`run not started: ${started.outcome}`);
    await waitFor(async () => {
      await worker.runOnce();
      return (await runView(rt.db, started.runId))?.status === 'completed';
    });
    await rt.idle();
    await waitFor(async () => {
      await relay.runOnce();
      return (await runView(rt.db, started.runId))?.pending === 0;
    });
    const bodies = Object.fromEntries(twilio.sent.map((m) => [m.to, m.body]));
    expect(bodies).toEqual({
      [phoneOf(0)]: 'Happy birthday Zoë Park! 10% off this week. Reply STOP to opt out.',
      [phoneOf(1)]: 'Happy birthday there! 10% off this week. Reply STOP to opt out.',
    });
    expect(twilio.sent.every((m) => !m.body.includes('birthday_offer'))).toBe(true);
    expect(await runView(rt.db, started.runId)).toMatchObject({ sent: 2, failed: 0, pending: 0 });
  }, 60_000);
});
