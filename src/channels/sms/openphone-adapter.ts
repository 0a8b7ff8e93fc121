// The OpenPhone (Quo) half of the SMS channel: a send from one of the studio's OpenPhone numbers through
// POST /v1/messages with `Authorization: <OPENPHONE_API_KEY>`, from the number's PN… id. Outside
// production, without OPENPHONE_API_KEY, the sandbox records the message instead.
import { createOpenphoneClient } from '../../effects/openphone/openphone-client.ts';
import { sandboxOr, type SendFn } from '../../effects/sandbox/sandbox.ts';
import type { ChannelAdapterDeps } from '../channel-adapter.ts';
import { describeSms } from './sandbox-view.ts';

export function openphoneSend(deps: ChannelAdapterDeps): SendFn<string> {
  const { env } = deps;
  const client = createOpenphoneClient({
    baseUrl: env.OPENPHONE_API_BASE_URL,
    apiKey: env.OPENPHONE_API_KEY,
    timeouts: deps.options.timeouts,
  });
  const real: SendFn<string> = async (_ctx, from, to, content) => {
    const sent = await client.send({ from, to, content });
    return { providerMessageId: sent.id, deliveryStatus: 'sent' };
  };
  if (env.OPENPHONE_API_KEY !== undefined || deps.recorder === undefined) return real;
  return sandboxOr(undefined, deps.recorder, 'sms', describeSms('openphone'));
}
