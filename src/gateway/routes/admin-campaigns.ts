// Campaigns and their runs (docs/contract.md §10): create, start a run, watch its counters, pause / resume /
// cancel. The runs themselves are worked by the campaign worker on the worker processes
// (src/campaigns/run-worker.ts); these routes only write and read rows.
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { createCampaign, startManualRun } from '../../campaigns/campaign-commands.ts';
import { campaignInputSchema, type Campaign } from '../../campaigns/campaign-definition.ts';
import { changeRun, runsOf, runView, type RunView } from '../../campaigns/campaign-runs.ts';
import { findCampaign } from '../../campaigns/campaign-store.ts';
import type { Db } from '../../persistence/database.ts';
import type { StudioRegistry } from '../../studio/studio-registry.ts';
import { GatewayError } from '../errors.ts';
import type { ZodTypeProvider } from '../zod-schemas.ts';

export interface CampaignRouteDeps {
  db: Db;
  studios: StudioRegistry;
  clock?: () => Date;
}

const campaignParams = z.object({ id: z.string().min(1).max(64) });
const runParams = z.object({ id: z.string().min(1).max(64), runId: z.uuid() });
const runActionParams = runParams.extend({ action: z.enum(['pause', 'resume', 'cancel']) });
const counts = z.number().int();
const runSchema = z.object({
  id: z.string(),
  runId: z.string(),
  campaignId: z.string(),
  status: z.enum(['running', 'paused', 'completed', 'cancelled', 'failed']),
  trigger: z.enum(['manual', 'schedule']),
  day: z.string(),
  targeted: counts,
  sent: counts,
  failed: counts,
  pending: counts,
  skipped: z.object({
    optedOut: counts,
    noConsent: counts,
    quotaExhausted: counts,
    quietHours: counts,
    alreadySent: counts,
  }),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const withRunId = (view: RunView) => ({ ...view, runId: view.id });

export const adminCampaignRoutes: FastifyPluginCallback<CampaignRouteDeps> = (scope, deps, registered) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const clock = deps.clock ?? (() => new Date());

  async function campaignOf(id: string): Promise<Campaign> {
    const campaign = await findCampaign(deps.db, id);
    if (!campaign) throw new GatewayError('CAMPAIGN_NOT_FOUND');
    return campaign;
  }
  async function viewOf(campaignId: string, runId: string): Promise<RunView> {
    const view = await runView(deps.db, runId);
    if (view?.campaignId !== campaignId) throw new GatewayError('CAMPAIGN_RUN_NOT_FOUND');
    return view;
  }

  app.post(
    '/admin/campaigns',
    { schema: { tags: ['admin'], body: campaignInputSchema } },
    async (request, reply) => {
      const created = await createCampaign(deps.db, deps.studios, request.body, clock());
      if (created.outcome === 'invalid') {
        throw new GatewayError('VALIDATION_FAILED', {
          message: `Invalid campaign: ${created.issues.map((i) => i.path).join(', ')}`,
          details: created.issues,
        });
      }
      if (created.outcome === 'exists') throw new GatewayError('CAMPAIGN_EXISTS');
      return reply.code(201).send({ campaign: created.campaign });
    },
  );

  app.get(
    '/admin/campaigns/:id',
    { schema: { tags: ['admin'], params: campaignParams } },
    async (request) => {
      const campaign = await campaignOf(request.params.id);
      return { campaign, runs: await runsOf(deps.db, campaign.id) };
    },
  );

  app.post(
    '/admin/campaigns/:id/runs',
    { schema: { tags: ['admin'], params: campaignParams, response: { 202: runSchema } } },
    async (request, reply) => {
      const campaign = await campaignOf(request.params.id);
      const started = await startManualRun(deps.db, deps.studios, campaign, clock());
      if (started.outcome === 'no_studio')
        throw new GatewayError('CAMPAIGN_NOT_FOUND', { message: 'The campaign’s studio is gone' });
      if (started.outcome !== 'started') throw new GatewayError('INTERNAL_ERROR');
      return reply.code(202).send(withRunId(await viewOf(campaign.id, started.runId)));
    },
  );

  app.get(
    '/admin/campaigns/:id/runs/:runId',
    { schema: { tags: ['admin'], params: runParams, response: { 200: runSchema } } },
    async (request) => withRunId(await viewOf(request.params.id, request.params.runId)),
  );

  app.post(
    '/admin/campaigns/:id/runs/:runId/:action',
    { schema: { tags: ['admin'], params: runActionParams, response: { 200: runSchema } } },
    async (request) => {
      const { id, runId, action } = request.params;
      const before = await viewOf(id, runId);
      if (!(await changeRun(deps.db, runId, action, clock()))) {
        throw new GatewayError('CAMPAIGN_RUN_STATE', {
          message: `Cannot ${action} a run that is ${before.status}`,
          details: { status: before.status },
        });
      }
      return withRunId(await viewOf(id, runId));
    },
  );
  registered();
};
