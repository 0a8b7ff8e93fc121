// GET /a/:token — the artist's approve / reject links (CONTRACT §3). Answers small HTML pages, since an
// artist opens these from WhatsApp on a phone: 200 done, 409 already used, 410 expired, 400 tampered,
// 404 unknown lead, 503 not configured. Nothing changes unless the answer is 200.
// Registered by the gateway through GatewayDeps.extraPlugins. The route is `/a/*` rather than `/a/:token`
// because a signed token (~180 characters) is longer than Fastify's default maxParamLength (100), which
// applies to named parameters only.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Bus } from '../../bus/bus.ts';
import type { Env } from '../../config/env.ts';
import { useActionLink, type ActionLinkOutcome } from '../../effects/action-links/use-action-link.ts';
import type { Db } from '../../persistence/database.ts';

export interface ActionLinkRouteDeps {
  env: Env;
  db: Db;
  bus: Bus;
  clock?: () => Date;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}

function page(outcome: ActionLinkOutcome | { kind: 'not_configured' }): { status: number; html: string } {
  switch (outcome.kind) {
    case 'accepted':
      return outcome.action === 'approve'
        ? { status: 200, html: htmlPage('Approved', 'Thanks! The client will be sent a deposit link.') }
        : { status: 200, html: htmlPage('Declined', 'Thanks. The client will be told politely.') };
    case 'already_used':
      return {
        status: 409,
        html: htmlPage(
          'Already used',
          `This link was already used (the lead was ${outcome.action === 'approve' ? 'approved' : 'declined'}). Nothing was changed.`,
        ),
      };
    case 'expired':
      return {
        status: 410,
        html: htmlPage(
          'Link expired',
          'This link has expired. Nothing was changed; use the admin tools instead.',
        ),
      };
    case 'tampered':
      return { status: 400, html: htmlPage('Invalid link', 'This link is not valid. Nothing was changed.') };
    case 'unknown_lead':
      return {
        status: 404,
        html: htmlPage('Unknown lead', 'This link refers to a lead we do not know. Nothing was changed.'),
      };
    case 'not_configured':
      return {
        status: 503,
        html: htmlPage('Unavailable', 'Action links are not configured on this server.'),
      };
  }
}

export function actionLinkRoutes(deps: ActionLinkRouteDeps): FastifyPluginAsync {
  const clock = deps.clock ?? (() => new Date());
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { '*': string } }>('/a/*', async (request, reply) => {
      const secret = deps.env.ACTION_LINK_SECRET;
      const outcome = secret
        ? await useActionLink({
            db: deps.db,
            bus: deps.bus,
            secret,
            token: request.params['*'],
            now: clock(),
            traceId: request.id,
          })
        : { kind: 'not_configured' as const };
      const { status, html } = page(outcome);
      if (outcome.kind !== 'accepted') request.log.warn({ outcome: outcome.kind }, 'action link refused');
      return reply
        .code(status)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(html);
    });
    await Promise.resolve();
  };
}
