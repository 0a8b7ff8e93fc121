// GET /console: the web console for the people who run Leadline (docs/contract.md §11), served by the gateway.
// Sign-in with the admin key gives an http-only SameSite=Strict session cookie (session.ts); every POST
// also carries a CSRF token. Actions reuse the admin code paths (enqueueControlEvent, replayDeadLetter),
// so the console can do nothing the admin API could not.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { GatewayError } from '../gateway/errors.ts';
import type { GatewayDeps } from '../gateway/gateway-deps.ts';
import type { MediaStore } from '../effects/media/media-store.ts';
import { keyMatches } from '../gateway/plugins/auth.ts';
import { registerAdminRateLimit } from '../gateway/plugins/rate-limit.ts';
import { registerConsoleActions } from './console-actions.ts';
import { registerConsoleCampaigns } from './console-campaigns.ts';
import { registerConsoleReconciliation } from './console-reconciliation.ts';
import { registerConsolePages } from './console-pages.ts';
import { html, type Html } from './html.ts';
import { layout, type Section } from './layout.ts';
import { machineLayout, type DiagramLayout } from './state-diagram.ts';
import { createLeadDefinition } from '../machines/lead/lead-definition.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, csrfToken, newSession, validCsrf, validSession } from './session.ts';

export interface ConsoleDeps extends Pick<
  GatewayDeps,
  'env' | 'db' | 'bus' | 'studios' | 'metrics' | 'onReconciliationRun'
> {
  clock?: () => Date;
  /** Where the leads' photos are (default: mediaStoreFromEnv). */
  mediaStore?: MediaStore;
}

export interface ConsoleContext extends ConsoleDeps {
  clock: () => Date;
  /** The lead machine's state diagram, laid out once, by the first page that shows it. */
  readonly diagram: DiagramLayout;
  adminKey: string;
  page(reply: FastifyReply, title: string, section: Section, body: Html, status?: number): FastifyReply;
  csrf(request: FastifyRequest): string;
}

const htmxFile = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

function sessionOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

function signInPage(error?: string): Html {
  return html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/console/sign-in">
      <p>
        <label for="key">Admin key (ADMIN_API_KEY)</label><br /><input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          required
          size="40"
        />
      </p>
      <button type="submit">Sign in</button>
    </form>`;
}

export const consoleRoutes: FastifyPluginAsync<ConsoleDeps> = async (app, deps) => {
  await app.register(cookie);
  await app.register(formbody);
  await registerAdminRateLimit(app, { max: 600, timeWindowMs: 60_000 });
  const clock = deps.clock ?? (() => new Date());
  const adminKey = deps.env.ADMIN_API_KEY;
  const secure = deps.env.PUBLIC_BASE_URL?.startsWith('https:') ?? false;
  const page: ConsoleContext['page'] = (reply, title, section, body, status = 200) => {
    const session = sessionOf(reply.request);
    const csrf = adminKey && session ? csrfToken(adminKey, session) : undefined;
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(layout({ title, section, body, ...(csrf ? { csrf } : {}) }).value);
  };

  app.get('/console/assets/htmx.min.js', async (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=86400')
      .type('application/javascript; charset=utf-8')
      .send(await readFile(htmxFile)),
  );
  app.get('/console/sign-in', async (_request, reply) => page(reply, 'Sign in', 'sign-in', signInPage()));
  app.post<{ Body: { key?: string } }>('/console/sign-in', async (request, reply) => {
    if (!adminKey)
      return page(
        reply,
        'Sign in',
        'sign-in',
        signInPage('ADMIN_API_KEY is not set: the console is closed.'),
        401,
      );
    if (!keyMatches(adminKey, request.body.key))
      return page(reply, 'Sign in', 'sign-in', signInPage('That is not the admin key.'), 401);
    return reply
      .setCookie(SESSION_COOKIE, newSession(adminKey, clock()), {
        path: '/console',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        maxAge: SESSION_TTL_MS / 1000,
      })
      .redirect('/console/leads', 303);
  });

  // Everything below needs a session; POSTs also a CSRF token (form field `csrf` or X-CSRF-Token).
  await app.register((scope, _options, registered) => {
    scope.addHook('onRequest', (request, reply, done) => {
      if (validSession(adminKey, sessionOf(request), clock())) done();
      else void reply.redirect('/console/sign-in', 303);
    });
    scope.addHook('preHandler', (request, _reply, done) => {
      if (request.method !== 'POST') {
        done();
        return;
      }
      const body = request.body as { csrf?: unknown } | undefined;
      const header = request.headers['x-csrf-token'];
      const presented =
        typeof body?.csrf === 'string' ? body.csrf : typeof header === 'string' ? header : undefined;
      done(
        validCsrf(adminKey ?? '', sessionOf(request) ?? '', presented)
          ? undefined
          : new GatewayError('CSRF_INVALID'),
      );
    });
    let diagram: DiagramLayout | undefined;
    const ctx: ConsoleContext = {
      ...deps,
      clock,
      get diagram() {
        return (diagram ??= machineLayout(createLeadDefinition(deps.studios).machine));
      },
      adminKey: adminKey ?? '',
      page,
      csrf: (request) => csrfToken(adminKey ?? '', sessionOf(request) ?? ''),
    };
    scope.get('/console', async (_request, reply) => reply.redirect('/console/leads', 303));
    scope.post('/console/sign-out', async (_request, reply) =>
      reply.clearCookie(SESSION_COOKIE, { path: '/console' }).redirect('/console/sign-in', 303),
    );
    registerConsolePages(scope, ctx);
    registerConsoleActions(scope, ctx);
    registerConsoleCampaigns(scope, ctx);
    registerConsoleReconciliation(scope, ctx);
    registered();
  });
};
