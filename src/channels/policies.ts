// The channel policy of each channel, for the lead machine (pure modules only: no adapters, no I/O). A
// channel without a policy of its own gets the open policy: replies go to the message's session or phone,
// free-form content may always go out. Registering a policy is one line here.
import type { Channel } from '../domain/lead-events.ts';
import type { ChannelPolicy } from './channel-policy.ts';
import { smsPolicy } from './sms/policy.ts';
import { whatsappPolicy } from './whatsapp/policy.ts';

const policies: Partial<Record<Channel, ChannelPolicy>> = {
  whatsapp: whatsappPolicy,
  sms: smsPolicy,
};

function openPolicy(channel: Channel): ChannelPolicy {
  return {
    channel,
    replyAddress(event) {
      const phone = event.from.find((identifier) => identifier.type === 'phone');
      const to = event.session?.sessionId ?? phone?.value;
      if (to === undefined) return null;
      return event.to === undefined ? { to } : { to, from: event.to };
    },
    freeFormOpen: () => true,
    closedByStatus: () => false,
  };
}

export function policyFor(channel: Channel): ChannelPolicy {
  return policies[channel] ?? openPolicy(channel);
}
