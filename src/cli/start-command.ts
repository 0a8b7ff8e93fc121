// `leadline start [--role all|gateway|worker]`: starts the system, prints where it listens and where to send
// webhooks, and shuts down gracefully on SIGINT/SIGTERM (a second signal forces the exit).
import { ConfigError, type Env } from '../config/env.ts';
import { describeProblems, productionProblems } from '../config/production-checks.ts';
import { describeMissingBody, missingSmsTemplateBodies } from '../studio/template-bodies.ts';
import { missingCredentials } from '../effects/sandbox/provider-credentials.ts';
import { createLogger } from '../observability/logger.ts';
import type { DevDefaults } from '../boot/dev-secrets.ts';
import { isDemoStudioConfig, loadStudioConfig } from '../studio/load-studio-config.ts';
import type { StudioConfig } from '../studio/studio-schema.ts';
import { roles, startSystem, type Role, type RunningSystem } from '../system.ts';
import { CliError, exitWith, loadEnv } from './cli-env.ts';
import { checkTemplateCatalogues } from './template-check.ts';
import { describeTemplateProblem } from '../effects/whatsapp/template-catalogue.ts';

const FORCE_EXIT_AFTER_MS = 30_000;

/** 0.0.0.0 / :: are listen addresses, not places to browse to. */
export function publicUrl(listenUrl: string): string {
  const url = new URL(listenUrl);
  if (['0.0.0.0', '[::]', '[::1]', '127.0.0.1'].includes(url.hostname)) url.hostname = 'localhost';
  return url.origin;
}

function banner(system: RunningSystem, env: Env, dev: DevDefaults): string {
  const base = publicUrl(system.url);
  const lines = [`Leadline (${system.role}) listening on ${system.url}`];
  if (system.role === 'worker') {
    lines.push(`  health and metrics:  ${base}/readyz  ${base}/metrics`);
  } else {
    lines.push(
      `  WhatsApp webhook:    ${base}/webhooks/whatsapp   (Meta: callback URL; verify token = WHATSAPP_VERIFY_TOKEN)`,
      `  Stripe webhook:      ${base}/webhooks/stripe`,
      `  Console:             ${base}/console   (sign in with ADMIN_API_KEY)`,
      `  Admin API:           ${base}/admin/leads   (X-API-Key: ADMIN_API_KEY)`,
      `  API docs:            ${base}/docs`,
      `  Health / metrics:    ${base}/readyz   ${base}/metrics`,
    );
  }
  lines.push(
    `  Studios:             ${system.studios
      .all()
      .map((s) => `${s.id} (WhatsApp phone number id ${s.whatsapp.phoneNumberId})`)
      .join(', ')}`,
    `  Database:            ${system.embeddedDatabase ? `embedded PostgreSQL in ${env.LEADLINE_HOME}/pg` : 'DATABASE_URL'}`,
    `  Bus:                 ${system.bus.mode === 'nats' ? `NATS (${env.NATS_URL ?? ''})` : 'in-process (single node)'}`,
  );
  const sandboxed = env.NODE_ENV === 'production' ? [] : missingCredentials(env);
  const whatsappSandbox = sandboxed.some((c) => c.variable === 'WHATSAPP_ACCESS_TOKEN');
  lines.push(
    whatsappSandbox
      ? `  Replies go to:       the sandbox (no WHATSAPP_ACCESS_TOKEN): recorded, shown at ${base}/console/sandbox`
      : `  Replies go to:       WhatsApp (${env.WHATSAPP_API_BASE_URL})`,
  );
  if (sandboxed.length > 0)
    lines.push(
      `  Sandbox:             ${sandboxed.map((c) => `${c.provider} (set ${c.variable} to use the real one)`).join(', ')}`,
    );
  if (env.PUBLIC_BASE_URL) lines.push(`  Public base URL:     ${env.PUBLIC_BASE_URL}`);
  if (dev.applied.length > 0) {
    lines.push(`  Development secrets (NODE_ENV is not production; kept in ${dev.file}):`);
    for (const name of dev.applied) lines.push(`    ${name}=${dev.env[name] ?? ''}`);
  }
  if (system.role !== 'worker') lines.push(`  Try it:              npx leadline demo --url ${base}`);
  return `${lines.join('\n')}\n`;
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

export async function startCommand(options: { role: string }): Promise<void> {
  if (!roles.includes(options.role as Role)) {
    exitWith(new CliError(`--role must be one of ${roles.join(', ')} (got "${options.role}")`));
  }
  const { env, dev } = await loadEnv();
  // Read the studio configuration before starting anything (a database, say): a bad file then ends the
  // process at once with one line naming the file and the path in it, like a bad environment variable.
  let studioConfig: StudioConfig;
  try {
    studioConfig = await loadStudioConfig(env.LEADLINE_CONFIG);
  } catch (error) {
    return exitWith(error);
  }
  // In production, refuse what would fail later (a webhook rejected for want of a secret, the demo studio
  // answering real leads): one line naming everything missing, before anything starts.
  if (process.env.NODE_ENV === 'production') {
    const problems = productionProblems({
      env,
      config: studioConfig,
      demo: isDemoStudioConfig(studioConfig),
    });
    if (problems.length > 0) exitWith(new ConfigError(describeProblems(problems)));
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  // Templates Meta has not approved fail only when they are needed most (the lead's window has closed):
  // production refuses to start on one; elsewhere it is a warning. An unreachable Graph never blocks a start.
  const templates = await checkTemplateCatalogues(env, studioConfig);
  for (const studio of templates.unchecked)
    logger.warn({ studio }, 'could not read the WhatsApp template catalogue; templates unchecked');
  // A template goes by SMS as its text (templateBodies). Nothing in the funnel sends one on SMS today (no
  // window there) and an SMS campaign naming a template without text is refused when created, so a missing
  // body is a warning, never a refusal: an SMS studio that worked before keeps starting.
  const bodies = studioConfig.studios.flatMap(missingSmsTemplateBodies);
  if (bodies.length > 0)
    logger.warn({ problems: bodies.map(describeMissingBody).join('; ') }, 'SMS template text missing');
  if (templates.problems.length > 0) {
    const list = templates.problems.map(describeTemplateProblem).join('; ');
    if (process.env.NODE_ENV === 'production')
      exitWith(new ConfigError(`refusing to start in production: templates not approved: ${list}`));
    logger.warn({ problems: list }, 'templates not approved in the WhatsApp Business Account');
  }
  let system: RunningSystem;
  try {
    system = await startSystem({ env, role: options.role as Role, logger, studioConfig });
  } catch (error) {
    // A configuration error (an unreachable DATABASE_URL, say) is the one line exitWith prints; so is a
    // port another process holds (the usual first-run mistake: a second `npm start`), naming PORT.
    if (isAddressInUse(error))
      return exitWith(
        new ConfigError(
          `PORT ${env.PORT} on ${env.HOST} is already in use (another leadline start?): stop it or set PORT`,
        ),
      );
    if (!(error instanceof ConfigError)) logger.fatal({ err: error }, 'could not start');
    return exitWith(error);
  }
  process.stdout.write(banner(system, env, dev));

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'graceful shutdown');
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
