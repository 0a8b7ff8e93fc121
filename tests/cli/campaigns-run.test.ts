// `leadline campaigns run ID` as a user runs it: a child process on a real database that starts the run and
// follows it until it is finished, while this process plays the cluster's workers (the run worker, the lead
// actors and the outbox relay, sending to the fake Graph API). The summary it ends with is the run's
// counters, and they match what reached the fake.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign } from '../../src/campaigns/campaign-commands.ts';
import { campaignInputSchema } from '../../src/campaigns/campaign-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { importCsv, startCampaignPipeline, type CampaignPipeline } from '../campaigns/campaign-pipeline.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { childEnv } from './child-env.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/leadline.js');
const studios = new StudioRegistry(demoStudioConfig);

function runCli(databaseUrl: string, ...args: string[]): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(process.execPath, [bin, 'campaigns', 'run', ...args], {
    env: childEnv({ DATABASE_URL: databaseUrl }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on('exit', (status) => resolve({ status, stdout: status === 0 ? stdout : stdout + stderr })),
  );
}

describe('leadline campaigns run', () => {
  let t: TestDatabase;
  let pipeline: CampaignPipeline;
  beforeAll(async () => {
    t = await createTestDatabase();
    pipeline = await startCampaignPipeline({ studios, db: t.db });
    pipeline.relay.start();
    pipeline.worker.start();
  });
  afterAll(async () => {
    await pipeline.close();
    await t.drop();
  });

  it('starts a run, follows it to the end and prints its counters', async () => {
    const csv = [
      'name,phone,tags,consent,consentSource',
      ...[1, 2, 3, 4].map((i) => `Client ${i},+44770090030${i},regular,true,front desk`),
      'No Consent,+447700900309,regular,false,',
    ].join('\n');
    await importCsv(t.db, 'inkwell', csv);
    const created = await createCampaign(
      t.db,
      studios,
      campaignInputSchema.parse({
        id: 'cli-reminder',
        studioId: 'inkwell',
        name: 'Reminder',
        channel: 'whatsapp',
        segment: { tags: ['regular'] },
        message: { template: 'reminder', params: ['{name}'] },
        dailyQuota: 3,
        ratePerMinute: 6000,
      }),
      new Date(),
    );
    expect(created.outcome).toBe('created');

    const result = await runCli(t.url, 'cli-reminder', '--json');
    expect(result.status, result.stdout).toBe(0);
    const run = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
      status: string;
      targeted: number;
      sent: number;
      failed: number;
      pending: number;
      skipped: Record<string, number>;
    };
    expect(run).toMatchObject({ status: 'completed', targeted: 5, sent: 3, failed: 0, pending: 0 });
    expect(run.skipped).toMatchObject({ noConsent: 1, quotaExhausted: 1, optedOut: 0, alreadySent: 0 });
    const sends = pipeline.graph.sends.filter((s) => s.body.type === 'template');
    expect(sends).toHaveLength(3);
    expect(new Set(sends.map((s) => s.body.to)).size).toBe(3);
    expect(sends.map((s) => s.body.to)).not.toContain('447700900309');
  }, 60_000);

  it('an unknown campaign is one line naming it', async () => {
    const result = await runCli(t.url, 'no-such-campaign');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/no campaign "no-such-campaign"/);
  });
});
