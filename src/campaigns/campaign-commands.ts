// Creating a campaign and starting a run: the one path POST /admin/campaigns, POST …/runs and the
// console's forms take, so both check a campaign against its studio and store it the same way.
import { randomUUID } from 'node:crypto';
import type { Db } from '../persistence/database.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import { studioIssues, type Campaign, type CampaignInput, type FieldIssue } from './campaign-definition.ts';
import { createRun } from './campaign-runs.ts';
import { insertCampaign } from './campaign-store.ts';

export type CreateCampaignOutcome =
  | { outcome: 'created'; campaign: Campaign }
  | { outcome: 'invalid'; issues: FieldIssue[] }
  | { outcome: 'exists' };

export async function createCampaign(
  db: Db,
  studios: StudioRegistry,
  input: CampaignInput,
  now: Date,
): Promise<CreateCampaignOutcome> {
  const issues = studioIssues(input, studios.byId(input.studioId));
  if (issues.length > 0) return { outcome: 'invalid', issues };
  const campaign: Campaign = { ...input, id: input.id ?? `cmp_${randomUUID().slice(0, 12)}` };
  return (await insertCampaign(db, campaign, now)) ? { outcome: 'created', campaign } : { outcome: 'exists' };
}

export type StartRunOutcome =
  { outcome: 'started'; runId: string } | { outcome: 'no_studio' | 'not_created' };

/** A manual run of the campaign, unless the campaign's studio is gone. */
export async function startManualRun(
  db: Db,
  studios: StudioRegistry,
  campaign: Campaign,
  now: Date,
): Promise<StartRunOutcome> {
  const studio = studios.byId(campaign.studioId);
  if (!studio) return { outcome: 'no_studio' };
  const runId = await createRun(db, campaign, studio, { trigger: 'manual', now });
  return runId === null ? { outcome: 'not_created' } : { outcome: 'started', runId };
}
