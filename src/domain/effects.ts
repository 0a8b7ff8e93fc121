// Effects are data. Machines emit them (`emit(...)`); the actor host turns them into rows in the same
// transaction that saves the snapshot:
//   effect.timer.schedule / effect.timer.cancel → timers table (durable time, invariant 5)
//   effect.system_event                          → system_events table
//   effect.transcript.delivery                   → monotonic delivery_status update on the transcript
//   every other effect.*                          → outbox table, executed by the relay (invariant 4)
// Any effect may carry `transcript`: the host appends it to the lead's transcript as an outbound entry.
import { z } from 'zod';
import { transcriptEntrySchema } from './transcript.ts';
import {
  artistChannelSchema,
  artistReasonSchema,
  channelSchema,
  providerSchema,
  timerKeySchema,
} from './lead-events.ts';
import { OUTBOUND_TEXT_LIMIT } from './sanitize.ts';

const outboundTranscript = transcriptEntrySchema.omit({ direction: true }).optional();

export const outboundMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('text'),
    text: z.string().min(1).max(OUTBOUND_TEXT_LIMIT),
    /** Let WhatsApp preview the first URL (default true); false for artist action links. */
    previewUrl: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('template'),
    name: z.string(),
    language: z.string().default('en'),
    /** Body parameters, in order. */
    params: z.array(z.string()).default([]),
    /** Dynamic suffixes of the template's URL buttons, by button index (e.g. an action link's token). */
    buttons: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('interactive'),
    body: z.string().min(1).max(1024),
    /** ≤ 3 become reply buttons, more become a list. */
    options: z
      .array(z.object({ id: z.string().max(200), title: z.string().max(24) }))
      .min(1)
      .max(10),
  }),
]);
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

export const timerScheduleEffectSchema = z.object({
  type: z.literal('effect.timer.schedule'),
  /** One live timer per (lead, key): scheduling again replaces it (the old one never fires). */
  key: timerKeySchema.or(z.string().min(1)),
  dueAt: z.iso.datetime({ offset: true }),
});
export const timerCancelEffectSchema = z.object({
  type: z.literal('effect.timer.cancel'),
  key: timerKeySchema.or(z.string().min(1)),
});
export const systemEventEffectSchema = z.object({
  type: z.literal('effect.system_event'),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  /** e.g. `slot.unavailable_after_selection`, `stripe.session_id_mismatch`. */
  eventType: z.string(),
  payload: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Send a channel-neutral message to a lead on one channel: the relay routes it to that channel's adapter
 * (src/channels), which applies the channel's policy (WhatsApp window and templates, SMS numbered choices and
 * quiet hours, web sessions). Rows written as `effect.whatsapp.send` by earlier versions are upcast
 * (src/domain/legacy-events.ts).
 */
export const messageSendEffectSchema = z.object({
  type: z.literal('effect.message.send'),
  studioId: z.string(),
  channel: channelSchema,
  /** The recipient on that channel: E.164 for WhatsApp and SMS, the session id for web/app/api. */
  to: z.string(),
  /** The studio address it leaves from (the SMS number the lead wrote to); absent = the channel's default. */
  from: z.string().optional(),
  message: outboundMessageSchema,
  /** The inbound message this answers; absent for anything that is not a direct reply (quiet hours apply). */
  inReplyTo: z.string().optional(),
  /** Set on a campaign's send: a run's counters read its outbox rows by `campaign.runId`. */
  campaign: z.object({ campaignId: z.string(), runId: z.string() }).optional(),
  transcript: outboundTranscript,
});
export const artistNotifyEffectSchema = z.object({
  type: z.literal('effect.artist.notify'),
  studioId: z.string(),
  artistId: z.string(),
  /** Why: a lead to approve (with action links), a handover, a repair failure. */
  reason: artistReasonSchema,
  text: z.string(),
  /** When true the relay appends signed approve/reject links (it holds ACTION_LINK_SECRET; machines don't). */
  withActionLinks: z.boolean().default(false),
  /** The channel to send on; absent: the first of the artist's `notify` (a fallback names the next one). */
  channel: artistChannelSchema.optional(),
  /**
   * A fallback's: the first notification's outbox id. Its links carry that nonce (one decision between
   * them all), and no second notification of it goes out on the same channel.
   */
  linksNonce: z.string().optional(),
  transcript: outboundTranscript,
});
export const depositCheckoutEffectSchema = z.object({
  type: z.literal('effect.deposit.create_checkout'),
  studioId: z.string(),
  amount: z.number().int().positive(),
  currency: z.string().length(3),
  expiresAt: z.iso.datetime({ offset: true }),
  description: z.string(),
});
/**
 * Ask Stripe how the lead's checkout session stands (relay: `stripe.checkout.sessions.retrieve`). Emitted
 * when the deposit's expiry is due, so a payment whose `checkout.session.completed` webhook never arrived
 * is found before the lead is told the link expired. Fed back as `deposit.session_checked`.
 */
export const depositCheckSessionEffectSchema = z.object({
  type: z.literal('effect.deposit.check_session'),
  studioId: z.string(),
  sessionId: z.string(),
});
export const mediaStoreEffectSchema = z.object({
  type: z.literal('effect.media.store'),
  studioId: z.string(),
  /** Provider message id the media arrived in. */
  messageId: z.string(),
  mediaId: z.string(),
  mimeType: z.string().optional(),
  sha256: z.string().optional(),
  /** Who carried it (where the bytes are fetched from): Meta's media id, or a Twilio MMS URL. Absent: meta. */
  provider: providerSchema.optional(),
  /** Whether the machine accepted it as a reference image or kept it as an out-of-step attachment. */
  purpose: z.enum(['reference', 'attachment']),
});

/** Reserve a slot for the lead (relay: insert into bookings, unique per studio+slot start). */
export const bookingReserveEffectSchema = z.object({
  type: z.literal('effect.booking.reserve'),
  studioId: z.string(),
  slotStart: z.iso.datetime({ offset: true }),
  slotEnd: z.iso.datetime({ offset: true }),
});
/**
 * Load the studio's slots already booked by other leads, starting in [from, until) (relay: a query on
 * bookings), so the offers a lead is about to get leave them out (rule 12). Fed back as
 * `booking.taken_slots`.
 */
export const bookingLoadTakenEffectSchema = z.object({
  type: z.literal('effect.booking.load_taken'),
  studioId: z.string(),
  from: z.iso.datetime({ offset: true }),
  until: z.iso.datetime({ offset: true }),
});
/**
 * Ask the studio's orchestrator (an OpenAI-compatible chat completions endpoint) to answer the lead's
 * message: `assistant` (flow: assistant, every message) or `off_script` (a question asked mid-qualifying).
 * The relay sends the lead's recent conversation (its transcript, bounded) with `answers` and, off script,
 * the question the lead is being asked; the answer (or the studio's defaultReply after an error, a timeout
 * or past the session's budget) comes back as `orchestrator.answered` with its token usage.
 */
export const orchestratorAskEffectSchema = z.object({
  type: z.literal('effect.orchestrator.ask'),
  studioId: z.string(),
  purpose: z.enum(['assistant', 'off_script']),
  /** The inbound message being answered: the answer is sent as a direct reply to it. */
  inReplyTo: z.string(),
  channel: channelSchema,
  /** The lead's words (also the latest inbound transcript entry). */
  text: z.string().max(10_000),
  /** The message-API session it came in (the budget's scope); absent on WhatsApp and SMS. */
  sessionId: z.string().optional(),
  /** The question the lead is being asked (off script), for the instructions. */
  question: z.string().optional(),
  /** The lead's answers so far, as the summary words them ("Placement: left forearm"). */
  answers: z.array(z.string()).default([]),
  /** The notice topic of a gateway waiting for this message's replies: put on the answer's envelope. */
  replyTo: z.string().optional(),
});

/**
 * Runtime-handled: move an outbound transcript entry's delivery status forward (queued → sent → delivered → read;
 * failed from anywhere). A late `delivered` never overwrites `read`.
 */
export const transcriptDeliveryEffectSchema = z.object({
  type: z.literal('effect.transcript.delivery'),
  providerMessageId: z.string(),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed']),
  /** Why a failed delivery failed (the provider's code: Twilio 30003, Graph 131026…). */
  error: z.object({ code: z.union([z.number(), z.string()]), title: z.string().optional() }).optional(),
});

export const effectSchema = z.discriminatedUnion('type', [
  timerScheduleEffectSchema,
  timerCancelEffectSchema,
  systemEventEffectSchema,
  messageSendEffectSchema,
  artistNotifyEffectSchema,
  depositCheckoutEffectSchema,
  depositCheckSessionEffectSchema,
  mediaStoreEffectSchema,
  bookingReserveEffectSchema,
  bookingLoadTakenEffectSchema,
  orchestratorAskEffectSchema,
  transcriptDeliveryEffectSchema,
]);
export type Effect = z.infer<typeof effectSchema>;
export type OutboxEffect = Exclude<
  Effect,
  { type: `effect.timer.${string}` } | { type: 'effect.system_event' }
>;
