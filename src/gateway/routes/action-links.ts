// /a/:token — the artist's approve / reject links (docs/contract.md §3). Answers small HTML pages, since an
// artist opens these from WhatsApp on a phone. GET (and HEAD, which Fastify answers from the GET route)
// only verifies the token and shows a confirmation form: link-preview fetchers and prefetchers send GET
// and HEAD, so those must never act. POST to the same URL acts: 200 sent, 409 already used, 410 expired,
// 400 tampered, 404 unknown lead, 503 not configured. Nothing changes unless a POST answers 200.
// Registered by buildApp (src/gateway/app.ts). The route is `/a/*` rather than `/a/:token`
// because a signed token (~180 characters) is longer than Fastify's default maxParamLength (100), which
// applies to named parameters only.
import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import type { Bus } from '../../bus/bus.ts';
import type { Env } from '../../config/env.ts';
import {
  previewActionLink,
  useActionLink,
  type ActionLinkOutcome,
  type ActionLinkPreview,
} from '../../effects/action-links/use-action-link.ts';
import type { Db } from '../../persistence/database.ts';
import { escapeHtml } from '../../console/html.ts';

export interface ActionLinkRouteDeps {
  env: Env;
  db: Db;
  bus: Bus;
  clock?: () => Date;
}

/** A small HTML page; `extraHtml` is trusted markup appended after the (escaped) paragraph. */
export function htmlPage(title: string, body: string, extraHtml = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1.2rem;padding:.6rem 1.4rem}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>${extraHtml}</body></html>`;
}

type Refusal = Exclude<ActionLinkOutcome, { kind: 'accepted' }> | { kind: 'not_configured' };

/** The confirmation page of a valid link: a form that POSTs back to the same URL (action="" = this URL). */
function confirmation(preview: Extract<ActionLinkPreview, { kind: 'valid' }>): string {
  const verb = preview.action === 'approve' ? 'Approve' : 'Reject';
  const who = preview.leadName ? `Lead: ${preview.leadName}.` : `Lead ${preview.leadId}.`;
  return htmlPage(
    `${verb} this lead?`,
    `${who} Nothing happens until you press the button.`,
    `<form method="post" action=""><button type="submit">${verb}</button></form>`,
  );
}

// The page does not claim a lead status: the decision is an event on the lead's stream, and the lead's
// machine decides what it means (e.g. it may arrive after the lead opted out or went stale).
function page(outcome: ActionLinkOutcome | Refusal): { status: number; html: string } {
  switch (outcome.kind) {
    case 'accepted':
      return {
        status: 200,
        html: htmlPage(
          outcome.action === 'approve' ? 'Approval sent' : 'Rejection sent',
          "Thanks. Your decision was sent to the lead's conversation.",
        ),
      };
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

const send = (reply: FastifyReply, status: number, html: string) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);

export const actionLinkRoutes: FastifyPluginCallback<ActionLinkRouteDeps> = (app, deps, registered) => {
  const clock = deps.clock ?? (() => new Date());
  // The confirmation form posts application/x-www-form-urlencoded with no fields: accept and ignore it
  // (scoped to this plugin; the token in the URL is the whole request).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, _body, done) => {
      done(null, undefined);
    },
  );

  app.get<{ Params: { '*': string } }>('/a/*', async (request, reply) => {
    const secret = deps.env.ACTION_LINK_SECRET;
    const preview: ActionLinkPreview | { kind: 'not_configured' } = secret
      ? await previewActionLink({ db: deps.db, secret, token: request.params['*'], now: clock() })
      : { kind: 'not_configured' };
    if (preview.kind === 'valid') return send(reply, 200, confirmation(preview));
    const { status, html } = page(preview);
    return send(reply, status, html);
  });

  app.post<{ Params: { '*': string } }>('/a/*', async (request, reply) => {
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
    return send(reply, status, html);
  });
  registered();
};
