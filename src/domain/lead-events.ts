// The lead actor's event catalogue: everything that can arrive on a lead's ordered stream. The gateway,
// the scheduler and the outbox relay produce these; src/machines/lead consumes them. Validated with zod at
// the edge (gateway, bus decode) and typed inside.
import { z } from 'zod';

const at = z.iso.datetime({ offset: true });
const base = { at };

/** The content of one inbound message, on any channel. */
export const inboundContentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({
    kind: z.enum(['image', 'audio', 'video', 'document', 'sticker']),
    mediaId: z.string(),
    mimeType: z.string().optional(),
    sha256: z.string().optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
  }),
  z.object({
    kind: z.literal('location'),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
  z.object({ kind: z.literal('contacts'), names: z.array(z.string()) }),
  /** Interactive button/list reply, or a template quick-reply button: `id` is our payload. */
  z.object({ kind: z.enum(['interactive', 'button']), id: z.string(), title: z.string() }),
  z.object({ kind: z.literal('reaction'), emoji: z.string(), messageId: z.string() }),
  z.object({ kind: z.literal('unsupported'), rawType: z.string() }),
]);
export type InboundContent = z.infer<typeof inboundContentSchema>;

/** How a message reached or leaves a lead. Channel rules live in src/channels (one policy per channel). */
export const channelSchema = z.enum(['whatsapp', 'sms', 'web', 'app', 'api']);
export type Channel = z.infer<typeof channelSchema>;

/** Who carried the message: Meta (WhatsApp), an SMS provider, or Leadline's own message API. */
export const providerSchema = z.enum(['meta', 'twilio', 'openphone', 'leadline']);
export type Provider = z.infer<typeof providerSchema>;

/** A brand-scoped identifier of a lead: unique within a studio (phone E.164, email lower-cased, deviceId). */
export const identifierSchema = z.object({
  type: z.enum(['phone', 'email', 'deviceId']),
  value: z.string().min(1),
});
export type Identifier = z.infer<typeof identifierSchema>;

/**
 * One inbound message on any channel: envelopes of the WhatsApp-only `whatsapp.message` written
 * by earlier versions are upcast to it at decode (src/domain/legacy-events.ts). `messageId` is
 * the provider's id (wamid, Twilio MessageSid, OpenPhone id, or the message API's messageId): the lead's
 * actor applies a given id once. Every sender-controlled string was sanitised at the edge; `truncated`
 * names the fields the sanitiser had to cut (shown in the transcript).
 */
export const messageReceivedEventSchema = z.object({
  type: z.literal('message.received'),
  ...base,
  channel: channelSchema,
  provider: providerSchema,
  messageId: z.string().min(1),
  /** The sender's identifiers as this message brought them (phone first, then email, then deviceId). */
  from: z.array(identifierSchema),
  /** The studio address the lead wrote to: WhatsApp phone_number_id, the SMS number (E.164), or absent. */
  to: z.string().optional(),
  profileName: z.string().optional(),
  /** The sender's language when the channel says it (message API `user.language`): BCP 47, e.g. de-AT. */
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$/)
    .optional(),
  /** The provider's own timestamp (ISO): WhatsApp's 24-hour window is measured from it. */
  sentAt: at,
  content: inboundContentSchema,
  /** Message API only: the session and request this message belongs to (replies are returned for it). */
  session: z.object({ sessionId: z.string(), requestId: z.string() }).optional(),
  /**
   * Set by the lead's actor definition from the envelope's `replyTo` (never by producers): a gateway waits
   * for this message's replies there, so an orchestrator asked about it names the topic too.
   */
  replyTo: z.string().optional(),
  truncated: z.array(z.string()).optional(),
});
export type MessageReceivedEvent = z.infer<typeof messageReceivedEventSchema>;

/** The delivery status of one of our outbound messages, as its provider reports it (any channel). */
export const messageStatusEventSchema = z.object({
  type: z.literal('message.status'),
  ...base,
  channel: channelSchema,
  provider: providerSchema,
  /** The provider's id of our outbound message. */
  messageId: z.string().min(1),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed']),
  sentAt: at,
  errors: z
    .array(z.object({ code: z.union([z.number(), z.string()]), title: z.string().optional() }))
    .optional(),
});
export type MessageStatusEvent = z.infer<typeof messageStatusEventSchema>;

export const stripeCheckoutCompletedSchema = z.object({
  type: z.literal('stripe.checkout.completed'),
  ...base,
  eventId: z.string(),
  sessionId: z.string(),
  paymentStatus: z.string(),
  amountTotal: z.number().int().nullable(),
  currency: z.string().nullable(),
});

export const stripeCheckoutExpiredSchema = z.object({
  type: z.literal('stripe.checkout.expired'),
  ...base,
  eventId: z.string(),
  sessionId: z.string(),
});

/** Control events (docs/contract.md §5), from the admin API, NATS admin service or artist action links. */
export const controlEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('handover.start'), ...base }),
  z.object({ type: z.literal('handover.end'), ...base }),
  z.object({ type: z.literal('artist.approve'), ...base }),
  z.object({ type: z.literal('artist.reject'), ...base, reason: z.string().max(2000).optional() }),
  z.object({ type: z.literal('lead.reset'), ...base }),
  z.object({ type: z.literal('message.send'), ...base, text: z.string().min(1).max(4096) }),
  z.object({ type: z.literal('deposit.mark_paid'), ...base }),
]);
export const controlEventTypes = [
  'handover.start',
  'handover.end',
  'artist.approve',
  'artist.reject',
  'lead.reset',
  'message.send',
  'deposit.mark_paid',
] as const;

/** Keys of the durable timers the lead machine schedules. */
export const timerKeySchema = z.enum(['reminder', 'stale', 'handover_cooldown', 'deposit_expiry']);
export type TimerKey = z.infer<typeof timerKeySchema>;

/** A due timer, delivered by the scheduler. `timerId` is the row id; a cancelled/replaced one never arrives. */
export const timerFiredSchema = z.object({
  type: z.literal('timer.fired'),
  ...base,
  key: timerKeySchema,
  timerId: z.string(),
});

/** How an artist can be notified (the studio's `artists[].notify` lists them in the order to try). */
export const artistChannels = ['whatsapp', 'sms', 'email'] as const;
export const artistChannelSchema = z.enum(artistChannels);
export type ArtistChannel = z.infer<typeof artistChannelSchema>;
export const artistReasonSchema = z.enum(['approval', 'handover', 'needs_human', 'booked', 'info']);

/** Effect outcomes fed back by the outbox relay (docs/architecture.md invariant 4). */
export const effectResultSchema = z.discriminatedUnion('type', [
  /**
   * An artist notification failed for good on `channel` (a send refused, or WhatsApp's `failed` status):
   * the lead's actor sends it again on `next`, with the same links (`linksNonce`). From the relay, or from
   * the gateway when the status arrives (outboxId: the notification's).
   */
  z.object({
    type: z.literal('artist.notify_failed'),
    ...base,
    outboxId: z.string(),
    artistId: z.string(),
    reason: artistReasonSchema,
    text: z.string(),
    withActionLinks: z.boolean(),
    channel: artistChannelSchema,
    next: artistChannelSchema,
    linksNonce: z.string(),
    cause: z.string().max(500),
  }),
  z.object({
    type: z.literal('deposit.checkout_created'),
    ...base,
    outboxId: z.string(),
    sessionId: z.string(),
    url: z.string(),
    expiresAt: at,
  }),
  /** Answer to `effect.deposit.check_session`: the checkout session as Stripe has it now. */
  z.object({
    type: z.literal('deposit.session_checked'),
    ...base,
    outboxId: z.string(),
    sessionId: z.string(),
    /** Stripe's `status`: `open`, `complete` or `expired` (null on sessions older than the field). */
    status: z.string().nullable(),
    /** Stripe's `payment_status`: `paid`, `unpaid` or `no_payment_required`. */
    paymentStatus: z.string(),
    amountTotal: z.number().int().nullable(),
    currency: z.string().nullable(),
  }),
  /** A channel adapter's refusal of `effect.message.send` (any channel), fed back to the lead's actor. */
  z.object({
    type: z.literal('message.send_failed'),
    ...base,
    outboxId: z.string(),
    channel: channelSchema,
    code: z.union([z.number().int(), z.string()]).nullable(),
    reason: z.string(),
    /** WhatsApp 131047: the 24-hour window is closed; send a template instead. */
    outsideWindow: z.boolean(),
    /** The provider refused because the recipient opted out (Twilio 21610): move to OPTED_OUT, never retry. */
    recipientOptedOut: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('booking.reserved'),
    ...base,
    outboxId: z.string(),
    slotStart: at,
    slotEnd: at,
  }),
  /** The chosen slot was taken meanwhile by another lead; `takenSlots` are the slots other leads booked. */
  z.object({
    type: z.literal('booking.slot_unavailable'),
    ...base,
    outboxId: z.string(),
    slotStart: at,
    takenSlots: z.array(at),
  }),
  /** Answer to `effect.booking.load_taken`: slot starts other leads have booked in the asked range. */
  z.object({
    type: z.literal('booking.taken_slots'),
    ...base,
    outboxId: z.string(),
    takenSlots: z.array(at),
  }),
  /**
   * The orchestrator's answer to `effect.orchestrator.ask` (or the studio's defaultReply when the call
   * failed, timed out or was over budget: `outcome` says which), with the call's token usage.
   */
  z.object({
    type: z.literal('orchestrator.answered'),
    ...base,
    outboxId: z.string(),
    purpose: z.enum(['assistant', 'off_script']),
    /** The inbound message the answer replies to. */
    inReplyTo: z.string(),
    text: z.string().min(1),
    outcome: z.enum(['answered', 'failed', 'timeout', 'budget_exceeded']),
    usage: z
      .object({ model: z.string(), promptTokens: z.number().int(), completionTokens: z.number().int() })
      .nullable(),
  }),
  z.object({
    type: z.literal('effect.failed'),
    ...base,
    outboxId: z.string(),
    effectType: z.string(),
    reason: z.string(),
  }),
]);

/**
 * A campaign's message for this lead (docs/contract.md §10), published by a campaign run after it claimed the
 * (campaign, lead, day) key and a unit of the daily quota. The lead's actor decides: opted out or without
 * consent → refused (a `campaign.skipped` system event); otherwise the message goes out like any other.
 */
export const campaignSendEventSchema = z.object({
  type: z.literal('campaign.send'),
  ...base,
  campaignId: z.string(),
  runId: z.string(),
  channel: z.enum(['whatsapp', 'sms']),
  /** E.164: the contact's phone (a lead without a snapshot yet starts with it). */
  phone: z.string(),
  /** The contact's consent as the import recorded it when the send was claimed. */
  consent: z.boolean(),
  message: z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('template'),
      name: z.string(),
      /** The campaign's own language; absent: the lead's actor picks the lead's (else the studio's). */
      language: z.string().optional(),
      params: z.array(z.string()),
    }),
    z.object({ kind: z.literal('text'), text: z.string().min(1).max(1600) }),
  ]),
});
export type CampaignSendEvent = z.infer<typeof campaignSendEventSchema>;

/**
 * Every event the lead machine receives from the bus, validated where it enters the runtime (the actor
 * host's decode, src/actors/decode-envelope.ts): a new lead event must be added here, or the host
 * dead-letters it. Discriminated on `type`: one option is tried (not all), and a failure names the field.
 */
export const leadEventSchema = z.discriminatedUnion('type', [
  campaignSendEventSchema,
  messageReceivedEventSchema,
  messageStatusEventSchema,
  stripeCheckoutCompletedSchema,
  stripeCheckoutExpiredSchema,
  controlEventSchema,
  timerFiredSchema,
  effectResultSchema,
]);
/**
 * Never on the bus: an inbound message its channel's policy answers itself (SMS HELP/INFO: the studio's
 * help text), as the lead machine receives it instead of the message (leadEventFor). The machine sends
 * `answer` to `replyTo` on `channel` as a direct reply to `messageId` and changes nothing else (no step,
 * no repair count, not an answer); an opted-out lead is sent nothing (rule 9).
 */
export type MessageAnsweredByChannelEvent = {
  type: 'message.answered_by_channel';
  at: string;
  channel: Channel;
  messageId: string;
  replyTo: { to: string; from?: string };
  answer: string;
};

export type LeadEvent = z.infer<typeof leadEventSchema> | MessageAnsweredByChannelEvent;
export type ControlEvent = z.infer<typeof controlEventSchema>;
