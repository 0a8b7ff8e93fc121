// The history sources of the providers this deployment has credentials for, each behind its own caller:
// OpenPhone paced at 9 requests/s, evenly (its limit is 10 per API key), Twilio unpaced; both back off on
// 429 and 5xx.
import type { Env } from '../config/env.ts';
import { DEFAULT_TIMEOUTS } from '../effects/http-request.ts';
import { createOpenphoneClient, type OpenphoneClient } from '../effects/openphone/openphone-client.ts';
import { createTwilioClient, type TwilioClient } from '../effects/twilio/twilio-client.ts';
import type { HistorySources } from './history.ts';
import { openphoneHistory } from './openphone-history.ts';
import { providerCaller, RequestPacer, type ProviderCallOptions } from './provider-calls.ts';
import { twilioHistory } from './twilio-history.ts';

export const OPENPHONE_REQUESTS_PER_SECOND = 9;

export type ProviderEnv = Pick<
  Env,
  | 'TWILIO_ACCOUNT_SID'
  | 'TWILIO_AUTH_TOKEN'
  | 'TWILIO_API_BASE_URL'
  | 'OPENPHONE_API_KEY'
  | 'OPENPHONE_API_BASE_URL'
>;

export interface ProviderClients {
  twilio?: TwilioClient;
  openphone?: OpenphoneClient;
}

/** The REST clients of the SMS providers this deployment has credentials for. */
export function providerClientsFromEnv(env: ProviderEnv): ProviderClients {
  const clients: ProviderClients = {};
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN)
    clients.twilio = createTwilioClient({
      baseUrl: env.TWILIO_API_BASE_URL,
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      timeouts: DEFAULT_TIMEOUTS,
    });
  if (env.OPENPHONE_API_KEY)
    clients.openphone = createOpenphoneClient({
      baseUrl: env.OPENPHONE_API_BASE_URL,
      apiKey: env.OPENPHONE_API_KEY,
      timeouts: DEFAULT_TIMEOUTS,
    });
  return clients;
}

export function historySourcesFromEnv(
  env: ProviderEnv,
  options: {
    retry?: Omit<ProviderCallOptions, 'perSecond'>;
    twilioPageSize?: number;
    openphonePageSize?: number;
  } = {},
): HistorySources {
  const pacer = new RequestPacer();
  const clients = providerClientsFromEnv(env);
  const sources: HistorySources = {};
  if (clients.twilio)
    sources.twilio = twilioHistory(
      clients.twilio,
      providerCaller('twilio', pacer, options.retry),
      options.twilioPageSize,
    );
  if (clients.openphone) {
    const call = providerCaller('openphone', pacer, {
      ...options.retry,
      perSecond: OPENPHONE_REQUESTS_PER_SECOND,
    });
    sources.openphone = openphoneHistory(clients.openphone, call, options.openphonePageSize);
  }
  return sources;
}
