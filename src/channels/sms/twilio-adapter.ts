// The Twilio half of the SMS channel: a send from one of the studio's Twilio numbers through Twilio's REST
// API (POST …/Messages.json, Basic auth AccountSid:AuthToken), with the delivery statuses posted back to
// PUBLIC_BASE_URL/webhooks/twilio/status. Outside production, without TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN,
// the sandbox records the message instead.
import { createTwilioClient } from '../../effects/twilio/twilio-client.ts';
import { sandboxOr, type SendFn } from '../../effects/sandbox/sandbox.ts';
import type { ChannelAdapterDeps } from '../channel-adapter.ts';
import { describeSms } from './sandbox-view.ts';

/** Where Twilio posts a message's statuses: the route behind PUBLIC_BASE_URL. */
export function twilioStatusCallback(publicBaseUrl: string | undefined): string | undefined {
  return publicBaseUrl === undefined
    ? undefined
    : `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/twilio/status`;
}

export function twilioSend(deps: ChannelAdapterDeps): SendFn<string> {
  const { env } = deps;
  const configured = env.TWILIO_ACCOUNT_SID !== undefined && env.TWILIO_AUTH_TOKEN !== undefined;
  const client = createTwilioClient({
    baseUrl: env.TWILIO_API_BASE_URL,
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    timeouts: deps.options.timeouts,
  });
  const statusCallback = twilioStatusCallback(env.PUBLIC_BASE_URL);
  const real: SendFn<string> = async (_ctx, from, to, body) => {
    const sent = await client.send({
      from,
      to,
      body,
      ...(statusCallback === undefined ? {} : { statusCallback }),
    });
    return { providerMessageId: sent.sid, deliveryStatus: 'sent' };
  };
  // In production there is no recorder: an unconfigured Twilio fails its sends (and the start refuses it).
  if (configured || deps.recorder === undefined) return real;
  return sandboxOr(undefined, deps.recorder, 'sms', describeSms('twilio'));
}
