// What a production start needs that the schemas alone cannot say: a studio configuration of your own
// (never the built-in demo) and, for each part the configuration turns on, the secrets that part cannot
// work without. `leadline start` refuses to start in production when any is missing (one line, exit 1:
// an unset WHATSAPP_APP_SECRET would otherwise reject every webhook with 401 long after a green start), and
// `leadline config check` reports the same list without starting.
//
// One list, `requirements`, holds every rule. A new channel or provider adds its entry here (with `when`
// saying which configuration turns it on); outside production nothing here runs, so a sandbox for
// providers without credentials (issue: console) lives beside the providers, not in these rules.
import type { SmsNumber, StudioConfig } from '../studio/studio-schema.ts';
import type { Env } from './env.ts';

export interface Requirement {
  /** What needs the variables, as a user would name it ("WhatsApp", "Stripe deposits"). */
  what: string;
  variables: readonly (keyof Env)[];
  /** Which configurations need it; absent = every one. */
  when?: (config: StudioConfig) => boolean;
}

function usesSmsProvider(config: StudioConfig, provider: SmsNumber['provider']): boolean {
  return config.studios.some((studio) => studio.sms?.some((entry) => entry.provider === provider) === true);
}

export const requirements: readonly Requirement[] = [
  { what: 'the admin API', variables: ['ADMIN_API_KEY'] },
  {
    what: 'WhatsApp',
    variables: ['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_ACCESS_TOKEN'],
    when: (config) => config.studios.some((studio) => studio.whatsapp.phoneNumberId !== ''),
  },
  {
    what: 'Stripe deposits',
    variables: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'PUBLIC_BASE_URL'],
    when: (config) => config.studios.some((studio) => studio.deposit.amount > 0),
  },
  {
    what: 'artist action links',
    variables: ['ACTION_LINK_SECRET', 'PUBLIC_BASE_URL'],
    when: (config) => config.studios.some((studio) => studio.artists.length > 0),
  },
  {
    // The signature covers PUBLIC_BASE_URL + path; status callbacks are sent to it.
    what: 'Twilio SMS',
    variables: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'],
    when: (config) => usesSmsProvider(config, 'twilio'),
  },
  {
    // Outside production an unset SMTP_URL shows the emails in the sandbox; in production they would fail.
    what: 'artist email notifications',
    variables: ['SMTP_URL', 'EMAIL_FROM'],
    when: (config) =>
      config.studios.some((studio) => studio.artists.some((artist) => artist.notify.includes('email'))),
  },
  {
    what: 'OpenPhone SMS',
    variables: ['OPENPHONE_API_KEY', 'OPENPHONE_WEBHOOK_SECRET'],
    when: (config) => usesSmsProvider(config, 'openphone'),
  },
];

export interface ProductionProblem {
  /** The variable or configuration that is missing. */
  name: string;
  /** What needs it ("the admin API", "WhatsApp, artist action links"). */
  neededFor: string;
}

export interface ProductionInput {
  env: Env;
  config: StudioConfig;
  /** The configuration is the built-in demo studio (no file was given or found). */
  demo: boolean;
}

const DEMO = 'LEADLINE_CONFIG';

/** Everything a production start would lack, in a stable order (empty: ready). */
export function productionProblems(input: ProductionInput): ProductionProblem[] {
  const problems = new Map<string, ProductionProblem>();
  if (input.demo) problems.set(DEMO, { name: DEMO, neededFor: 'a studio of your own' });
  for (const requirement of requirements) {
    if (requirement.when && !requirement.when(input.config)) continue;
    for (const variable of requirement.variables) {
      if (input.env[variable] !== undefined) continue;
      const known = problems.get(variable);
      if (known) known.neededFor += `, ${requirement.what}`;
      else problems.set(variable, { name: variable, neededFor: requirement.what });
    }
  }
  return [...problems.values()];
}

/**
 * The one line a refused production start prints, e.g. "refusing to start in production: unset
 * WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN (WhatsApp); PUBLIC_BASE_URL (Stripe deposits, artist action links)".
 */
export function describeProblems(problems: readonly ProductionProblem[]): string {
  const parts: string[] = [];
  if (problems.some((p) => p.name === DEMO)) {
    parts.push(
      'no studio configuration, so the built-in demo studio would answer real leads ' +
        '(copy leadline.config.example.yaml to leadline.config.yaml, or set LEADLINE_CONFIG)',
    );
  }
  const byNeed = new Map<string, string[]>();
  for (const problem of problems) {
    if (problem.name === DEMO) continue;
    byNeed.set(problem.neededFor, [...(byNeed.get(problem.neededFor) ?? []), problem.name]);
  }
  if (byNeed.size > 0) {
    const groups = [...byNeed].map(([need, names]) => `${names.join(', ')} (${need})`);
    parts.push(`unset ${groups.join('; ')}`);
  }
  return `refusing to start in production: ${parts.join('; ')}`;
}
