// The channel adapters, keyed by channel: the relay sends `effect.message.send` through the adapter of the
// effect's channel (a channel with none fails the effect for good). Registering one is a module exporting a
// `ChannelAdapterFactory` and one line here (see README.md).
import type { Channel } from '../domain/lead-events.ts';
import type { ChannelAdapter, ChannelAdapterDeps, ChannelAdapterFactory } from './channel-adapter.ts';
import { smsAdapter } from './sms/sms-adapter.ts';
import { sessionAdapter } from './session/adapter.ts';
import { whatsappAdapter } from './whatsapp/adapter.ts';

export const channelAdapters: Partial<Record<Channel, ChannelAdapterFactory>> = {
  whatsapp: whatsappAdapter,
  sms: smsAdapter,
  web: sessionAdapter,
  app: sessionAdapter,
  api: sessionAdapter,
};

export type ChannelAdapters = Partial<Record<Channel, ChannelAdapter>>;

/** Every registered adapter, built from the relay's dependencies. */
export function createChannelAdapters(
  deps: ChannelAdapterDeps,
  factories: Partial<Record<Channel, ChannelAdapterFactory>> = channelAdapters,
): ChannelAdapters {
  const adapters: ChannelAdapters = {};
  for (const [channel, factory] of Object.entries(factories) as [Channel, ChannelAdapterFactory][]) {
    adapters[channel] = factory(deps);
  }
  return adapters;
}
