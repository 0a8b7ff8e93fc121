// A run worker killed in the middle of a batch, on the real database and the single-node bus (publishes
// land in the inbox table; nothing consumes them here): worker A's batch transaction committed, A published
// part of it and died before marking anything published. Worker B takes the run once A's lease has run out,
// publishes A's claimed sends first (the ones A already published are duplicates the bus drops) and carries
// on: every claimed send is on the bus exactly once, no target is left or claimed twice, and the quota is
// spent exactly once per send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/bus/bus.ts';
import { createInProcessBus } from '../../src/bus/in-process-bus.ts';
import { campaignInputSchema, type Campaign } from '../../src/campaigns/campaign-definition.ts';
import { createRun, runView } from '../../src/campaigns/campaign-runs.ts';
import { insertCampaign } from '../../src/campaigns/campaign-store.ts';
import { claimBatch, senderOf } from '../../src/campaigns/run-send.ts';
import { createCampaignWorker } from '../../src/campaigns/run-worker.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { quotaUsed } from '../../src/persistence/limits/daily-quota.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitFor } from '../helpers/runtime-harness.ts';
import { importCsv } from './campaign-pipeline.ts';

const studios = new StudioRegistry(demoStudioConfig);
const studio = demoStudioConfig.studios[0]!;
const CONTACTS = 12;
const QUOTA = 9;
const LEASE_MS = 15_000;

let t: TestDatabase;
let bus: Bus;
beforeAll(async () => {
  t = await createTestDatabase();
  bus = createInProcessBus({ db: t.db, partitions: 4 });
});
afterAll(async () => {
  await bus.close();
  await t.drop();
});

describe('a run worker killed mid-batch', () => {
  it('the next worker publishes what it claimed, once, and finishes the run: nothing twice, nothing skipped', async () => {
    const rows = ['name,phone,tags,consent,consentSource'];
    for (let i = 0; i < CONTACTS; i++)
      rows.push(`C ${i},+4477009005${String(i).padStart(2, '0')},all,true,web`);
    await importCsv(t.db, studio.id, rows.join('\n'));
    const campaign: Campaign = {
      ...campaignInputSchema.parse({
        studioId: studio.id,
        name: 'Crash',
        channel: 'whatsapp',
        segment: { tags: ['all'] },
        message: { template: 'reminder' },
        dailyQuota: QUOTA,
        // 100/s: batches of 50, so the whole run is one batch of A's.
        ratePerMinute: 6000,
      }),
      id: 'crash',
    };
    const start = new Date();
    await insertCampaign(t.db, campaign, start);
    const runId = (await createRun(t.db, campaign, studio, { trigger: 'manual', now: start })) ?? '';
    const day = (await runView(t.db, runId))?.day ?? '';

    // Worker A leases the run, commits its batch, publishes 4 of its sends and is killed.
    await t.db
      .updateTable('campaign_runs')
      .set({ lease_owner: 'worker-a', lease_until: new Date(start.getTime() + LEASE_MS) })
      .where('id', '=', runId)
      .execute();
    const batch = await claimBatch(t.db, { runId, campaign, studio, day }, 50, start);
    expect(batch.handled).toBe(CONTACTS);
    expect(batch.claimed).toHaveLength(QUOTA);
    for (const send of batch.claimed.slice(0, 4)) await bus.publish(send.envelope);

    // Worker B, after A's lease ran out.
    const later = new Date(start.getTime() + LEASE_MS + 1_000);
    const b = createCampaignWorker({
      db: t.db,
      bus,
      studios,
      logger: silentLogger,
      workerId: 'worker-b',
      clock: () => later,
    });
    await waitFor(async () => {
      await b.runOnce();
      return (await runView(t.db, runId))?.status === 'completed';
    });

    const inbox = await t.db.selectFrom('inbox').select(['envelope', 'lead_id']).execute();
    const leads = inbox.map((r) => r.lead_id);
    expect(leads).toHaveLength(QUOTA);
    expect(new Set(leads).size).toBe(QUOTA);
    expect(leads.sort()).toEqual(batch.claimed.map((c) => c.envelope.leadId).sort());
    const targets = await t.db
      .selectFrom('campaign_targets')
      .select(['state', 'reason'])
      .where('run_id', '=', runId)
      .execute();
    expect(targets.filter((r) => r.state === 'published')).toHaveLength(QUOTA);
    expect(targets.filter((r) => r.state === 'skipped' && r.reason === 'quotaExhausted')).toHaveLength(
      CONTACTS - QUOTA,
    );
    expect(targets.filter((r) => r.state === 'pending')).toHaveLength(0);
    const sends = await t.db.selectFrom('campaign_sends').select('lead_id').execute();
    expect(sends).toHaveLength(QUOTA);
    const key = { studioId: studio.id, channel: 'whatsapp', sender: senderOf(campaign, studio), day };
    expect(await quotaUsed(t.db, key)).toBe(QUOTA);
  });
});
