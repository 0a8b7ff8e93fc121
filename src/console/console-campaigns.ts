// The console's campaign pages and actions: list and create, a campaign with its runs (polled), start a
// run, pause / resume / cancel. Through the same functions as the /admin/campaigns routes.
import type { FastifyInstance } from 'fastify';
import { createCampaign, startManualRun } from '../campaigns/campaign-commands.ts';
import type { FieldIssue } from '../campaigns/campaign-definition.ts';
import { changeRun, runsOf, runView, type RunView } from '../campaigns/campaign-runs.ts';
import { findCampaign, listCampaigns } from '../campaigns/campaign-store.ts';
import { GatewayError } from '../gateway/errors.ts';
import type { Studio } from '../studio/studio-schema.ts';
import { readCampaignForm, type FormValues } from './campaign-form.ts';
import type { ConsoleContext } from './console-routes.ts';
import { html } from './html.ts';
import { campaignPage, campaignRuns, campaignsPage } from './pages/campaigns-page.ts';

const RUN_ACTIONS = ['pause', 'resume', 'cancel'] as const;
type RunAction = (typeof RUN_ACTIONS)[number];
const isRunAction = (a: string): a is RunAction => (RUN_ACTIONS as readonly string[]).includes(a);

function templateNames(studio: Studio): string[] {
  const { campaigns, ...conversation } = studio.templates;
  return [...Object.values(conversation), ...Object.values(campaigns ?? {})].filter(
    (t): t is string => typeof t === 'string',
  );
}

async function runsOfCampaign(ctx: ConsoleContext, campaignId: string): Promise<RunView[]> {
  const ids = await runsOf(ctx.db, campaignId);
  const views = await Promise.all(ids.slice(0, 50).map((id) => runView(ctx.db, id)));
  return views.filter((v): v is RunView => v !== undefined);
}

export function registerConsoleCampaigns(app: FastifyInstance, ctx: ConsoleContext): void {
  const studios = () => ctx.studios.all().map((s) => ({ id: s.id, templates: templateNames(s) }));
  const listPage = async (
    reply: Parameters<ConsoleContext['page']>[0],
    csrf: string,
    form: FormValues,
    issues: FieldIssue[],
  ) =>
    ctx.page(
      reply,
      'Campaigns',
      'campaigns',
      campaignsPage({ campaigns: await listCampaigns(ctx.db), studios: studios(), form, issues, csrf }),
      issues.length > 0 ? 400 : 200,
    );

  app.get('/console/campaigns', async (request, reply) => listPage(reply, ctx.csrf(request), {}, []));

  app.post<{ Body: FormValues }>('/console/campaigns', async (request, reply) => {
    const read = readCampaignForm(request.body);
    if (read.issues) return listPage(reply, ctx.csrf(request), request.body, read.issues);
    const created = await createCampaign(ctx.db, ctx.studios, read.input, ctx.clock());
    if (created.outcome === 'invalid')
      return listPage(reply, ctx.csrf(request), request.body, created.issues);
    if (created.outcome === 'exists')
      return listPage(reply, ctx.csrf(request), request.body, [
        { path: 'id', message: 'a campaign with this id exists already' },
      ]);
    return reply.redirect(`/console/campaigns/${encodeURIComponent(created.campaign.id)}?created=1`, 303);
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>(
    '/console/campaigns/:id',
    async (request, reply) => {
      const campaign = await findCampaign(ctx.db, request.params.id);
      if (!campaign)
        return ctx.page(
          reply,
          'No such campaign',
          'campaigns',
          html`<p>No campaign ${request.params.id}.</p>`,
          404,
        );
      const q = request.query;
      const notice = q.created
        ? 'Campaign created.'
        : q.started
          ? 'Run started: the campaign worker sends it at the campaign’s rate.'
          : q.done && isRunAction(q.done)
            ? `Run ${q.done === 'pause' ? 'paused' : q.done === 'resume' ? 'resumed' : 'cancelled'}.`
            : q.refused && isRunAction(q.refused)
              ? `Cannot ${q.refused} a run that is ${q.was ?? 'finished'}.`
              : undefined;
      return ctx.page(
        reply,
        `Campaign ${campaign.name}`,
        'campaigns',
        campaignPage({
          campaign,
          runs: await runsOfCampaign(ctx, campaign.id),
          csrf: ctx.csrf(request),
          notice,
        }),
      );
    },
  );

  app.get<{ Params: { id: string } }>('/console/campaigns/:id/runs', async (request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        campaignRuns(request.params.id, await runsOfCampaign(ctx, request.params.id), ctx.csrf(request))
          .value,
      ),
  );

  app.post<{ Params: { id: string } }>('/console/campaigns/:id/runs', async (request, reply) => {
    const campaign = await findCampaign(ctx.db, request.params.id);
    if (!campaign) throw new GatewayError('CAMPAIGN_NOT_FOUND');
    const started = await startManualRun(ctx.db, ctx.studios, campaign, ctx.clock());
    if (started.outcome === 'no_studio')
      throw new GatewayError('CAMPAIGN_NOT_FOUND', { message: 'The campaign’s studio is gone' });
    if (started.outcome !== 'started') throw new GatewayError('INTERNAL_ERROR');
    return reply.redirect(
      `/console/campaigns/${encodeURIComponent(campaign.id)}?started=${started.runId}`,
      303,
    );
  });

  app.post<{ Params: { id: string; runId: string; action: string } }>(
    '/console/campaigns/:id/runs/:runId/:action',
    async (request, reply) => {
      const { id, runId, action } = request.params;
      if (!isRunAction(action)) throw new GatewayError('NOT_FOUND');
      const view = /^[0-9a-f-]{36}$/.test(runId) ? await runView(ctx.db, runId) : undefined;
      if (view?.campaignId !== id) throw new GatewayError('CAMPAIGN_RUN_NOT_FOUND');
      const changed = await changeRun(ctx.db, runId, action, ctx.clock());
      const outcome = changed ? `done=${action}` : `refused=${action}&was=${view.status}`;
      return reply.redirect(`/console/campaigns/${encodeURIComponent(id)}?${outcome}`, 303);
    },
  );
}
