// The console's GET pages: each reads through the existing queries and renders one template.
import type { FastifyInstance } from 'fastify';
import { listDeadLetters } from '../actors/dead-letters.ts';
import { channelSchema } from '../domain/lead-events.ts';
import { leadStatuses } from '../domain/lead-statuses.ts';
import { findLead } from '../persistence/queries/leads.ts';
import { listSystemEvents } from '../persistence/queries/system-events.ts';
import { leadMessages } from '../persistence/queries/transcript.ts';
import type { SystemEventLevel } from '../persistence/system-events.ts';
import type { ConsoleContext } from './console-routes.ts';
import { leadFingerprint, leadsPage as loadLeads, sandboxMessages } from './console-queries.ts';
import { funnelFigures } from './funnel-queries.ts';
import { html } from './html.ts';
import { funnelPage } from './pages/funnel-page.ts';
import { leadLiveRegion, leadPage } from './pages/lead-page.ts';
import { leadsPage } from './pages/leads-page.ts';
import { deadLettersPage, systemEventsPage } from './pages/ops-pages.ts';
import { sandboxPage } from './pages/sandbox-page.ts';
import { channelHealthPage } from './pages/channel-health-page.ts';
import { channelHealth } from '../reconciliation/channel-health-status.ts';
import { reconcileNumbersOf } from '../reconciliation/studio-numbers.ts';
import { probedNumbers } from '../reconciliation/channel-health.ts';
import { providerClientsFromEnv } from '../reconciliation/history-sources.ts';
import { mediaStoreFromEnv } from '../effects/media/media-store-from-env.ts';

type Query = Record<string, string | undefined>;
const STUCK_AFTER_MS = 24 * 3_600_000;
const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

export function registerConsolePages(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Querystring: Query }>('/console/leads', async (request, reply) => {
    const q = request.query;
    const page = Math.max(1, Math.min(100_000, Number.parseInt(q.page ?? '1', 10) || 1));
    const status = (leadStatuses as readonly string[]).includes(q.status ?? '') ? q.status : undefined;
    const channel = (channelSchema.options as readonly string[]).includes(q.channel ?? '')
      ? q.channel
      : undefined;
    const query = {
      studio: q.studio || undefined,
      status,
      channel,
      q: q.q?.trim().slice(0, 100) || undefined,
      page,
    };
    const { leads, total } = await loadLeads(ctx.db, query);
    const studios = ctx.studios.all().map((s) => s.id);
    return ctx.page(reply, 'Leads', 'leads', leadsPage({ query, studios, leads, total }));
  });

  app.get<{ Params: { id: string }; Querystring: Query }>('/console/leads/:id', async (request, reply) => {
    // The fingerprint first: what is rendered is then at least as new as it (a commit in between costs
    // one extra render on the next poll; the other order could hide that commit from the page for good).
    const fingerprint = await leadFingerprint(ctx.db, request.params.id);
    const lead = await findLead(ctx.db, request.params.id);
    if (!lead)
      return ctx.page(reply, 'No such lead', 'leads', html`<p>No lead ${request.params.id}.</p>`, 404);
    const messages = await leadMessages(ctx.db, lead.id);
    const notice = request.query.sent
      ? `${request.query.sent} accepted: the lead's actor applies it next.`
      : undefined;
    return ctx.page(
      reply,
      `Lead ${lead.phone ?? lead.id}`,
      'leads',
      leadPage({
        lead,
        messages,
        diagram: ctx.diagram,
        csrf: ctx.csrf(request),
        notice,
        fingerprint: fingerprint ?? '',
      }),
    );
  });

  // The live part of a lead's page, polled by htmx with the fingerprint it shows: 204 (htmx swaps
  // nothing) while it is current, else the part again with its new fingerprint.
  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/console/leads/:id/live',
    async (request, reply) => {
      const fingerprint = await leadFingerprint(ctx.db, request.params.id);
      if (fingerprint === undefined)
        return reply.code(404).type('text/html; charset=utf-8').send('<p>No such lead.</p>');
      if (request.query.since === fingerprint)
        return reply.code(204).header('cache-control', 'no-store').send();
      const lead = await findLead(ctx.db, request.params.id);
      if (!lead) return reply.code(404).type('text/html; charset=utf-8').send('<p>No such lead.</p>');
      const messages = await leadMessages(ctx.db, lead.id);
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(leadLiveRegion(lead, messages, ctx.diagram, fingerprint).value);
    },
  );

  // A lead's stored photo (the attachment of a media id in its transcript), for the transcript.
  const store = ctx.mediaStore ?? mediaStoreFromEnv(ctx.env);
  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/console/leads/:id/media',
    async (request, reply) => {
      const row = await ctx.db
        .selectFrom('attachments')
        .select(['storage_key', 'mime_type'])
        .where('lead_id', '=', request.params.id)
        .where('media_id', '=', request.query.id ?? '')
        .where('status', '=', 'UPLOADED')
        .executeTakeFirst();
      const bytes = row?.storage_key ? await store.get(row.storage_key) : undefined;
      if (!row || !bytes) return reply.code(404).type('text/plain').send('not stored (yet)');
      return reply
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .type(row.mime_type ?? 'application/octet-stream')
        .send(bytes);
    },
  );

  app.get<{ Querystring: Query }>('/console/dead-letters', async (request, reply) => {
    const letters = await listDeadLetters(ctx.db, { limit: 200 });
    const notice = request.query.replayed
      ? `Dead letter ${request.query.replayed} replayed onto its lead's stream.`
      : undefined;
    return ctx.page(
      reply,
      'Dead letters',
      'dead-letters',
      deadLettersPage(letters, ctx.csrf(request), notice),
    );
  });

  app.get<{ Querystring: Query }>('/console/events', async (request, reply) => {
    const type = request.query.type?.trim() || undefined;
    const level = LEVELS.includes(request.query.level ?? '')
      ? (request.query.level as SystemEventLevel)
      : undefined;
    const events = await listSystemEvents(ctx.db, {
      limit: 200,
      ...(type ? { type } : {}),
      ...(level ? { level } : {}),
    });
    return ctx.page(reply, 'System events', 'events', systemEventsPage(events, { type, level }));
  });

  app.get<{ Querystring: Query }>('/console/sandbox', async (request, reply) => {
    const rows = await sandboxMessages(ctx.db);
    return ctx.page(
      reply,
      'Sandbox phones',
      'sandbox',
      sandboxPage(rows, request.query.session?.slice(0, 200)),
    );
  });

  app.get('/console/funnel', async (_request, reply) => {
    const figures = await funnelFigures(ctx.db, ctx.clock(), STUCK_AFTER_MS);
    return ctx.page(reply, 'Funnel', 'funnel', funnelPage({ figures, stuckAfter: '24 hours' }));
  });

  const clients = providerClientsFromEnv(ctx.env);
  app.get('/console/channels', async (_request, reply) => {
    const numbers = reconcileNumbersOf(ctx.studios.all());
    const probed = new Set(probedNumbers(numbers, clients).map((n) => n.number));
    return ctx.page(
      reply,
      'Channel health',
      'channels',
      channelHealthPage(await channelHealth(ctx.db, numbers, ctx.clock()), probed),
    );
  });
}
