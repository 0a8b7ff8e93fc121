// The rules of one channel, consulted by the lead machine through this channel-neutral interface (the
// machine never asks which channel it is on): where a reply goes, whether free-form content may go out now
// or the conversation must first be reopened by a template, and which provider statuses close it. Pure: no
// I/O, no clock (time arrives as arguments).
import type {
  Channel,
  InboundContent,
  MessageReceivedEvent,
  MessageStatusEvent,
} from '../domain/lead-events.ts';
import type { Studio } from '../studio/studio-schema.ts';

/** Where a lead's messages go on its channel: the recipient, and the studio address they leave from. */
export interface ReplyAddress {
  /** E.164 for WhatsApp and SMS, the session id for web/app/api. */
  to: string;
  /** The studio address the lead wrote to (WhatsApp phone_number_id, the SMS number); absent = default. */
  from?: string;
}

/** What the machine knows about the conversation's openness (both from inbound messages and feedback). */
export interface ConversationState {
  /** Provider timestamp of the lead's latest inbound message. */
  lastInboundAt: string | null;
  /** The provider refused free-form content since that message (e.g. WhatsApp error 131047). */
  closedByProvider: boolean;
}

/** What a policy may know about the lead when it translates an inbound message. */
export interface InboundView {
  /** The choices of the latest message with choices the lead was sent (a numbered reply picks one). */
  offeredChoices: readonly { id: string; title: string }[];
  optedOut: boolean;
}

export interface ChannelPolicy {
  readonly channel: Channel;
  /** Where replies to this inbound message go; null when it brought no address the channel can reach. */
  replyAddress(event: MessageReceivedEvent): ReplyAddress | null;
  /**
   * May free-form content go out at `at`? When false the machine sends the studio's template once and keeps
   * the content until the lead replies.
   */
  freeFormOpen(state: ConversationState, at: string, studio: Studio): boolean;
  /** The provider's delivery status says free-form content was refused because the conversation closed. */
  closedByStatus(event: MessageStatusEvent): boolean;
  /**
   * The inbound content as the machine should read it (SMS: "2" is the second choice offered, carrier
   * keywords are the machine's STOP/START), applied before the machine sees the message. Absent: as is.
   */
  translateInbound?: (content: InboundContent, lead: InboundView) => InboundContent;
  /**
   * A message the channel answers itself instead of the conversation (SMS: HELP/INFO get the studio's help
   * text): the answer's text, or null for a message the machine should read. Applied before
   * `translateInbound`. Absent: none.
   */
  answerInbound?: (content: InboundContent, studio: Studio) => string | null;
}

/** The reply address of a phone channel (WhatsApp, SMS): the sender's phone, from the number written to. */
export function phoneReplyAddress(event: MessageReceivedEvent): ReplyAddress | null {
  const phone = event.from.find((identifier) => identifier.type === 'phone');
  if (phone === undefined) return null;
  return event.to === undefined ? { to: phone.value } : { to: phone.value, from: event.to };
}
