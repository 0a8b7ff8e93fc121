// WhatsApp's rules (rule 6): free-form messages only within `windowHours` of the lead's latest inbound
// message, measured by the provider's timestamp; outside it (or once Graph refused a send with 131047) only
// an approved template may go out, and the content waits for the lead's reply.
import { phoneReplyAddress, type ChannelPolicy, type ConversationState } from '../channel-policy.ts';
import type { Studio } from '../../studio/studio-schema.ts';

const HOUR_MS = 3_600_000;

/** Graph error: the customer-service window is closed. */
export const OUTSIDE_WINDOW_CODE = 131047;

/** Whether the 24-hour customer-service window is open at `at`. */
export function windowOpen(state: ConversationState, at: string, studio: Studio): boolean {
  const last = state.lastInboundAt;
  if (last === null || state.closedByProvider) return false;
  return Date.parse(at) - Date.parse(last) < studio.timings.windowHours * HOUR_MS;
}

export const whatsappPolicy: ChannelPolicy = {
  channel: 'whatsapp',
  replyAddress: phoneReplyAddress,
  freeFormOpen: windowOpen,
  closedByStatus: (event) =>
    event.status === 'failed' && (event.errors ?? []).some((e) => e.code === OUTSIDE_WINDOW_CODE),
};
