// Which provider credential turns each provider from the sandbox into the real thing. Outside production a
// missing one means the sandbox (the start banner says so); in production the sandbox is off and
// src/config/production-checks.ts refuses the start without it. A channel adapter that sends (SMS, say)
// adds its entry here (and its requirement there).
import type { Env } from '../../config/env.ts';

export interface ProviderCredential {
  provider: string;
  variable: keyof Env;
}

export const providerCredentials: readonly ProviderCredential[] = [
  { provider: 'WhatsApp', variable: 'WHATSAPP_ACCESS_TOKEN' },
  { provider: 'Stripe', variable: 'STRIPE_SECRET_KEY' },
];

export function missingCredentials(env: Env): ProviderCredential[] {
  return providerCredentials.filter(({ variable }) => env[variable] === undefined);
}
