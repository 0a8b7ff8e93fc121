// Who a run targets and when a daily campaign runs, on the real database: the segment's status, tags,
// birthdayToday (the studio's date, not UTC's) and inactiveFor; the daily schedule's cluster job starting
// one run per studio-local day however often, and by however many schedulers at once, it runs.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignInputSchema, type Campaign } from '../../src/campaigns/campaign-definition.ts';
import { createRun } from '../../src/campaigns/campaign-runs.ts';
import { campaignScheduleJob } from '../../src/campaigns/campaign-schedule-job.ts';
import { contactLeadId } from '../../src/campaigns/contact-import.ts';
import { insertCampaign } from '../../src/campaigns/campaign-store.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testIso } from '../helpers/test-clock.ts';
import { importCsv } from './campaign-pipeline.ts';

// Auckland is 13 hours ahead in December: 12:30 UTC on 2 December is 01:30 on 3 December there.
const NOW = new Date(testIso('2026-12-02T12:30:00.000Z'));
const DAY = 86_400_000;
const registry = new StudioRegistry(
  parseStudioConfig({ studios: [{ ...demoStudioInput.studios[0], timezone: 'Pacific/Auckland' }] }),
);
const STUDIO = registry.all()[0]?.id ?? '';

const phone = (n: number) => `+44770090040${n}`;
const lead = (n: number) => contactLeadId(STUDIO, { phone: phone(n), email: null });

function campaign(id: string, input: Record<string, unknown>): Campaign {
  const parsed = campaignInputSchema.parse({
    studioId: STUDIO,
    name: id,
    channel: 'whatsapp',
    message: { template: 'reminder' },
    dailyQuota: 100,
    ...input,
  });
  return { ...parsed, id };
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await importCsv(
    t.db,
    STUDIO,
    [
      'name,phone,birthday,tags,consent,consentSource',
      `Today,${phone(1)},12-03,vip,true,web`,
      `Utc Today,${phone(2)},1990-12-02,vip,true,web`,
      `Quiet,${phone(3)},,flash,true,web`,
      `Busy,${phone(4)},,flash;vip,true,web`,
    ].join('\n'),
  );
  // 3 last wrote 40 days ago, 4 yesterday; 1 and 2 never wrote. 4 is booked.
  await sql`update leads set last_inbound_at = ${new Date(NOW.getTime() - 40 * DAY).toISOString()}::timestamptz
    where id = ${lead(3)}`.execute(t.db);
  await sql`update leads set last_inbound_at = ${new Date(NOW.getTime() - DAY).toISOString()}::timestamptz,
    status = 'BOOKED' where id = ${lead(4)}`.execute(t.db);
});
afterAll(async () => {
  await t.drop();
});

async function targets(c: Campaign): Promise<string[]> {
  const studio = registry.byId(STUDIO);
  if (!studio) throw new Error('no studio');
  await insertCampaign(t.db, c, NOW);
  const runId = await createRun(t.db, c, studio, { trigger: 'manual', now: NOW });
  const rows = await t.db
    .selectFrom('campaign_targets')
    .select('lead_id')
    .where('run_id', '=', runId ?? '')
    .execute();
  return rows.map((r) => r.lead_id).sort();
}

describe('segments', () => {
  it("birthdayToday is the studio's date (3 December in Auckland), not UTC's", async () => {
    expect(await targets(campaign('bday', { segment: { birthdayToday: true } }))).toEqual([lead(1)]);
  });

  it('tags match any of them', async () => {
    expect(await targets(campaign('flash', { segment: { tags: ['flash'] } }))).toEqual(
      [lead(3), lead(4)].sort(),
    );
  });

  it('inactiveFor takes those silent that long or who never wrote', async () => {
    expect(await targets(campaign('quiet', { segment: { inactiveFor: '30d' } }))).toEqual(
      [lead(1), lead(2), lead(3)].sort(),
    );
  });

  it('status and tags together', async () => {
    expect(await targets(campaign('booked-vip', { segment: { status: ['BOOKED'], tags: ['vip'] } }))).toEqual(
      [lead(4)],
    );
  });
});

describe('the daily schedule', () => {
  it("starts one run per studio-local day once its local time has come, whoever's scheduler runs it", async () => {
    const daily = campaign('daily', { schedule: { daily: '10:00' } });
    await insertCampaign(t.db, daily, NOW);
    const job = campaignScheduleJob({ db: t.db, studios: registry });
    const at = (iso: string) => ({ now: new Date(testIso(iso)), periodStart: new Date(testIso(iso)) });
    // 09:59 in Auckland on 3 December (20:59 UTC on the 2nd): not yet.
    expect(await job.run(at('2026-12-02T20:59:00.000Z'))).toEqual({ started: 0 });
    // 10:00 there: four schedulers at once start one run between them.
    const results = await Promise.all(
      Array.from({ length: 4 }, () => job.run(at('2026-12-02T21:00:00.000Z'))),
    );
    expect(results.reduce((n, r) => n + Number(r?.started ?? 0), 0)).toBe(1);
    // Later the same local day: nothing more; the next local day: its own run.
    expect(await job.run(at('2026-12-03T09:00:00.000Z'))).toEqual({ started: 0 });
    expect(await job.run(at('2026-12-03T21:00:00.000Z'))).toEqual({ started: 1 });
    const runs = await t.db
      .selectFrom('campaign_runs')
      .select(sql<string>`day::text`.as('day'))
      .where('campaign_id', '=', 'daily')
      .orderBy('day')
      .execute();
    expect(runs.map((r) => r.day)).toEqual([
      testIso('2026-12-03T00:00:00.000Z').slice(0, 10),
      testIso('2026-12-04T00:00:00.000Z').slice(0, 10),
    ]);
  });
});
