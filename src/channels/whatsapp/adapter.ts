// The WhatsApp channel adapter: the Graph API send handler (src/effects/handlers/whatsapp-send.ts) with its
// own Graph client, or the sandbox's recorder when WHATSAPP_ACCESS_TOKEN is unset outside production.
import { whatsappSendHandler } from '../../effects/handlers/whatsapp-send.ts';
import { createGraphClient } from '../../effects/whatsapp/graph-client.ts';
import { whatsappSender } from '../../effects/whatsapp/whatsapp-sender.ts';
import type { ChannelAdapterFactory } from '../channel-adapter.ts';

export const whatsappAdapter: ChannelAdapterFactory = (deps) => {
  const graph = createGraphClient({
    baseUrl: deps.env.WHATSAPP_API_BASE_URL,
    accessToken: deps.env.WHATSAPP_ACCESS_TOKEN,
    timeouts: deps.options.timeouts,
  });
  const send = whatsappSender(graph, deps.env.WHATSAPP_ACCESS_TOKEN ? undefined : deps.recorder);
  return whatsappSendHandler(deps.db, send);
};
