// The lead actor's context: small, plain JSON (it is the persisted snapshot). Time and ids only ever come
// from events, so the same events always give the same context.
import type { ReplyAddress } from '../../channels/channel-policy.ts';
import type { OutboundMessage } from '../../domain/effects.ts';
import type { Channel, TimerKey } from '../../domain/lead-events.ts';
import type { QuestionId } from '../../studio/studio-schema.ts';
import type { Dimensions, Money } from '../parsers/index.ts';
import type { ResumableStatus } from './lead-status.ts';
import type { TemplateKind } from './turn.ts';

/**
 * One shape for every answer: photos (`mediaIds`), a description (the caption or the text), or `none: true`
 * (no photos, no description) for "none". Snapshots and `leads.answers` rows persisted before this shape may
 * still hold the string `"none"` (a rebuild reads the row): readers go through `isNoReferences`.
 */
export interface ReferenceImages {
  mediaIds: string[];
  description: string | null;
  none: boolean;
}

export const NO_REFERENCES: ReferenceImages = { mediaIds: [], description: null, none: true };

/** "none", in the current shape or the legacy string. */
export function isNoReferences(value: ReferenceImages | 'none'): boolean {
  return value === 'none' || value.none;
}

export interface AnswerValues {
  idea: string;
  placement: string;
  dimensions: Dimensions;
  style: string;
  reference_images: ReferenceImages;
  budget: Money;
}
export type Answers = { [K in QuestionId]?: AnswerValues[K] };
export type AnswerValue = AnswerValues[QuestionId];

export interface Slot {
  start: string;
  end: string;
}

/**
 * Offers waiting for the studio's booked slots (`effect.booking.load_taken`): when `booking.taken_slots`
 * arrives they are computed without those slots and sent with this lead-in, under this template outside the
 * window.
 */
export interface LoadingOffers {
  lead: string;
  template: TemplateKind;
}

export interface LeadContext {
  studioId: string;
  /** E.164, from the first inbound message that brought one. */
  phone: string | null;
  /** The sender's profile name (WhatsApp profile, …). */
  name: string | null;
  /**
   * The lead's language (BCP 47 or a Meta code) when a message brought one (the message API's
   * `user.language`): templates go in it when the studio has them in it (null = unknown).
   */
  language: string | null;
  /** The channel of the lead's latest inbound message: replies go out on it. */
  channel: Channel | null;
  /** Where replies go on that channel (the channel's policy read it from the latest inbound message). */
  replyTo: ReplyAddress | null;
  /**
   * The choices of the latest message with choices the lead was sent: a channel without buttons (SMS) reads
   * a numbered reply against them.
   */
  offeredChoices: { id: string; title: string }[];
  answers: Answers;
  /** Index into the studio's questions; equal to their count once all are answered. */
  step: number;
  /** Unparseable answers at the current step (one repair, then a human). */
  repairs: number;
  /** Provider timestamp (`sentAt`) of the latest inbound message (WhatsApp's 24-hour window starts here). */
  lastInboundAt: string | null;
  /** The provider refused free-form content (WhatsApp 131047) since the latest inbound message. */
  windowClosed: boolean;
  /** Free-form content held back while the channel's policy says no, delivered when the lead replies. */
  pending: OutboundMessage[];
  /** The latest batch of free-form messages, re-queued if the provider says the window had closed. */
  lastSent: OutboundMessage[];
  /** The next inbound message resumes (re-asks the current prompt) instead of being read as an answer. */
  resume: boolean;
  /** Where NEEDS_HUMAN, STALE and OPTED_OUT return to. */
  resumeTo: ResumableStatus;
  /** Live timers and their due times; a firing whose key is not here is stale and ignored. */
  timers: Partial<Record<TimerKey, string>>;
  /** The one reminder for the current silence has been sent. */
  reminded: boolean;
  /**
   * An artist decision to apply on START, kept while the lead was opted out (nothing may be sent then): one
   * made meanwhile, or an earlier approval whose checkout failed for good meanwhile ('approve': START
   * requests a new checkout).
   */
  decidedWhileOptedOut: 'approve' | 'reject' | null;
  deposit: {
    sessionId: string | null;
    url: string | null;
    expiresAt: string | null;
    /**
     * The session Stripe is being asked about (`effect.deposit.check_session`): the expiry is due and waits
     * for the answer. Only ever set in AWAITING_DEPOSIT: leaving it clears the field.
     */
    checkingSession: string | null;
  };
  slots: {
    /** The offers the lead was last sent (a number or button reply picks from these). */
    offered: Slot[];
    /** Slot starts known to be booked by other leads. */
    taken: string[];
    chosen: Slot | null;
    booked: Slot | null;
    /**
     * Offers are waiting for the taken slots to load. Only ever set in BOOKING: leaving BOOKING clears it.
     */
    loading: LoadingOffers | null;
  };
}

export interface LeadInput {
  studioId: string;
  phone: string | null;
  name?: string | null;
  /** The channel of the event that created the lead (a message, a campaign send); replies go out on it. */
  channel?: Channel | null;
}

export function initialLeadContext(input: LeadInput): LeadContext {
  const channel = input.channel ?? null;
  return {
    studioId: input.studioId,
    phone: input.phone,
    name: input.name ?? null,
    language: null,
    channel,
    replyTo: input.phone !== null && channel !== null ? { to: input.phone } : null,
    offeredChoices: [],
    answers: {},
    step: 0,
    repairs: 0,
    lastInboundAt: null,
    windowClosed: false,
    pending: [],
    lastSent: [],
    resume: false,
    resumeTo: 'QUALIFYING',
    timers: {},
    reminded: false,
    decidedWhileOptedOut: null,
    deposit: { sessionId: null, url: null, expiresAt: null, checkingSession: null },
    slots: { offered: [], taken: [], chosen: null, booked: null, loading: null },
  };
}
